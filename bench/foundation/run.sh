#!/usr/bin/env bash
# Foundation figures: start-up to ready, idle RSS, admin create-user latency at the default and the
# cheapest Argon2id cost, and group-commit batch sizes / writes per second at 1, 16 and 64 writers.
#
#   bench/foundation/run.sh
#   OLD_REV=<rev> bench/foundation/run.sh     start-up of that revision's build beside this one's
#
# Knobs: STARTS=10 CREATES=50 CREATES_DEFAULT=20 COMMIT_SECONDS=5 KEEP=0; STARTUP_ONLY=1 stops after the
# start-up figures; OLD_REV / GH_JARS choose the builds whose start-up is compared (bench/startup/run.sh
# explains them; the other figures are of target/gatehouse.jar).
# At the default cost each create hashes for seconds on a busy 2-core box, hence fewer of them.
source "$(dirname "$0")/../lib/common.sh"
need curl
CREATES=${CREATES:-50} CREATES_DEFAULT=${CREATES_DEFAULT:-20} STARTS=${STARTS:-10} COMMIT_SECONDS=${COMMIT_SECONDS:-5}
TMP=$(mktemp -d /tmp/gatehouse-foundation.XXXXXX)
cleanup() {
  gh_stop
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== JVM flags: $DEFAULT_JAVA_OPTS ${GATEHOUSE_JAVA_OPTS:-}"
resolve_jars

# Start-up, per build, each from a tree laid out as a user has it (build_tree: its own launcher,
# sources and jar). The first start on an empty data dir migrates and bootstraps (one Argon2id hash
# at the default cost), through the launcher, which also makes its start-up cache, if it has one,
# in the background; the cache is then finished before the restarts, which open the existing
# database. Three figures per restart, the builds alternating so that noise falls on each alike:
#   launcher  `./gatehouse serve` (JDK discovery, needs_build check, exec) to the first
#             /health/ready 200
#   java      `java <the launcher's flags> -jar` to the same, the launcher left out
#   jvm       the JVM's own uptime at ready, as the server logs it ("-": the build does not say)
port=$(free_port)
declare -A TREE AOT FIRST
for name in "${JAR_NAMES[@]}"; do
  TREE[$name]="$TMP/$name"
  build_tree "$name" "${TREE[$name]}" ||
    { echo "build $name: a jar without its launcher; start-up needs a revision or this tree" >&2; exit 1; }
  gh_launch "${TREE[$name]}" "$TMP/data-$name" "$port"
  FIRST[$name]="launcher ${GH_READY_MS} ms, jvm ${GH_JVM_MS} ms, load $(cut -d' ' -f1 /proc/loadavg)"
  gh_stop
  # the launcher's background training, if it started one, is waited for (and made in the
  # foreground if it failed)
  [ ! -f "${TREE[$name]}/target/gatehouse.aot.lock" ] || flock "${TREE[$name]}/target/gatehouse.aot.lock" true
  AOT[$name]=$(tree_aot_cache "${TREE[$name]}" 2>"$TMP/aot-$name.log")
  [ -z "${AOT[$name]}" ] || echo "build $name: start-up cache: $(cat "${TREE[$name]}/target/gatehouse.aot.log" \
    2>/dev/null | tail -1) $(tail -1 "$TMP/aot-$name.log")"
done
for name in "${JAR_NAMES[@]}"; do
  echo "build $name: first start (empty dir: migrations + bootstrap): ${FIRST[$name]}"
done
declare -A LAUNCHER JAVA_MS JVM LOADS
for i in $(seq 1 "$STARTS"); do
  for name in "${JAR_NAMES[@]}"; do
    LOADS[$name]+="$(cut -d' ' -f1 /proc/loadavg) "
    gh_launch "${TREE[$name]}" "$TMP/data-$name" "$port"
    LAUNCHER[$name]+="$GH_READY_MS " JVM[$name]+="$GH_JVM_MS "
    gh_stop
    # shellcheck disable=SC2086
    GATEHOUSE_JAVA_OPTS="${GATEHOUSE_JAVA_OPTS:-} ${AOT[$name]}" \
      gh_start "$TMP/data-$name" "$port" "${TREE[$name]}/target/gatehouse.jar"
    JAVA_MS[$name]+="$GH_READY_MS " JVM[$name]+="$GH_JVM_MS "
    if [ "$i" = "$STARTS" ]; then
      sleep 5
      echo "build $name: idle RSS 5 s after a restart: VmRSS $(rss_kb "$GH_PID" VmRSS) KiB, VmHWM $(rss_kb "$GH_PID" VmHWM) KiB"
    fi
    gh_stop
  done
done
echo "== restart to ready over $STARTS restarts, min/median/max ms (each start: launcher, then java)"
printf '%-10s %-16s %-16s %-16s %s\n' build launcher java jvm "load (1 min) at each restart"
for name in "${JAR_NAMES[@]}"; do
  # shellcheck disable=SC2086
  printf '%-10s %-16s %-16s %-16s %s\n' "$name" "$(min_median_max ${LAUNCHER[$name]})" \
    "$(min_median_max ${JAVA_MS[$name]})" "$(min_median_max ${JVM[$name]})" "${LOADS[$name]}"
  echo "  $name launcher: ${LAUNCHER[$name]}"
  echo "  $name java:     ${JAVA_MS[$name]}"
  echo "  $name jvm:      ${JVM[$name]}"
done
[ "${STARTUP_ONLY:-0}" = 0 ] || exit 0
ensure_jar
gh_start "$TMP/data" "$port"
sleep 5
echo "idle RSS 5 s after a first start (target/gatehouse.jar): VmRSS $(rss_kb "$GH_PID" VmRSS) KiB, VmHWM $(rss_kb "$GH_PID" VmHWM) KiB"
gh_stop

# create_users PREFIX COUNT: COUNT sequential POST /api/admin/users; prints p50/p99/max of time_total.
create_users() {
  local n=$2
  for i in $(seq 1 "$n"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $API_KEY" \
      -H 'Content-Type: application/json' \
      -d "{\"username\":\"$1-$i\",\"email\":\"$1-$i@bench.test\",\"password\":\"correct horse battery $i\"}" \
      "http://127.0.0.1:$port/api/admin/users"
  done >"$TMP/creates"
  sort -k2 -n "$TMP/creates" | awk -v n="$n" '
    $1 == 201 {ok++} {t[NR] = $2 * 1000}
    END {printf "ok=%d/%d p50=%.1f ms p99=%.1f ms max=%.1f ms\n", ok, n, t[int(n * 0.5 + 0.5)], t[int(n * 0.99 + 0.5)], t[n]}'
}
gh_start "$TMP/data" "$port"
echo "create user, default Argon2id (m=128 MiB t=4 p=8), $CREATES_DEFAULT sequential: $(create_users dflt "$CREATES_DEFAULT")"
gh_stop
gh_start "$TMP/data" "$port" "$JAR" "${CHEAP_ARGON2[@]}"
echo "create user, cheapest Argon2id (m=32 MiB t=1 p=2), $CREATES sequential: $(create_users cheap "$CREATES")"
gh_stop

echo "== group commit (in process, bench/foundation/GroupCommit.java, ${COMMIT_SECONDS} s per row,"
echo "   synchronous=FULL on $(df --output=fstype "$TMP" | tail -1) at $TMP)"
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$BENCH_ROOT/bench/foundation/GroupCommit.java" \
  "$TMP/commit" "$COMMIT_SECONDS" 1 16 64 2>"$TMP/commit.log"
