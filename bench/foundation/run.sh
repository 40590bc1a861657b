#!/usr/bin/env bash
# Foundation figures: startup to ready, idle RSS, admin create-user latency at the default and the
# cheapest Argon2id cost, and group-commit batch sizes / writes per second at 1, 16 and 64 writers.
#
#   bench/foundation/run.sh   (knobs: CREATES=50 CREATES_DEFAULT=20 STARTS=3 COMMIT_SECONDS=5)
# At the default cost each create hashes for seconds on a busy 2-core box, hence fewer of them.
source "$(dirname "$0")/../lib/common.sh"
need curl
CREATES=${CREATES:-50} CREATES_DEFAULT=${CREATES_DEFAULT:-20} STARTS=${STARTS:-3} COMMIT_SECONDS=${COMMIT_SECONDS:-5}
ensure_jar
TMP=$(mktemp -d /tmp/gatehouse-foundation.XXXXXX)
trap 'gh_stop; rm -rf "$TMP"' EXIT

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== JVM flags: $DEFAULT_JAVA_OPTS ${GATEHOUSE_JAVA_OPTS:-}"

# Startup: the first start migrates and bootstraps (one Argon2id hash at the default cost); later
# starts open an existing database. "ready" is process start to the first /health/ready 200.
port=$(free_port)
gh_start "$TMP/data" "$port"
echo "first start (empty dir: migrations + bootstrap): ${GH_READY_MS} ms"
sleep 5
echo "idle RSS 5 s after ready: VmRSS $(rss_kb "$GH_PID" VmRSS) KiB, VmHWM $(rss_kb "$GH_PID" VmHWM) KiB"
gh_stop
starts=()
for i in $(seq 1 "$STARTS"); do
  gh_start "$TMP/data" "$port"
  starts+=("$GH_READY_MS")
  if [ "$i" = "$STARTS" ]; then
    sleep 5
    echo "idle RSS after restart: VmRSS $(rss_kb "$GH_PID" VmRSS) KiB, VmHWM $(rss_kb "$GH_PID" VmHWM) KiB"
  fi
  gh_stop
done
echo "restart to ready (ms): ${starts[*]} (median $(printf '%s\n' "${starts[@]}" | sort -n | sed -n "$(((STARTS + 1) / 2))p"))"

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
