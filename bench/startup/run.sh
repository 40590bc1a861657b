#!/usr/bin/env bash
# Start-up time and idle memory of one or more builds, side by side in one run: for each round and
# each build, a fresh (empty) data dir, a first start (schema, bootstrap admin hashed at the default
# Argon2id cost), then LATER restarts on that data dir; each start is timed from process start to
# /health/ready 200, and VmRSS is read IDLE seconds after ready with nothing happening. The builds
# alternate within a round, so machine noise falls on all of them alike. (bench/memory/run.sh
# measures one build in depth: the large data set, heap and class histogram.)
#
#   bench/startup/run.sh
#   OLD_REV=260b7bf bench/startup/run.sh        that revision's build against target/gatehouse.jar
#
# Knobs (environment):
#   ROUNDS=5 LATER=1 IDLE=5            rounds, restarts per round, seconds idle before reading RSS
#   OLD_REV=<git rev>                  GH_JARS defaults to "old:<OLD_REV> new:$JAR" (the revision is built
#                                      once into $JAR_CACHE, /tmp/gatehouse-bench-jars)
#   GH_JARS="name:jar-or-rev ..."      the builds (default current:target/gatehouse.jar); a value that
#                                      is not a file is a git revision, built as above
#   GH_OPTS_<name>, GH_ENV_<name>      extra JVM flags / environment for one build (as forwardauth)
#   GATEHOUSE_JAVA_OPTS                appended to the launcher's default JVM flags, as ./gatehouse does
#   KEEP=1                             keep the temp dir (data dirs and logs)
source "$(dirname "$0")/../lib/common.sh"
need curl
ROUNDS=${ROUNDS:-5} LATER=${LATER:-1} IDLE=${IDLE:-5}

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "== JVM flags: $DEFAULT_JAVA_OPTS ${GATEHOUSE_JAVA_OPTS:-}"
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
resolve_jars
echo "== inherited config overrides (all builds): $(inherited_config)"
for name in "${JAR_NAMES[@]}"; do
  env_var="GH_ENV_$name" opts_var="GH_OPTS_$name"
  # shellcheck disable=SC2086
  check_config "$name" ${!env_var:-}
  [ -z "${!env_var:-}" ] || echo "== $env_var: ${!env_var}"
  [ -z "${!opts_var:-}" ] || echo "== $opts_var: ${!opts_var}"
done

TMP=$(mktemp -d /tmp/gatehouse-startup.XXXXXX)
cleanup() {
  gh_stop
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# start_idle NAME DATA: one start of build NAME on DATA; sets READY (ms) and RSS (KiB, IDLE s after).
start_idle() {
  local name=$1 data=$2 env_var="GH_ENV_$1" opts_var="GH_OPTS_$1"
  # shellcheck disable=SC2086
  GATEHOUSE_JAVA_OPTS="${GATEHOUSE_JAVA_OPTS:-} ${!opts_var:-}" \
    gh_start "$data" "$(free_port)" "${JAR_OF[$name]}" ${!env_var:-}
  READY=$GH_READY_MS
  sleep "$IDLE"
  RSS=$(rss_kb "$GH_PID" VmRSS)
  gh_stop
}

declare -A R  # R[round/name/field]
later_cols=()
for k in $(seq 1 "$LATER"); do later_cols+=("later${k}_ms"); done
row() { printf '%-6s %-12s %9s' "$1" "$2" "$3"; printf ' %9s' "${@:4:LATER}"; printf ' %15s %15s\n' "${@:LATER+4}"; }
echo "== start to ready (process start to /health/ready 200), VmRSS ${IDLE} s after ready"
row round build first_ms "${later_cols[@]}" rss_first_kib rss_later_kib
for round in $(seq 1 "$ROUNDS"); do
  for name in "${JAR_NAMES[@]}"; do
    data="$TMP/$name-$round"
    start_idle "$name" "$data"
    R[$round/$name/first]=$READY R[$round/$name/rss_first]=$RSS
    laters=()
    for k in $(seq 1 "$LATER"); do
      start_idle "$name" "$data"
      R[$round/$name/later$k]=$READY
      laters+=("$READY")
    done
    R[$round/$name/rss_later]=$RSS  # after the last restart
    row "$round" "$name" "${R[$round/$name/first]}" "${laters[@]}" "${R[$round/$name/rss_first]}" "$RSS"
  done
  # Every later build over the first one.
  base=${JAR_NAMES[0]}
  for name in "${JAR_NAMES[@]:1}"; do
    ratios=()
    for f in first $(seq -f 'later%g' 1 "$LATER") rss_first rss_later; do
      ratios+=("$(awk -v a="${R[$round/$name/$f]}" -v b="${R[$round/$base/$f]}" \
        'BEGIN{if (b == 0) printf "-"; else printf "%.2f", a / b}')")
    done
    row "$round" "$name/$base" "${ratios[@]}"
  done
done

# Medians over the rounds (the later starts pooled), and the median of the per-round ratios.
median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
values() { # values NAME FIELD...: one value per round (and per field)
  local r f
  for r in $(seq 1 "$ROUNDS"); do for f in "${@:2}"; do echo "${R[$r/$1/$f]}"; done; done
}
laters=$(seq -f 'later%g' 1 "$LATER")
echo "== medians over $ROUNDS round(s)"
printf '%-12s %9s %9s %15s %15s\n' build first_ms later_ms rss_first_kib rss_later_kib
for name in "${JAR_NAMES[@]}"; do
  # shellcheck disable=SC2086
  printf '%-12s %9s %9s %15s %15s\n' "$name" "$(values "$name" first | median)" \
    "$(values "$name" $laters | median)" "$(values "$name" rss_first | median)" \
    "$(values "$name" rss_later | median)"
done
for name in "${JAR_NAMES[@]:1}"; do
  base=${JAR_NAMES[0]} cols=()
  for f in first later rss_first rss_later; do
    fs=$f
    [ "$f" = later ] && fs=$laters
    # shellcheck disable=SC2086
    cols+=("$(paste <(values "$name" $fs) <(values "$base" $fs) |
      awk '$2 > 0 {printf "%.4f\n", $1 / $2}' | sort -n |
      awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2}')")
  done
  printf '%-12s %9s %9s %15s %15s\n' "$name/$base" "${cols[@]}"
done
