#!/usr/bin/env bash
# OIDC token path throughput and latency: client_credentials, refresh_token and introspection,
# each at CONNS connections with wrk (HTTP/1.1 keep-alive), plus the database writes and syncs per
# 1000 requests, read from the metrics listener before and after each measured run. Installs nothing.
#
#   bench/oidc/run.sh
#
# Knobs (environment):
#   MODES="cc refresh introspect" CONNS="16 64" DURATION=10s WARMUP=5s THREADS=2
#   POOL=256       refresh tokens minted up front (real authorization-code flow with PKCE, one per
#                  token); each refresh run loses the chains in flight when it stops, so keep
#                  POOL >= 2 x the largest CONNS + the sum of CONNS
#   GATEHOUSE_JAVA_OPTS  appended to the launcher's default JVM flags, as ./gatehouse does
#   KEEP=1         keep the temp dir
#
# Setup, all through the public interfaces: Gatehouse starts on an empty data dir with the cheapest
# Argon2id (the token path never hashes a password; the login happens once), the admin API creates a
# confidential first_party client (secret checked by client_secret_basic), the bootstrap admin
# signs in through POST /login (CSRF double submit), then GET /oidc/authorize with PKCE S256 and
# the code exchange at /oidc/token give the access token to introspect and the refresh-token pool.
source "$(dirname "$0")/../lib/common.sh"
need wrk curl python3 openssl

MODES=${MODES:-"cc refresh introspect"}
CONNS=${CONNS:-"16 64"} DURATION=${DURATION:-10s} WARMUP=${WARMUP:-5s} THREADS=${THREADS:-2}
POOL=${POOL:-256}
LUA="$BENCH_ROOT/bench/oidc/oidc.lua"
CLIENT_ID=bench-rp
REDIRECT=https://rp.bench.test/callback

ensure_jar
TMP=$(mktemp -d /tmp/gatehouse-bench.XXXXXX)
cleanup() {
  gh_stop
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "== JVM flags: $DEFAULT_JAVA_OPTS ${GATEHOUSE_JAVA_OPTS:-}"
echo "== load before: $(load)"

port=$(free_port)
mport=$(free_port)
gh_start "$TMP/data" "$port" "$JAR" "${CHEAP_ARGON2[@]}" \
  GATEHOUSE_METRICS_ENABLE=true GATEHOUSE_METRICS_LISTEN="127.0.0.1:$mport"
echo "gatehouse pid $GH_PID on $port (metrics $mport), ready in ${GH_READY_MS} ms"
BASE="http://127.0.0.1:$port"

# --- client, session, tokens ----------------------------------------------------------------------
created=$(curl -fsS -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
  -d '{"client_id":"'$CLIENT_ID'","name":"Bench RP","redirect_uris":["'$REDIRECT'"],
       "grant_types":["authorization_code","refresh_token","client_credentials"],
       "scopes":["openid","profile","email","bench.read"],"first_party":true,
       "access_token_lifetime_seconds":3600}' "$BASE/api/admin/clients")
secret=$(echo "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')
# client_secret_basic: RFC 6749 2.3.1 form-encodes id and secret before base64.
BASIC="Basic $(python3 -c 'import base64,sys,urllib.parse as u; q=lambda s: u.quote_plus(s); print(base64.b64encode((q(sys.argv[1])+":"+q(sys.argv[2])).encode()).decode())' "$CLIENT_ID" "$secret")"
session=$(login admin "$port")
[ -n "$session" ] || { echo "login failed" >&2; exit 1; }
verifier=$(openssl rand -hex 32)
challenge=$(printf %s "$verifier" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')
# code_flow: authorize (first_party: no consent page) and exchange the code; prints the token JSON.
code_flow() {
  local loc code
  loc=$(curl -s -o /dev/null -w '%{redirect_url}' -H "Cookie: gh_session=$session" -G \
    --data-urlencode response_type=code --data-urlencode "client_id=$CLIENT_ID" \
    --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode 'scope=openid profile' \
    --data-urlencode state=s1 --data-urlencode "code_challenge=$challenge" \
    --data-urlencode code_challenge_method=S256 "$BASE/oidc/authorize")
  code=$(printf %s "$loc" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
  [ -n "$code" ] || { echo "authorize gave no code: $loc" >&2; return 1; }
  curl -fsS -H "Authorization: $BASIC" --data-urlencode grant_type=authorization_code \
    --data-urlencode "code=$code" --data-urlencode "redirect_uri=$REDIRECT" \
    --data-urlencode "code_verifier=$verifier" "$BASE/oidc/token"
}
jget() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
t0=$(now_ms)
first=$(code_flow)
ACCESS=$(echo "$first" | jget access_token)
echo "$first" | jget refresh_token >"$TMP/refresh.0"
for _ in $(seq 2 "$POOL"); do
  { code_flow; echo; } | sed -n 's/.*"refresh_token" *: *"\([^"]*\)".*/\1/p'
done >>"$TMP/refresh.0"
minted=$(grep -c . "$TMP/refresh.0")
[ "$minted" -eq "$POOL" ] || { echo "minted only $minted of $POOL refresh tokens" >&2; exit 1; }
echo "minted $(grep -c . "$TMP/refresh.0") refresh tokens (authorization code + PKCE) in $(($(now_ms) - t0)) ms"

# sanity: each path answers as expected once before wrk
curl -fsS -H "Authorization: $BASIC" -d grant_type=client_credentials -d scope=bench.read \
  "$BASE/oidc/token" | grep -q '"access_token"' || { echo "client_credentials failed" >&2; exit 1; }
curl -fsS -H "Authorization: $BASIC" --data-urlencode "token=$ACCESS" "$BASE/oidc/introspect" |
  grep -q '"active":true' || { echo "introspection not active" >&2; exit 1; }

export BENCH_BASIC="$BASIC" BENCH_ACCESS_TOKEN="$ACCESS" BENCH_THREADS="$THREADS"
gen=0
# run_wrk MODE CONNS DURATION: sets RESULT to the RESULT line's fields. Not called in $(...): the
# refresh generation counter has to survive from one run to the next.
run_wrk() {
  if [ "$1" = refresh ]; then
    export BENCH_REFRESH_IN="$TMP/refresh.$gen" BENCH_REFRESH_OUT="$TMP/refresh.$((gen + 1))"
    gen=$((gen + 1))
  fi
  RESULT=$(BENCH_MODE=$1 wrk -t"$THREADS" -c"$2" -d"$3" --timeout 10s -s "$LUA" "$BASE/" \
    2>"$TMP/wrk.err" | sed -n 's/^RESULT //p')
  sed 's/^/   wrk: /' "$TMP/wrk.err" | head -3 >&2
}
metric() { # metric NAME_AND_LABELS -> value
  curl -fsS "http://127.0.0.1:$mport/metrics" | awk -v m="$1" '$1 == m {printf "%.0f", $2}'
}
W='gatehouse_db_statements_total{kind="write"}'
S=gatehouse_db_syncs_total

printf '%-18s %-5s %9s %9s %9s %9s %7s %6s %11s %10s %s\n' path conns req/s p50_ms p99_ms max_ms non2xx bad \
  writes/1000 syncs/1000 notes
declare -A NAME=([cc]=client_credentials [refresh]=refresh_token [introspect]=introspection)
for mode in $MODES; do
  run_wrk "$mode" 64 "$WARMUP"  # warm-up (JIT), not counted
  for c in $CONNS; do
    w0=$(metric "$W") s0=$(metric "$S")
    run_wrk "$mode" "$c" "$DURATION"
    r=$RESULT
    w1=$(metric "$W") s1=$(metric "$S")
    n=$(field "$r" requests)
    notes=""
    [ "$mode" = refresh ] && notes="live chains after: $(field "$r" live), starved: $(field "$r" starved)"
    printf '%-18s %-5s %9s %9s %9s %9s %7s %6s %11s %10s %s\n' "${NAME[$mode]}" "$c" "$(field "$r" rps)" \
      "$(field "$r" p50_ms)" "$(field "$r" p99_ms)" "$(field "$r" max_ms)" "$(field "$r" non2xx)" \
      "$(field "$r" bad)" \
      "$(awk -v a="$((w1 - w0))" -v n="$n" 'BEGIN{printf "%.1f", n ? a * 1000 / n : 0}')" \
      "$(awk -v a="$((s1 - s0))" -v n="$n" 'BEGIN{printf "%.1f", n ? a * 1000 / n : 0}')" "$notes"
  done
  echo "   load after $mode: $(load)"
done
echo "(writes/syncs per 1000 requests from gatehouse_db_statements_total{kind=\"write\"} and"
echo " gatehouse_db_syncs_total around each measured run; client_credentials must write nothing)"
echo "gatehouse after load: VmRSS $(rss_kb "$GH_PID" VmRSS) KiB, VmHWM $(rss_kb "$GH_PID" VmHWM) KiB"
echo "== load after: $(load)"
