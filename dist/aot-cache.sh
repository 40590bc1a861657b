#!/usr/bin/env bash
# The ahead-of-time class cache (JDK 25, JEP 483/514/515) that lets Gatehouse start in about half
# the time: classes read, parsed and linked once, method profiles kept, by a training run.
#
#   dist/aot-cache.sh JAVA JAR OUT [JVM flags...]          make OUT by a training run
#   dist/aot-cache.sh --after PID JAVA JAR OUT [flags...]  the same, once process PID (a server
#                                                          starting beside it) has settled
#   dist/aot-cache.sh --fresh JAVA JAR OUT [JVM flags...]  exit 0 when OUT was made for this java,
#                                                          jar and flags, 1 when it must be made again
#
# Then start with `JAVA <the same flags> -XX:AOTCache=OUT -jar JAR serve`. JAR must be the same
# path as at training (the JVM checks the class path, the jar's size and modification time, and the
# JVM build, and runs without the cache, after a warning, when any differs); the GC and a few other
# flags must match too, so the flags are part of what --fresh compares.
#
# The training run serves on a free loopback port from an empty temp data dir (a first start:
# migrations and the bootstrap admin, at the cheapest Argon2id cost), answers a few requests of each
# kind a server meets first (health, sign-in page and sign-in, forward-auth, OIDC discovery and
# keys, the admin API and console), and stops; the JVM then writes the cache in a child process.
# Nothing outside the temp dir and OUT (with OUT.key beside it) is touched. Takes 10-30 s.
set -euo pipefail
# One compound command, read whole before it runs: bash reads a script as it goes, and one
# replaced during a training (a pull, a rebuild of a package) would be read on at the old offsets.
{

fresh=0 after=
if [ "${1:-}" = --fresh ]; then
  fresh=1
  shift
elif [ "${1:-}" = --after ] && [ $# -ge 2 ]; then
  after=$2
  shift 2
fi
if [ $# -lt 3 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
JAVA=$1 JAR=$2 OUT=$3
shift 3

# What the cache depends on: the JVM build (libjvm's size and time change with any update), the
# jar as the JVM sees it, and the flags.
cache_key() {
  local home
  home=$(readlink -f "$JAVA")
  home=${home%/bin/java}
  printf 'java=%s jvm=%s jar=%s %s flags=%s\n' "$home" \
    "$(stat -L -c '%s %Y' "$home/lib/server/libjvm.so" 2>/dev/null || echo unknown)" \
    "$JAR" "$(stat -L -c '%s %Y' "$JAR")" "$*"
}

if [ "$fresh" = 1 ]; then
  [ -f "$OUT" ] && [ -f "$OUT.key" ] && [ "$(cat "$OUT.key")" = "$(cache_key "$@")" ]
  exit
fi

# One training per OUT at a time (two starts at once, or a start beside a build): the later one
# leaves it to the first. A caller that wants the cache waits with `flock OUT.lock true`.
exec 9>"$OUT.lock"
if ! flock -n 9; then
  echo "aot-cache: $OUT is being made by another training already"
  exit 0
fi
# Beside a starting server, the training waits until that server is ready and quiet (under a
# tenth of a CPU second in a second), or gone, or two minutes have passed: on two cores a training
# running from the start (even at nice 19) made the server's first start a third slower.
if [ -n "$after" ]; then
  cpu() { awk '{print $14 + $15}' "/proc/$after/stat" 2>/dev/null || echo gone; }
  quiet=$(($(getconf CLK_TCK) / 10)) last=$(cpu)
  for _ in $(seq 1 120); do
    sleep 1
    now=$(cpu)
    [ "$now" != gone ] && [ $((now - last)) -ge "$quiet" ] || break
    last=$now
  done
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-aot.XXXXXX")
pid=
cleanup() {
  local status=$?
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  # a failed training leaves its server's whole log for a look
  [ "$status" = 0 ] || cp "$tmp/serve.log" "$OUT.training.log" 2>/dev/null || true
  rm -rf "$tmp" "$OUT.tmp" "$OUT.tmp.config"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
  2>/dev/null || echo $((20000 + RANDOM % 20000)))
base="http://127.0.0.1:$port"
key="gh_ak_aot_training_0123456789abcdefghijklmnopqrstuvwxyz"
password="aot-training-password"
started=$(date +%s)
# The environment is the training's alone: no configuration file, nothing inherited that would
# change what is loaded (GATEHOUSE_CONFIG, a PostgreSQL URL).
env -i PATH="$PATH" HOME="${HOME:-/tmp}" TMPDIR="${TMPDIR:-/tmp}" \
  GATEHOUSE_STORAGE_DATA_DIR="$tmp/data" GATEHOUSE_SERVER_LISTEN="127.0.0.1:$port" \
  GATEHOUSE_BOOTSTRAP_API_KEY="$key" GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD="$password" \
  GATEHOUSE_HASHING_ARGON2_M_COST=32768 GATEHOUSE_HASHING_ARGON2_T_COST=1 GATEHOUSE_HASHING_ARGON2_P_COST=2 \
  "$JAVA" "$@" -XX:AOTCacheOutput="$OUT.tmp" -jar "$JAR" serve >"$tmp/serve.log" 2>&1 &
pid=$!

have_curl=$(command -v curl >/dev/null 2>&1 && echo 1 || echo 0)
ready() {
  if [ "$have_curl" = 1 ]; then
    curl -fs -o /dev/null "$base/health/ready"
  else
    grep -q 'Gatehouse ready' "$tmp/serve.log"
  fi
}
until ready; do
  if ! kill -0 "$pid" 2>/dev/null || [ $(($(date +%s) - started)) -gt 120 ]; then
    echo "aot-cache: the training server did not become ready; its log:" >&2
    tail -20 "$tmp/serve.log" >&2
    exit 1
  fi
  sleep 0.1
done

# Without curl the cache still holds everything up to ready, which is what start-up needs.
if [ "$have_curl" = 1 ]; then
  c() { curl -s -o /dev/null --max-time 10 "$@" || true; }
  for _ in 1 2 3; do
    jar="$tmp/cookies"
    rm -f "$jar"
    page=$(curl -s -c "$jar" "$base/login" || true)
    csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
    c -b "$jar" -c "$jar" --data-urlencode username=admin --data-urlencode "password=$password" \
      --data-urlencode "csrf=$csrf" "$base/login"
    c -b "$jar" "$base/"
    c -b "$jar" "$base/admin"
    c -b "$jar" -H 'X-Forwarded-Method: GET' -H 'X-Forwarded-Proto: https' \
      -H 'X-Forwarded-Host: app.example' -H 'X-Forwarded-Uri: /' "$base/api/authz/forward-auth"
    c -H 'X-Forwarded-Method: GET' -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-Host: app.example' \
      -H 'X-Forwarded-Uri: /' "$base/api/authz/forward-auth"
    c "$base/.well-known/openid-configuration"
    c "$base/.well-known/jwks.json"
    c -H "Authorization: Bearer $key" "$base/api/admin/users"
    c "$base/health/ready"
  done
fi

kill -TERM "$pid"
if ! wait "$pid"; then
  echo "aot-cache: the training server did not stop cleanly; its log:" >&2
  tail -20 "$tmp/serve.log" >&2
  exit 1
fi
pid=
if [ ! -s "$OUT.tmp" ]; then
  echo "aot-cache: the JVM wrote no cache; its log: $OUT.training.log" >&2
  grep -iv '^\[.*warning\]\[aot\] Skipping' "$tmp/serve.log" | tail -20 >&2
  exit 1
fi
mv -f "$OUT.tmp" "$OUT"
rm -f "$OUT.training.log"
cache_key "$@" >"$OUT.key"
echo "aot-cache: wrote $OUT ($(($(stat -c %s "$OUT") >> 20)) MiB) in $(($(date +%s) - started)) s"
exit
}
