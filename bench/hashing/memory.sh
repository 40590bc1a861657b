#!/usr/bin/env bash
# RSS of a real Gatehouse (./gatehouse serve, the launcher's default JVM flags plus $GATEHOUSE_JAVA_OPTS)
# idle, then after 20 password hashes at the default cost: 20 users created with a password over the
# admin API, 4 requests at a time, so the max_hash_threads semaphore queues some of them.
#   bench/hashing/memory.sh                       native libargon2, -Xmx128m
#   GATEHOUSE_JAVA_OPTS="-Dgatehouse.argon2=bouncycastle -Xmx512m" bench/hashing/memory.sh
# Results: docs/memory.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$(mktemp -d)
PORT=${PORT:-18181}
KEY=gh_ak_memory-bench-0123456789abcdef
export GATEHOUSE_STORAGE_DATA_DIR="$DATA" GATEHOUSE_SERVER_LISTEN="127.0.0.1:$PORT"
export GATEHOUSE_BOOTSTRAP_API_KEY="$KEY"
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$DATA"
}
trap cleanup EXIT

start() {
  "$ROOT/gatehouse" serve >"$DATA/log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  cat "$DATA/log" >&2
  return 1
}
mib() {
  if [ ! -e "/proc/$PID/status" ]; then
    echo "gatehouse exited; its log:" >&2
    tail -20 "$DATA/log" >&2
    exit 1
  fi
  awk -v k="$1:" '$1 == k {printf "%d", $2 / 1024}' "/proc/$PID/status"
}

# Startup bootstraps the admin user, which is one hash: the idle peak includes it.
start
sleep 5
echo "argon2: $(grep -o 'argon2: [a-z]*' "$DATA/log" | tail -1 | cut -d' ' -f2)"
echo "idle: RSS $(mib VmRSS) MiB, peak $(mib VmHWM) MiB (one hash at bootstrap)"
for batch in 0 1 2 3 4; do
  for i in 0 1 2 3; do
    n=$((batch * 4 + i))
    curl -fsS -o /dev/null -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
      -d "{\"username\":\"user$n\",\"password\":\"password-number-$n\"}" \
      "http://127.0.0.1:$PORT/api/admin/users" &
  done
  for job in $(jobs -p); do
    [ "$job" = "$PID" ] || wait "$job" || echo "a request failed" >&2
  done
done
echo "after 20 hashes: RSS $(mib VmRSS) MiB, peak $(mib VmHWM) MiB"
sleep 5
echo "5 s later: RSS $(mib VmRSS) MiB"
