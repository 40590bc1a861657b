# Shared helpers for the bench scripts; sourced, not run.
# Everything binds to 127.0.0.1 and lives under one temp dir that is removed on exit.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_LIB="$BENCH_ROOT/bench/lib"
JAR=${GATEHOUSE_JAR:-"$BENCH_ROOT/target/gatehouse.jar"}  # GATEHOUSE_JAR: bench another build
API_KEY="gh_ak_bench_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
BENCH_PASSWORD="bench-password-1"
# The cheapest Argon2id the config accepts. Used only for the seeding and login phases of a
# benchmark: the forward-auth hot path never hashes a password, so this does not flatter it.
CHEAP_ARGON2=(GATEHOUSE_HASHING_ARGON2_M_COST=32768 GATEHOUSE_HASHING_ARGON2_T_COST=1
  GATEHOUSE_HASHING_ARGON2_P_COST=2)

need() {
  local missing=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing: ${missing[*]} -- install with: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

now_ms() { date +%s%3N; }


# The launchers' JVM defaults, read from dist/jvm-options so the benchmark runs what users run.
DEFAULT_JAVA_OPTS=$(sed 's/#.*//' "$BENCH_ROOT/dist/jvm-options" | tr -s '[:space:]' ' ')
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)
fi
JAVA="$JAVA_HOME/bin/java"

ensure_jar() {
  if [ ! -f "$JAR" ]; then
    (cd "$BENCH_ROOT" && ./gatehouse build)
  fi
}

# Jars of other revisions, built once each and kept across runs (a build takes minutes).
JAR_CACHE=${JAR_CACHE:-/tmp/gatehouse-bench-jars}

# rev_jar REV: prints the path of REV's gatehouse.jar, building it first when it is not in
# $JAR_CACHE/<full sha>.jar: a detached worktree of this repository at REV, the launcher's build
# command, the jar copied out, the worktree removed. Build output goes to stderr.
rev_jar() (
  set -euo pipefail
  sha=$(git -C "$BENCH_ROOT" rev-parse --verify -q "$1^{commit}") ||
    { echo "not a git revision: $1" >&2; exit 1; }
  out="$JAR_CACHE/$sha.jar"
  if [ -f "$out" ]; then echo "$out"; exit 0; fi
  mkdir -p "$JAR_CACHE"
  dir=$(mktemp -d /tmp/gatehouse-build.XXXXXX)
  trap 'git -C "$BENCH_ROOT" worktree remove --force "$dir/src" 2>/dev/null || true; rm -rf "$dir"' EXIT
  echo "building $1 ($(git -C "$BENCH_ROOT" rev-parse --short "$sha")) into $out ..." >&2
  t0=$(now_ms)
  git -C "$BENCH_ROOT" worktree add -q --detach "$dir/src" "$sha" >&2
  (cd "$dir/src" && JAVA_HOME="$JAVA_HOME" ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package) >&2 ||
    { echo "build of $1 failed" >&2; exit 1; }
  cp "$dir/src/target/gatehouse.jar" "$out.$$" && mv "$out.$$" "$out"
  echo "built $1 in $((($(now_ms) - t0) / 1000)) s" >&2
  echo "$out"
)

# jar_rev JAR: the revision a jar was built from, as far as can be told: a cached jar is named by its
# commit; a jar under <repo>/target is that repository's HEAD, marked "+uncommitted" when src/ or
# pom.xml differ from it and "(stale: sources newer)" when a source file is newer than the jar.
jar_rev() {
  local jar=$1 base repo rev
  base=$(basename "$jar" .jar)
  if [[ "$base" =~ ^[0-9a-f]{40}$ ]]; then
    git -C "$BENCH_ROOT" rev-parse --short "$base" 2>/dev/null || echo "${base:0:9}"
    return
  fi
  repo=$(git -C "$(dirname "$jar")" rev-parse --show-toplevel 2>/dev/null) || { echo unknown; return; }
  rev=$(git -C "$repo" rev-parse --short HEAD)
  [ -z "$(git -C "$repo" status --porcelain -- src pom.xml 2>/dev/null)" ] || rev="$rev+uncommitted"
  [ -z "$(find "$repo/src/main" "$repo/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ] ||
    rev="$rev (stale: sources newer)"
  echo "$rev"
}

# resolve_jars: the builds to compare, from GH_JARS="name:jar-or-revision ..." (a value that is not
# a file is built as a git revision, see rev_jar). Default: "old:$OLD_REV new:$JAR" when OLD_REV is
# set, else "current:$JAR". Sets JAR_NAMES, JAR_OF[name] and GH_JARS (names and paths); builds $JAR
# when it is one of them and missing; prints one header line per build.
declare -A JAR_OF
JAR_NAMES=()
resolve_jars() {
  local spec name value path resolved=()
  if [ -n "${OLD_REV:-}" ]; then
    GH_JARS=${GH_JARS:-"old:$OLD_REV new:$JAR"}
  else
    GH_JARS=${GH_JARS:-"current:$JAR"}
  fi
  for spec in $GH_JARS; do
    name=${spec%%:*} value=${spec#*:}
    [[ "$name" =~ ^[A-Za-z0-9_]+$ && "$spec" == *:* ]] ||
      { echo "GH_JARS: want name:jar-or-revision (name of letters, digits, _), got $spec" >&2; exit 1; }
    if [ "$value" = "$JAR" ]; then
      ensure_jar
      path=$JAR
    elif [ -f "$value" ]; then
      path=$value
    else
      path=$(rev_jar "$value") || exit 1
      REV_OF[$name]=$(git -C "$BENCH_ROOT" rev-parse "$value^{commit}")
    fi
    JAR_NAMES+=("$name")
    JAR_OF[$name]=$path
    resolved+=("$name:$path")
  done
  GH_JARS=${resolved[*]}
  for name in "${JAR_NAMES[@]}"; do
    echo "== build $name: $(jar_rev "${JAR_OF[$name]}") (${JAR_OF[$name]})"
  done
}

# check_config NAME [env...]: `gatehouse config check` of build NAME with the environment gh_start
# gives it plus env; exits naming the key when the build rejects it (unknown keys are fatal at start,
# and builds differ: e.g. forward_auth.listen_threads is gone in the Vert.x stack, server.max_* is
# new). Inherited GATEHOUSE_<SECTION>_<KEY> variables reach every build; per-build ones belong in
# GH_ENV_<name>.
check_config() {
  local name=$1 out
  shift
  if ! out=$(env GATEHOUSE_STORAGE_DATA_DIR=/nonexistent GATEHOUSE_SERVER_LISTEN=127.0.0.1:1 "$@" \
    "$JAVA" -jar "${JAR_OF[$name]}" config check 2>&1); then
    echo "build $name rejects the configuration: $(grep -m1 'config error' <<<"$out" || echo "$out" | tail -3)" >&2
    exit 1
  fi
}

# The GATEHOUSE_<SECTION>_<KEY> variables inherited from the caller's environment (they reach every
# build); printed in the headers so a run says what it overrode.
inherited_config() {
  env | sed -n 's/^\(GATEHOUSE_[A-Z0-9_]*\)=.*/\1/p' |
    grep -Ev '^GATEHOUSE_(JAR|JAVA_OPTS|JAVA_HOME|BOOTSTRAP_.*)$' | sort | tr '\n' ' ' || true
}

# gh_start DATA_DIR PORT [JAR] [env...]: starts Gatehouse exactly as ./gatehouse serve does (same
# JVM flags, plus $GATEHOUSE_JAVA_OPTS) but with a chosen jar, so two builds can be compared in one
# run. Sets GH_PID, GH_PORT and GH_READY_MS (process start to /health/ready 200), and GH_JVM_MS
# (see gh_wait_ready).
gh_start() {
  local data=$1 port=$2 jar=${3:-$JAR}
  shift 3 || shift $#
  local t0 lines
  t0=$(now_ms)
  lines=$(log_lines "$data.log")
  # shellcheck disable=SC2086
  env GATEHOUSE_STORAGE_DATA_DIR="$data" GATEHOUSE_SERVER_LISTEN="127.0.0.1:$port" \
    GATEHOUSE_BOOTSTRAP_API_KEY="$API_KEY" GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD="$BENCH_PASSWORD" \
    "$@" "$JAVA" $DEFAULT_JAVA_OPTS ${GATEHOUSE_JAVA_OPTS:-} -jar "$jar" serve >>"$data.log" 2>&1 &
  GH_PID=$!
  GH_PORT=$port
  gh_wait_ready "$t0" "$data" "$lines"
}

# gh_launch TREE DATA_DIR PORT [env...]: `TREE/gatehouse serve`, the launcher as a user runs it (its
# JDK discovery, its needs_build check, its start-up cache), with gh_start's environment; TREE is a
# build_tree. Sets what gh_start sets, GH_READY_MS timed from running the launcher.
gh_launch() {
  local tree=$1 data=$2 port=$3
  shift 3
  local t0 lines
  t0=$(now_ms)
  lines=$(log_lines "$data.log")
  env GATEHOUSE_STORAGE_DATA_DIR="$data" GATEHOUSE_SERVER_LISTEN="127.0.0.1:$port" \
    GATEHOUSE_BOOTSTRAP_API_KEY="$API_KEY" GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD="$BENCH_PASSWORD" \
    JAVA_HOME="$JAVA_HOME" "$@" "$tree/gatehouse" serve >>"$data.log" 2>&1 &
  GH_PID=$!  # the launcher execs java: the same process
  GH_PORT=$port
  gh_wait_ready "$t0" "$data" "$lines"
}

log_lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# gh_wait_ready T0 DATA_DIR LOG_LINES: waits for /health/ready 200 from $GH_PID on $GH_PORT; sets
# GH_READY_MS (since T0) and GH_JVM_MS, the JVM's own uptime at ready as the server logs it ("... ms
# after the JVM started", from the log lines after LOG_LINES; "-" for a build that does not say).
gh_wait_ready() {
  local t0=$1 data=$2 lines=$3 i
  for i in $(seq 1 2400); do
    if curl -fs -o /dev/null "http://127.0.0.1:$GH_PORT/health/ready"; then
      GH_READY_MS=$(($(now_ms) - t0))
      # the line is logged just after readiness turns on
      for i in $(seq 1 40); do
        tail -n +$((lines + 1)) "$data.log" | grep -q 'Gatehouse ready' && break
        sleep 0.025
      done
      GH_JVM_MS=$(tail -n +$((lines + 1)) "$data.log" |
        sed -n 's/.* \([0-9]*\) ms after the JVM started.*/\1/p' | tail -1)
      GH_JVM_MS=${GH_JVM_MS:--}
      return 0
    fi
    if ! kill -0 "$GH_PID" 2>/dev/null; then
      echo "gatehouse exited; log:" >&2
      tail -30 "$data.log" >&2
      return 1
    fi
    sleep 0.025
  done
  echo "gatehouse not ready after 60 s" >&2
  return 1
}

# build_tree NAME DIR: DIR made to hold build NAME as a user runs it: its launcher (./gatehouse),
# dist/, pom.xml and src/main (what the launcher's needs_build check reads) and the jar in
# target/, copied last so that it is newer than the sources and nothing is rebuilt. From the
# revision's files for a build named by revision, from this working tree for $JAR; none for a jar
# file of unknown origin (returns 1).
declare -A REV_OF
build_tree() {
  local name=$1 dir=$2 jar=${JAR_OF[$1]}
  mkdir -p "$dir/target"
  if [ -n "${REV_OF[$name]:-}" ]; then
    local paths=(gatehouse pom.xml src/main)
    git -C "$BENCH_ROOT" cat-file -e "${REV_OF[$name]}:dist" 2>/dev/null && paths+=(dist)
    git -C "$BENCH_ROOT" archive "${REV_OF[$name]}" "${paths[@]}" | tar -x -C "$dir"
  elif [ "$jar" = "$JAR" ]; then
    cp -r "$BENCH_ROOT/gatehouse" "$BENCH_ROOT/pom.xml" "$dir/"
    mkdir -p "$dir/src"
    cp -r "$BENCH_ROOT/src/main" "$dir/src/"
    [ ! -d "$BENCH_ROOT/dist" ] || cp -r "$BENCH_ROOT/dist" "$dir/"
  else
    return 1
  fi
  cp "$jar" "$dir/target/gatehouse.jar"
}

# tree_aot_cache TREE: when the tree's launcher uses a start-up cache (dist/aot-cache.sh), makes it
# now unless the launcher's first start already has (in the background), so that the starts
# measured are the later ones; prints the flag the launcher then adds (nothing for a build without
# the cache).
tree_aot_cache() {
  local tree=$1 opts
  [ -x "$tree/dist/aot-cache.sh" ] || return 0
  opts=$(eval "$(sed -n '/^DEFAULT_JAVA_OPTS=/,/"$/p' "$tree/gatehouse")" && echo "$DEFAULT_JAVA_OPTS")
  set -- "$JAVA" "$tree/target/gatehouse.jar" "$tree/target/gatehouse.aot"
  # shellcheck disable=SC2086
  "$tree/dist/aot-cache.sh" --fresh "$@" $opts ${GATEHOUSE_JAVA_OPTS:-} ||
    "$tree/dist/aot-cache.sh" "$@" $opts ${GATEHOUSE_JAVA_OPTS:-} >&2
  echo "-XX:AOTCache=$3"
}

# min_median_max VALUE...: "min/median/max" of the numbers given ("-" ones left out).
min_median_max() {
  printf '%s\n' "$@" | grep -E '^[0-9]+$' | sort -n |
    awk '{v[NR] = $1} END {if (NR == 0) print "-"; else printf "%d/%d/%d", v[1], (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[NR]}'
}

# gh_stop [PID]: SIGTERM (graceful: flushes sessions, closes the database) and wait.
gh_stop() {
  local pid=${1:-${GH_PID:-}}
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
}

# field RESULT NAME: one name=value field of a wrk script's RESULT line.
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# The comparison tables: result_header; result_line ROUND CONNS SYSTEM RESULT prints one system's
# figures; ratio_line ROUND CONNS RESULT BASELINE [LABEL] prints RESULT's req/s, p50 and p99 over
# BASELINE's, labelled LABEL (default "ratio").
# A RESULT with a cpu_us field (see cpu_ticks) also shows the server's CPU time per request.
result_header() {
  printf '%-6s %-5s %-15s %10s %9s %9s %9s %7s %10s\n' round conns system req/s p50_ms p99_ms max_ms \
    non2xx cpu_us/req
}
result_line() {
  printf '%-6s %-5s %-15s %10s %9s %9s %9s %7s %10s\n' "$1" "$2" "$3" "$(field "$4" rps)" \
    "$(field "$4" p50_ms)" "$(field "$4" p99_ms)" "$(field "$4" max_ms)" "$(field "$4" non2xx)" \
    "$(field "$4" cpu_us)"
}
ratio_line() {
  local ratios=() f
  for f in rps p50_ms p99_ms max_ms none cpu_us; do
    ratios+=("$(awk -v a="$(field "$3" $f)" -v b="$(field "$4" $f)" \
      'BEGIN{if (a == "" || b == "" || b == 0) printf "-"; else printf "%.2f", a/b}')")
  done
  printf '%-6s %-5s %-15s %10s %9s %9s %9s %7s %10s\n' "$1" "$2" "${5:-ratio}" "${ratios[@]}"
}

# mean SYSTEM CONNS FIELD: the mean over rounds 1..$ROUNDS of FIELD in RES[round/conns/system] (an
# associative array of RESULT lines the caller declares), "-" when no round has it.
mean() {
  local r v vals=()
  for r in $(seq 1 "$ROUNDS"); do
    v=$(field "${RES[$r/$2/$1]:-}" "$3")
    [ -z "$v" ] || vals+=("$v")
  done
  [ ${#vals[@]} -gt 0 ] || { echo -; return; }
  printf '%s\n' "${vals[@]}" | awk -v f="$([ "$3" = rps ] && echo %.0f || echo %.2f)" \
    '{s += $1} END {printf f, s / NR}'
}
# over A B: A / B to two decimals, "-" when either is "-" or B is 0.
over() { awk -v a="$1" -v b="$2" 'BEGIN{if (a == "-" || b == "-" || b == 0) printf "-"; else printf "%.2f", a / b}'; }

# cpu_ticks PID...: user + system CPU time of the processes so far, in clock ticks. On a shared
# machine req/s moves with the neighbours' load; CPU time per request moves much less.
cpu_ticks() {
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$t"
}
# cpu_us_field TICKS RESULT: " cpu_us=X", the CPU microseconds per request of RESULT's requests.
cpu_us_field() {
  awk -v t="$1" -v n="$(field "$2" requests)" -v hz="$(getconf CLK_TCK)" \
    'BEGIN{if (n > 0) printf " cpu_us=%.1f", t * 1e6 / hz / n}'
}

# fa_wrk URL CONNS DURATION [PID...]: forward-auth load as Traefik sends it (bench/forwardauth/
# forward-auth.lua over the sessions in $BENCH_COOKIES and the hosts in $BENCH_HOSTS), wrk with
# $THREADS threads (2) and keep-alive; prints the script's RESULT fields, plus the PIDs' CPU time
# per request (cpu_us) when PIDs are given.
fa_wrk() {
  local url=$1 conns=$2 duration=$3 t0 r
  shift 3
  t0=$(cpu_ticks "$@")
  r=$(wrk -t"${THREADS:-2}" -c"$conns" -d"$duration" --timeout 10s \
    -s "$BENCH_ROOT/bench/forwardauth/forward-auth.lua" "$url" 2>&1 | sed -n 's/^RESULT //p')
  echo "$r$([ $# -eq 0 ] || cpu_us_field "$(($(cpu_ticks "$@") - t0))" "$r")"
}

# nginx_start DIR: the baseline, the cheapest possible "auth service" (nginx answering 200 to
# everything, bench/forwardauth/nginx.conf.template), on a free port with its files in DIR. Sets
# NGINX_PID (the master: stop it with gh_stop), NGINX_WORKERS (for cpu_ticks) and NGINX_URL.
nginx_start() {
  local dir=$1 port
  mkdir -p "$dir/tmp"
  port=$(free_port)
  sed -e "s#@PREFIX@#$dir#g" -e "s#@PORT@#$port#g" "$BENCH_ROOT/bench/forwardauth/nginx.conf.template" \
    >"$dir/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" &
  NGINX_PID=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
  mapfile -t NGINX_WORKERS < <(pgrep -P "$(cat "$dir/nginx.pid")")
  NGINX_URL="http://127.0.0.1:$port/api/authz/forward-auth"
}

# rss_kb PID FIELD: VmRSS or VmHWM in KiB.
rss_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

# cheap_hash [JAR]: a PHC hash of $BENCH_PASSWORD at the cheap cost, computed once by Gatehouse itself.
cheap_hash() {
  echo "$BENCH_PASSWORD" | env "${CHEAP_ARGON2[@]}" "$JAVA" -jar "${1:-$JAR}" hash-password 2>/dev/null
}

# login USERNAME [PORT]: prints the session cookie value after a real sign-in, as a browser makes it:
# the form first, for its CSRF cookie and the token bound to it, then POST /login.
login() {
  local base="http://127.0.0.1:${2:-$GH_PORT}" page cookie csrf
  page=$(curl -s -D - "$base/login" | tr -d '\r')
  cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: \(gh_csrf=[^;]*\);.*/\1/p' <<<"$page" | head -1)
  csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
  curl -s -o /dev/null -D - -H "Cookie: $cookie" \
    --data-urlencode "username=$1" --data-urlencode "password=$BENCH_PASSWORD" \
    --data-urlencode "csrf=$csrf" "$base/login" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: gh_session=\([^;]*\);.*/\1/p'
}
export -f login
