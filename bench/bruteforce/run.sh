#!/usr/bin/env bash
# Brute force against one account while its owner signs in from a known browser, with forward-auth
# measured quiet and during the attack. Installs nothing.
#
#   bench/bruteforce/run.sh
#
# What it does: starts target/gatehouse.jar (launcher defaults, real Argon2id cost unless
# ARGON2=cheap) with metrics on; creates the user and an app with the admin API; signs the user in
# once for a session (forward-auth load) and once more to get the known-browser cookie (gh_known);
# measures forward-auth p99 quiet (wrk on /api/authz/forward-auth, 127.0.0.1); then, during a second
# forward-auth run of the same length, sends GUESSES wrong passwords from CONNS concurrent
# keep-alive connections (bench/bruteforce/guesses.py) and, ONE_IN seconds into it, the
# owner's real sign-in with the known-browser cookie, timed. A sign-in by the right password from
# a browser without the cookie is tried too (expected: 429, the account is throttled for it).
#
# Reports: guesses hashed (401) vs throttled (429) vs refused busy (503), Argon2 hashes run (the
# gatehouse_hash_seconds_count metric), the real sign-in's status and time (target <= 2 s), and
# forward-auth p99 quiet vs under attack (target <= 1.5x).
#
# Knobs: GUESSES=200 CONNS=20 FA_CONNS=16 FA_DURATION=10s ONE_IN=1 ARGON2=default|cheap KEEP=1
source "$(dirname "$0")/../lib/common.sh"
need wrk curl python3

GUESSES=${GUESSES:-200} CONNS=${CONNS:-20} FA_CONNS=${FA_CONNS:-16} FA_DURATION=${FA_DURATION:-10s}
ONE_IN=${ONE_IN:-1} ARGON2=${ARGON2:-default}
VICTIM=alice PASSWORD="alice-real-password-1" HOST=app.bench.test

ensure_jar
TMP=$(mktemp -d /tmp/gatehouse-bruteforce.XXXXXX)
cleanup() {
  gh_stop
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg); argon2: $ARGON2"

cost=()
[ "$ARGON2" = cheap ] && cost=("${CHEAP_ARGON2[@]}")
port=$(free_port) mport=$(free_port)
gh_start "$TMP/data" "$port" "$JAR" GATEHOUSE_METRICS_ENABLE=true \
  GATEHOUSE_METRICS_LISTEN="127.0.0.1:$mport" "${cost[@]}"
BASE="http://127.0.0.1:$port"
admin() { curl -fsS -H "Authorization: Bearer $API_KEY" "$@"; }
admin -o /dev/null -d '{"name":"family"}' "$BASE/api/admin/groups"
admin -o /dev/null -d "{\"username\":\"$VICTIM\",\"email\":\"a@bench.test\",\"display_name\":\"A\",
  \"password\":\"$PASSWORD\",\"groups\":[\"family\"]}" "$BASE/api/admin/users"
admin -o /dev/null -d "{\"name\":\"app\",\"hosts\":[\"$HOST\"],
  \"rules\":[{\"policy\":\"groups\",\"groups\":[\"family\"]}]}" "$BASE/api/admin/apps"

metric() {
  curl -fs "http://127.0.0.1:$mport/metrics" |
    awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $NF} END {printf "%d", s}'
}
# sign_in [COOKIES]: one real sign-in, as a browser does it (the form first, for its pre-session
# CSRF cookie and the token bound to it); prints "status seconds" of the POST alone.
sign_in() {
  local page csrf_cookie csrf
  page=$(curl -s -D "$TMP/form-headers" "$BASE/login")
  csrf_cookie=$(tr -d '\r' <"$TMP/form-headers" | sed -n 's/^[Ss]et-[Cc]ookie: \(gh_csrf=[^;]*\);.*/\1/p')
  csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
  curl -s -o /dev/null -D "$TMP/headers" -w '%{http_code} %{time_total}\n' \
    -H "Cookie: $csrf_cookie${1:+; $1}" --data-urlencode "username=$VICTIM" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "csrf=$csrf" "$BASE/login"
}
cookie_of() { tr -d '\r' <"$TMP/headers" | sed -n "s/^[Ss]et-[Cc]ookie: $1=\([^;]*\);.*/\1/p"; }

read -r status secs < <(sign_in)
session=$(cookie_of gh_session)
echo "first sign-in (no cookie): $status in ${secs}s"
read -r status secs < <(sign_in)
known=$(cookie_of gh_known)
[ -n "$known" ] && [ -n "$session" ] || { echo "no session or known-browser cookie" >&2; exit 1; }
echo "second sign-in (quiet): $status in ${secs}s"

fa() {
  wrk -t2 -c"$FA_CONNS" -d"$FA_DURATION" --latency -H "X-Forwarded-Method: GET" \
    -H "X-Forwarded-Proto: https" -H "X-Forwarded-Host: $HOST" -H "X-Forwarded-Uri: /" \
    -H "Cookie: gh_session=$session" "$BASE/api/authz/forward-auth"
}
p99() { awk '$1 == "99%" {v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0;
  else if (v ~ /s$/) v = v * 1000; printf "%.2f", v}' "$1"; }

fa >"$TMP/fa-quiet"
echo "forward-auth quiet: $(grep -E 'Requests/sec' "$TMP/fa-quiet") p99 $(p99 "$TMP/fa-quiet") ms"

hashes_before=$(metric gatehouse_hash_seconds_count)
fa >"$TMP/fa-attack" &
fa_pid=$!
sleep 0.5
attack_t0=$(now_ms)
python3 "$BENCH_ROOT/bench/bruteforce/guesses.py" "$port" "$VICTIM" "$GUESSES" "$CONNS" \
  >"$TMP/attack" &
attack_pid=$!
sleep "$ONE_IN"
read -r real_status real_secs < <(sign_in "gh_known=$known")
read -r stranger_status stranger_secs < <(sign_in)
wait "$attack_pid"
attack_ms=$(($(now_ms) - attack_t0))
wait "$fa_pid"
hashes=$(($(metric gatehouse_hash_seconds_count) - hashes_before))

result=$(grep '^RESULT' "$TMP/attack")
echo
echo "guesses: $GUESSES wrong passwords from $CONNS connections in $attack_ms ms"
echo "  answered $(field "$result" answered): hashed (401) $(field "$result" hashed_401)," \
  "throttled (429) $(field "$result" throttled_429), busy (503) $(field "$result" busy_503)," \
  "other $(field "$result" other); guess latency p50 $(field "$result" p50_ms) ms" \
  "p99 $(field "$result" p99_ms) ms"
echo "  Argon2 hashes run during the attack: $hashes (both real sign-ins included)"
echo "  throttled by kind: $(curl -fs "http://127.0.0.1:$mport/metrics" |
  sed -n 's/^gatehouse_throttled_attempts_total{kind="\([a-z_]*\)"} \(.*\)/\1=\2/p' | tr '\n' ' ')"
echo "real sign-in from the known browser during the attack: $real_status in ${real_secs}s (target <= 2 s)"
echo "same password from a browser without the cookie: $stranger_status in ${stranger_secs}s"
q=$(p99 "$TMP/fa-quiet") a=$(p99 "$TMP/fa-attack")
echo "forward-auth p99: quiet $q ms, during the attack $a ms, ratio $(awk -v a="$a" -v q="$q" \
  'BEGIN{printf "%.2f", a / q}') (target <= 1.5)"
echo "forward-auth during the attack: $(grep -E 'Requests/sec' "$TMP/fa-attack")"
