#!/usr/bin/env bash
# Memory: RSS of Gatehouse idle on an empty data dir, then with the large data set loaded (100k
# users, 10k groups, 1k apps, 100k sessions, 10k devices, 2 groups per user), and after a forward-auth
# load run. The large set is written straight into SQLite by bench/lib/seed.sh while Gatehouse is
# stopped (see there); the in-memory views load it at start exactly as they load real data.
#
#   bench/memory/run.sh    (knobs: USERS NGROUPS APPS SESSIONS DEVICES LOGINS DURATION)
source "$(dirname "$0")/../lib/common.sh"
need wrk curl sqlite3
USERS=${USERS:-100000} NGROUPS=${NGROUPS:-10000} APPS=${APPS:-1000} SESSIONS=${SESSIONS:-100000}
DEVICES=${DEVICES:-10000} LOGINS=${LOGINS:-100} DURATION=${DURATION:-15s}
ensure_jar
TMP=$(mktemp -d /tmp/gatehouse-memory.XXXXXX)
trap 'gh_stop; rm -rf "$TMP"' EXIT
JCMD="$JAVA_HOME/bin/jcmd"

report() { # report LABEL: RSS, then (after a full GC) the committed and the live heap
  local heap
  heap=$("$JCMD" "$GH_PID" GC.run >/dev/null 2>&1; "$JCMD" "$GH_PID" GC.heap_info 2>/dev/null |
    awk '/^ *(DefNew|Tenured)/ {for (i = 1; i <= NF; i++) {
           if ($i == "total") {v = $(i + 1); gsub(/[K,]/, "", v); c += v}
           if ($i == "used") {v = $(i + 1); gsub(/[K,]/, "", v); u += v}}}
         END {printf "heap committed %d MiB, live %d MiB", c / 1024, u / 1024}')
  printf '%-48s VmRSS %7s KiB  VmHWM %7s KiB  %s (after full GC)\n' "$1" \
    "$(rss_kb "$GH_PID" VmRSS)" "$(rss_kb "$GH_PID" VmHWM)" "$heap"
}

echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== JVM flags: $DEFAULT_JAVA_OPTS ${GATEHOUSE_JAVA_OPTS:-}"
port=$(free_port)
gh_start "$TMP/data" "$port"
sleep 5
report "first start, empty (bootstrap hashed once)"
gh_stop
gh_start "$TMP/data" "$port"
sleep 5
report "idle, empty (restart, 5 s after ready)"
gh_stop
t0=$(now_ms)
"$BENCH_LIB/seed.sh" "$TMP/data/gatehouse.db" "$USERS" "$NGROUPS" "$APPS" "$SESSIONS" "$DEVICES" "$(cheap_hash)"
echo "seeded $USERS users, $NGROUPS groups, $APPS apps, $SESSIONS sessions, $DEVICES devices in $(($(now_ms) - t0)) ms" \
  "($(du -h "$TMP/data/gatehouse.db" | cut -f1) on disk)"
if ! gh_start "$TMP/data" "$port" "$JAR" "${CHEAP_ARGON2[@]}"; then
  echo "the large set does NOT start under the launcher's flags (above); retrying with -Xmx384m"
  export GATEHOUSE_JAVA_OPTS="${GATEHOUSE_JAVA_OPTS:-} -Xmx384m"
  gh_start "$TMP/data" "$port" "$JAR" "${CHEAP_ARGON2[@]}"
fi
echo "start to ready with the large set: ${GH_READY_MS} ms (flags: $DEFAULT_JAVA_OPTS ${GATEHOUSE_JAVA_OPTS:-})"
sleep 5
report "large set loaded (5 s after ready)"
echo "largest classes on the heap (jcmd GC.class_histogram, top 15):"
"$JCMD" "$GH_PID" GC.class_histogram 2>/dev/null | sed -n '3,17p' |
  awk '{printf "  %8.1f MiB %9d  %s\n", $3 / 1048576, $2, $4}'
export BENCH_PASSWORD GH_PORT
seq 1 "$LOGINS" | awk -v u="$USERS" -v n="$LOGINS" '{print 1 + int(($1 - 1) * u / n)}' |
  xargs -P 4 -I{} bash -c 'login bench-user-{}' >"$TMP/cookies"
seq 1 "$APPS" | sed 's/.*/app-&.bench.test/' >"$TMP/hosts"
export BENCH_COOKIES="$TMP/cookies" BENCH_HOSTS="$TMP/hosts"
for c in 64 400; do
  wrk -t2 -c"$c" -d"$DURATION" --timeout 10s -s "$BENCH_ROOT/bench/forwardauth/forward-auth.lua" \
    "http://127.0.0.1:$port/api/authz/forward-auth" | sed -n "s/^RESULT /load $c connections: /p"
done
report "large set, after the load runs"

# Password hashing lives on the same heap: BouncyCastle's Argon2id allocates m_cost (128 MiB by
# default) per hash, and up to hashing.max_hash_threads (2) run at once. Restart at the default cost
# with the large set still loaded, create two users (each one hash), then 8 logins at once.
gh_stop
gh_start "$TMP/data" "$port"
for u in heavy-1 heavy-2; do
  curl -s -o /dev/null -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$u\",\"password\":\"$BENCH_PASSWORD\"}" "http://127.0.0.1:$port/api/admin/users"
done
GH_PORT=$port
seq 1 8 | sed 's/.*/heavy-&/; s/heavy-[3-8]/heavy-1/' | xargs -P 8 -I{} bash -c 'login {}' | grep -c . |
  sed 's/^/logins at the default Argon2id cost that worked (of 8): /'
report "large set, after 8 concurrent default-cost logins"
