#!/usr/bin/env bash
# Forward-auth throughput and latency: Gatehouse against an nginx "return 200" baseline, same wrk
# load, same machine, same run; then the shard_core first-paint burst. Installs nothing.
#
#   bench/forwardauth/run.sh
#   OLD_REV=260b7bf bench/forwardauth/run.sh     the build of a git revision against target/gatehouse.jar
#
# Knobs (environment):
#   USERS=10000 APPS=100 LOGINS=500   data set size and how many users log in for cookies
#   CONNS="64 400" DURATION=15s ROUNDS=1 WARMUP=10s THREADS=2
#   LISTENERS="fa main"               which of Gatehouse's listeners take the load: fa is
#                                     [forward_auth] listen, main the main port (Helidon + raw Netty
#                                     up to 260b7bf, one Vert.x stack for both since issue 11)
#   BURSTS=5                          bursts of 40 requests, each with a fresh session and cold app
#   OLD_REV=<git rev>                 GH_JARS defaults to "old:<OLD_REV> new:$JAR": that revision's
#                                     jar is built once into $JAR_CACHE (/tmp/gatehouse-bench-jars)
#   GH_JARS="name:jar-or-rev ..."     compare builds in one run (default: current:target/gatehouse.jar);
#                                     a value that is not a file is a git revision, built as above.
#                                     The first build seeds the data set (older schema first).
#   GH_OPTS_<name>="..."              extra JVM flags for one of them (compare flags in one run)
#   GH_ENV_<name>="K=V ..."           extra environment (config overrides) for one of them. Builds
#                                     differ in keys (forward_auth.listen_threads is gone with Vert.x,
#                                     server.max_* are new) and reject unknown ones: each build's
#                                     config is checked (`gatehouse config check`) before anything
#                                     starts. Inherited GATEHOUSE_<SECTION>_* variables reach all.
#                                     CONNS above 512 need GH_ENV_new="GATEHOUSE_SERVER_MAX_CONNECTIONS_PER_ADDRESS=..."
#                                     (the Vert.x stack caps connections per peer address at 512).
#   CEILING=1                         also run the same load against bench/forwardauth/BareVertx.java
#                                     on $JAR (same Vert.x, event loops and JVM flags, no decision):
#                                     the HTTP stack's own ceiling on this machine. $JAR must be a
#                                     Vert.x build (issue 11 or later).
#   GATEHOUSE_JAVA_OPTS               appended to the launcher's default JVM flags, as ./gatehouse does
#   KEEP=1                            keep the temp dir
#
# How the data set is made fast (benchmark only): Gatehouse starts once on an empty data dir to create
# the schema and the bootstrap admin, stops, and bench/lib/seed.sh writes users, groups, apps and
# rules straight into SQLite, all users sharing one Argon2id hash computed by `gatehouse
# hash-password` at the cheapest allowed cost. Gatehouse then runs with that cheap cost
# (GATEHOUSE_HASHING_ARGON2_*), so the LOGINS real logins through POST /login take seconds. The
# forward-auth path never hashes passwords, so the cost does not change what is measured.
source "$(dirname "$0")/../lib/common.sh"
need wrk nginx curl sqlite3

USERS=${USERS:-10000} APPS=${APPS:-100} LOGINS=${LOGINS:-500}
CONNS=${CONNS:-"64 400"} DURATION=${DURATION:-15s} ROUNDS=${ROUNDS:-1} WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-2} BURSTS=${BURSTS:-5} LISTENERS=${LISTENERS:-"fa main"}

TMP=$(mktemp -d /tmp/gatehouse-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do gh_stop "$pid"; done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "== JVM flags: $DEFAULT_JAVA_OPTS ${GATEHOUSE_JAVA_OPTS:-}"
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
resolve_jars
echo "== inherited config overrides (all builds): $(inherited_config)"
for name in "${JAR_NAMES[@]}"; do
  env_var="GH_ENV_$name"
  # shellcheck disable=SC2086
  check_config "$name" "${CHEAP_ARGON2[@]}" GATEHOUSE_FORWARD_AUTH_LISTEN=127.0.0.1:1 ${!env_var:-}
  [ -z "${!env_var:-}" ] || echo "== $env_var: ${!env_var}"
done
for c in $CONNS; do
  [ "$c" -le 512 ] || echo "warning: $c connections from one address: the Vert.x stack refuses past" \
    "server.max_connections_per_address (512 by default)" >&2
done
if [ "${CEILING:-0}" = 1 ]; then
  ensure_jar
  [ "$("$JAVA_HOME/bin/jar" tf "$JAR" | grep -c '^io/vertx/core/Vertx.class$' || true)" -gt 0 ] ||
    { echo "CEILING=1 needs a Vert.x build as \$JAR ($JAR has no io.vertx.core)" >&2; exit 1; }
fi
SEED_JAR=${JAR_OF[${JAR_NAMES[0]}]}

# --- data set ---------------------------------------------------------------------------------
seed_start=$(now_ms)
port=$(free_port)
gh_start "$TMP/data" "$port" "$SEED_JAR"
echo "empty start (schema + bootstrap, build ${JAR_NAMES[0]}): ${GH_READY_MS} ms"
gh_stop
hash=$(cheap_hash "$SEED_JAR")
# APPS apps take load; the extra ones are never requested before their burst ("cold").
NVARIANTS=$(($(echo $GH_JARS | wc -w) * $(echo $LISTENERS | wc -w)))
"$BENCH_LIB/seed.sh" "$TMP/data/gatehouse.db" "$USERS" 100 "$((APPS + BURSTS * NVARIANTS))" 0 0 "$hash"
gh_start "$TMP/data" "$port" "$SEED_JAR" "${CHEAP_ARGON2[@]}"
echo "seeded $USERS users / $APPS apps; start to ready: ${GH_READY_MS} ms"
export BENCH_PASSWORD GH_PORT
export -f login
# Logins spread over the users but the last 1000 (half, for small sets), which the bursts use; 4 at
# a time (hashing is bounded to 2 threads anyway).
spread=$((USERS > 2000 ? USERS - 1000 : USERS / 2))
seq 1 "$LOGINS" | awk -v u="$spread" '{print 1 + int(($1 - 1) * u / '"$LOGINS"')}' |
  xargs -P 4 -I{} bash -c 'login bench-user-{}' >"$TMP/cookies"
gh_stop
got=$(grep -c . "$TMP/cookies" || true)
[ "$got" -ge "$((LOGINS * 9 / 10))" ] || { echo "only $got of $LOGINS logins worked" >&2; exit 1; }
seq 1 "$APPS" | sed 's/.*/app-&.bench.test/' >"$TMP/hosts"
echo "seeding + $got logins: $(($(now_ms) - seed_start)) ms"
export BENCH_COOKIES="$TMP/cookies" BENCH_HOSTS="$TMP/hosts"

# --- servers ------------------------------------------------------------------------------------
declare -A GH_URL GH_PIDOF GH_MAIN_PORT
NAMES=()
for name in "${JAR_NAMES[@]}"; do
  jar=${JAR_OF[$name]}
  cp -r "$TMP/data" "$TMP/data-$name"
  port=$(free_port) fport=$(free_port)
  opts_var="GH_OPTS_$name" env_var="GH_ENV_$name"
  # shellcheck disable=SC2086
  GATEHOUSE_JAVA_OPTS="${GATEHOUSE_JAVA_OPTS:-} ${!opts_var:-}" \
    gh_start "$TMP/data-$name" "$port" "$jar" "${CHEAP_ARGON2[@]}" \
    "GATEHOUSE_FORWARD_AUTH_LISTEN=127.0.0.1:$fport" ${!env_var:-}
  PIDS+=("$GH_PID")
  for listener in $LISTENERS; do
    GH_PIDOF[$name/$listener]=$GH_PID
    GH_MAIN_PORT[$name/$listener]=$port
    p=$([ "$listener" = fa ] && echo "$fport" || echo "$port")
    GH_URL[$name/$listener]="http://127.0.0.1:$p/api/authz/forward-auth"
    NAMES+=("$name/$listener")
  done
  echo "gatehouse[$name] pid $GH_PID on $port (forward-auth listener $fport), ready in ${GH_READY_MS} ms, RSS $(rss_kb "$GH_PID" VmRSS) KiB"
  for listener in $LISTENERS; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: gh_session=$(head -1 "$TMP/cookies")" \
      -H 'X-Forwarded-Method: GET' -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-Host: app-1.bench.test' \
      -H 'X-Forwarded-Uri: /' "${GH_URL[$name/$listener]}")
    [ "$status" = 200 ] || { echo "sanity check: $listener answered $status, not 200" >&2; exit 1; }
  done
done

nginx_start "$TMP/nginx"
PIDS+=("$NGINX_PID")
# The stack's own ceiling: the same requests (headers and all) to a bare Vert.x endpoint that
# decides nothing, started like Gatehouse. What forward-auth on Vert.x cannot beat.
if [ "${CEILING:-0}" = 1 ]; then
  cport=$(free_port)
  # shellcheck disable=SC2086
  "$JAVA" $DEFAULT_JAVA_OPTS ${GATEHOUSE_JAVA_OPTS:-} -cp "$JAR" \
    "$BENCH_ROOT/bench/forwardauth/BareVertx.java" "$cport" >"$TMP/bare.log" 2>&1 &
  CEILING_PID=$!
  PIDS+=("$CEILING_PID")
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "http://127.0.0.1:$cport/" && break
    kill -0 "$CEILING_PID" 2>/dev/null || { echo "BareVertx exited:" >&2; cat "$TMP/bare.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "ceiling: $(grep -m1 '^BareVertx' "$TMP/bare.log" || echo 'BareVertx not answering after 30 s')"
  CEILING_URL="http://127.0.0.1:$cport/api/authz/forward-auth"
  fa_wrk "$CEILING_URL" 64 "$WARMUP" >/dev/null
fi
echo "== warm-up ($WARMUP each at 64 and 400 connections; JIT)"
fa_wrk "$NGINX_URL" 64 3s >/dev/null
# Both connection counts: an event loop's code paths at 400 connections are not all hot after 64.
for name in "${NAMES[@]}"; do
  for c in 64 400; do fa_wrk "${GH_URL[$name]}" "$c" "$WARMUP" >/dev/null; done
done

echo "== wrk -t$THREADS -d$DURATION, keep-alive, $got sessions x $APPS hosts"
declare -A RES  # RES[round/conns/system] = the RESULT fields
result_header
for round in $(seq 1 "$ROUNDS"); do
  for c in $CONNS; do
    n=$(fa_wrk "$NGINX_URL" "$c" "$DURATION" "${NGINX_WORKERS[@]}")
    RES[$round/$c/nginx]=$n
    result_line "$round" "$c" nginx "$n"
    for name in "${NAMES[@]}"; do
      g=$(fa_wrk "${GH_URL[$name]}" "$c" "$DURATION" "${GH_PIDOF[$name]}")
      RES[$round/$c/gh:$name]=$g
      result_line "$round" "$c" "gh:$name" "$g"
      ratio_line "$round" "$c" "$g" "$n"
      # A later build against the first one, same listener: "new/old".
      first=${JAR_NAMES[0]}
      if [ "${name%/*}" != "$first" ] && [ -n "${RES[$round/$c/gh:$first/${name#*/}]:-}" ]; then
        ratio_line "$round" "$c" "$g" "${RES[$round/$c/gh:$first/${name#*/}]}" "${name%/*}/$first"
      fi
    done
    if [ "${CEILING:-0}" = 1 ]; then
      g=$(fa_wrk "$CEILING_URL" "$c" "$DURATION" "$CEILING_PID")
      RES[$round/$c/ceiling]=$g
      result_line "$round" "$c" ceiling "$g"
      ratio_line "$round" "$c" "$g" "$n"
    fi
  done
done
echo "(ratio = gatehouse / nginx: req/s wants >= 0.60 at 64 connections, p99 wants <= 1.5 at 400;"
echo " <build>/${JAR_NAMES[0]} = that build over ${JAR_NAMES[0]} on the same listener)"
declare -A REPORTED RSS_AFTER
for name in "${NAMES[@]}"; do
  pid=${GH_PIDOF[$name]}
  [ -n "${REPORTED[$pid]:-}" ] && continue
  REPORTED[$pid]=1
  RSS_AFTER[${name%/*}]=$(rss_kb "$pid" VmRSS)
  echo "gatehouse[${name%/*}] after load: VmRSS ${RSS_AFTER[${name%/*}]} KiB, VmHWM $(rss_kb "$pid" VmHWM) KiB"
done

# The four figures of the comparison, means over the rounds: req/s at 64 connections, p99 at 400,
# the server's CPU per decision (at 64), RSS after the load.
if [[ " $CONNS " == *" 64 "* && " $CONNS " == *" 400 "* ]]; then
  echo "== summary (mean of $ROUNDS round(s); x = over nginx)"
  printf '%-15s %10s %6s %11s %6s %16s %14s\n' system req/s@64 x p99_ms@400 x cpu_us/req@64 rss_after_kib
  for sys in nginx "${NAMES[@]/#/gh:}" $([ "${CEILING:-0}" = 1 ] && echo ceiling); do
    rps=$(mean "$sys" 64 rps) p99=$(mean "$sys" 400 p99_ms)
    b=${sys#gh:}
    printf '%-15s %10s %6s %11s %6s %16s %14s\n' "$sys" "$rps" "$(over "$rps" "$(mean nginx 64 rps)")" \
      "$p99" "$(over "$p99" "$(mean nginx 400 p99_ms)")" "$(mean "$sys" 64 cpu_us)" \
      "$([ "$sys" = "gh:$b" ] && echo "${RSS_AFTER[${b%/*}]:-}" || echo -)"
  done
fi

# --- shard_core burst ---------------------------------------------------------------------------
# A browser's first paint of an app: 40 requests at once from one freshly logged-in session to an
# app nobody has requested before (seeded, left out of the wrk host list). All must be 200.
echo "== burst: 40 concurrent requests, fresh session, cold app (x$BURSTS per system)"
burst() { # burst URL COOKIE HOST -> "ok=N max_ms=M wall_ms=W"
  local cfg="$TMP/burst.curl" t0
  : >"$cfg"
  for k in $(seq 1 40); do
    [ "$k" -gt 1 ] && echo next >>"$cfg"
    printf 'url = "%s"\nheader = "Cookie: gh_session=%s"\nheader = "X-Forwarded-Method: GET"\nheader = "X-Forwarded-Proto: https"\nheader = "X-Forwarded-Host: %s"\nheader = "X-Forwarded-Uri: /assets/chunk-%d.js"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' \
      "$1" "$2" "$3" "$k" >>"$cfg"
  done
  t0=$(now_ms)
  curl -s --parallel --parallel-immediate --parallel-max 40 -K "$cfg" >"$TMP/burst.out" 2>/dev/null || true
  echo "ok=$(grep -c '^200 ' "$TMP/burst.out") max_ms=$(awk '{if ($2 > m) m = $2} END {printf "%.1f", m * 1000}' "$TMP/burst.out") wall_ms=$(($(now_ms) - t0))"
}
cold=$APPS
for name in "${NAMES[@]}"; do
  port=${GH_MAIN_PORT[$name]}
  for b in $(seq 1 "$BURSTS"); do
    cold=$((cold + 1))
    cookie=$(login "bench-user-$((USERS - b * 7))" "$port")
    echo "gatehouse[$name] burst $b (app-$cold): $(burst "${GH_URL[$name]}" "$cookie" "app-$cold.bench.test")"
  done
done
for b in $(seq 1 "$BURSTS"); do
  echo "nginx burst $b: $(burst "$NGINX_URL" x cold.bench.test)"
done
