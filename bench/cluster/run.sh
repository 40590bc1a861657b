#!/usr/bin/env bash
# Propagation latency across a cluster: three Gatehouse nodes (target/gatehouse.jar) on one
# PostgreSQL server of the bench's own (bench/lib/postgres.sh: durable, 127.0.0.1, deleted on exit).
# Node A's admin API takes alice out of the app's group and puts her back, ROUNDS times; after each
# acknowledged change, B and C are asked forward-auth in tight loops until their decision follows
# (bench/cluster/Propagation.java). Printed: p50, p99 and max in ms from A's acknowledgement, per
# node and direction; first idle, then with wrk loading B and C's forward-auth (LOAD_CONNS
# connections each, alice's cookie and another user's) for the whole measurement.
#
#   bench/cluster/run.sh            (knobs: ROUNDS=200 LOAD_CONNS=16 THREADS=1)
source "$(dirname "$0")/../lib/common.sh"
source "$BENCH_LIB/postgres.sh"
need curl psql wrk
ROUNDS=${ROUNDS:-200} LOAD_CONNS=${LOAD_CONNS:-16} THREADS=${THREADS:-1}
ensure_jar
TMP=$(mktemp -d /tmp/gatehouse-cluster.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do gh_stop "$pid"; done
  pg_stop
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build: $(jar_rev "$JAR")"
pg_start
echo "== $PG_SETTINGS"
URL=$(pg_createdb gatehouse)
KEK=$(head -c 32 /dev/urandom | base64)
PORTS=()
for node in a b c; do
  port=$(free_port)
  gh_start "$TMP/$node" "$port" "$JAR" GATEHOUSE_DATABASE_URL="$URL" GATEHOUSE_DATABASE_USER="$PG_USER" \
    GATEHOUSE_DATABASE_PASSWORD="$PG_PASSWORD" GATEHOUSE_OIDC_KEY_ENCRYPTION_KEY="$KEK" "${CHEAP_ARGON2[@]}"
  PIDS+=("$GH_PID")
  PORTS+=("$port")
  echo "node $node on 127.0.0.1:$port, ready in $GH_READY_MS ms"
done
A="http://127.0.0.1:${PORTS[0]}" B="http://127.0.0.1:${PORTS[1]}" C="http://127.0.0.1:${PORTS[2]}"
api() { curl -fs -o /dev/null -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' "$@"; }
api -d '{"name":"staff"}' "$A/api/admin/groups"
for user in alice bob; do
  api -d "{\"username\":\"$user\",\"password\":\"$BENCH_PASSWORD\",\"groups\":[\"staff\"]}" "$A/api/admin/users"
done
api -d '{"name":"wiki","hosts":["wiki.bench.test"],"rules":[{"path":"/","policy":"groups","groups":["staff"]}]}' \
  "$A/api/admin/apps"
ALICE=$(login alice "${PORTS[0]}")
BOB=$(login bob "${PORTS[0]}")
[ -n "$ALICE" ] && [ -n "$BOB" ] || { echo "sign-in failed" >&2; exit 1; }
"$JAVA_HOME/bin/javac" -d "$TMP/classes" "$BENCH_ROOT/bench/cluster/Propagation.java"
propagate() {
  "$JAVA" -cp "$TMP/classes" Propagation "$ROUNDS" "$API_KEY" "$ALICE" wiki.bench.test "$A" "$B" "$C"
}

echo
echo "### idle ($ROUNDS rounds; B = :${PORTS[1]}, C = :${PORTS[2]})"
propagate

echo
echo "### B and C under forward-auth load (wrk, $LOAD_CONNS connections each, bob's session)"
echo "$BOB" >"$TMP/cookies"
echo wiki.bench.test >"$TMP/hosts"
export BENCH_COOKIES=$TMP/cookies BENCH_HOSTS=$TMP/hosts
LOADS=()
for url in "$B" "$C"; do
  fa_wrk "$url/api/authz/forward-auth" "$LOAD_CONNS" 120s >"$TMP/load-${url##*:}" &
  LOADS+=($!)
done
sleep 2
propagate
kill "${LOADS[@]}" 2>/dev/null || true
wait "${LOADS[@]}" 2>/dev/null || true
