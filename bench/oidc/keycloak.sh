#!/usr/bin/env bash
# client_credentials: Gatehouse against Keycloak on the same machine, same wrk load, same run.
# Both sign RS256 access tokens for a confidential client authenticated with client_secret_basic.
#
#   bench/oidc/keycloak.sh
#
# Downloads the Keycloak distribution from Maven Central (org.keycloak:keycloak-quarkus-dist, about
# 170 MB) into $KEYCLOAK_CACHE once; installs nothing else. Keycloak runs `start-dev` (embedded H2,
# HTTP) on 127.0.0.1 with the JDK 25 the launcher finds, its own default JVM flags.
#
# Knobs (environment):
#   KC_VERSION=26.7.3 KEYCLOAK_CACHE=~/.cache/gatehouse-bench
#   CONNS="16 64" DURATION=10s WARMUP=10s THREADS=2 ROUNDS=2
#   KEEP=1   keep the temp dir
source "$(dirname "$0")/../lib/common.sh"
need wrk curl python3 unzip

KC_VERSION=${KC_VERSION:-26.7.3}
KEYCLOAK_CACHE=${KEYCLOAK_CACHE:-$HOME/.cache/gatehouse-bench}
CONNS=${CONNS:-"16 64"} DURATION=${DURATION:-10s} WARMUP=${WARMUP:-10s} THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}
LUA="$BENCH_ROOT/bench/oidc/oidc.lua"
SECRET=bench-client-secret-0123456789abcdef

ensure_jar
TMP=$(mktemp -d /tmp/gatehouse-bench.XXXXXX)
KC_PID=
cleanup() {
  gh_stop
  if [ -n "$KC_PID" ] && kill -0 "$KC_PID" 2>/dev/null; then
    kill -TERM "$KC_PID"
    wait "$KC_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

zip="$KEYCLOAK_CACHE/keycloak-$KC_VERSION.zip"
if [ ! -f "$zip" ]; then
  mkdir -p "$KEYCLOAK_CACHE"
  echo "downloading Keycloak $KC_VERSION from Maven Central to $zip"
  curl -fsS -o "$zip.part" "https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.zip"
  mv "$zip.part" "$zip"
fi
unzip -q "$zip" -d "$TMP"
KC_HOME="$TMP/keycloak-$KC_VERSION"

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- Keycloak ---------------------------------------------------------------------------------
kport=$(free_port)
t0=$(now_ms)
JAVA_HOME="$JAVA_HOME" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$kport" >"$TMP/keycloak.log" 2>&1 &
KC_PID=$!
KC="http://127.0.0.1:$kport"
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$KC/realms/master" && break
  kill -0 "$KC_PID" 2>/dev/null || { tail -30 "$TMP/keycloak.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs -o /dev/null "$KC/realms/master" || { echo "Keycloak not ready after 300 s" >&2; exit 1; }
echo "keycloak $KC_VERSION pid $KC_PID on $kport, ready in $(($(now_ms) - t0)) ms"
admin=$(curl -fsS -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin \
  "$KC/realms/master/protocol/openid-connect/token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
curl -fsS -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"clientId":"bench-rp","secret":"'$SECRET'","publicClient":false,"serviceAccountsEnabled":true,
       "standardFlowEnabled":false,"directAccessGrantsEnabled":false}' "$KC/admin/realms/master/clients"

# --- Gatehouse --------------------------------------------------------------------------------
port=$(free_port)
gh_start "$TMP/data" "$port" "$JAR"
echo "gatehouse pid $GH_PID on $port, ready in ${GH_READY_MS} ms"
GH="http://127.0.0.1:$port"
gh_secret=$(curl -fsS -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
  -d '{"client_id":"bench-rp","name":"Bench RP","grant_types":["client_credentials"],
       "scopes":["bench.read"],"first_party":true}' "$GH/api/admin/clients" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')
basic() { printf 'Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"; }

# system NAME -> the env the wrk script needs for it
declare -A URL BASIC PATH_ BODY
URL[keycloak]=$KC/ BASIC[keycloak]=$(basic bench-rp "$SECRET")
PATH_[keycloak]=/realms/master/protocol/openid-connect/token BODY[keycloak]=grant_type=client_credentials
URL[gatehouse]=$GH/ BASIC[gatehouse]=$(basic bench-rp "$gh_secret")
PATH_[gatehouse]=/oidc/token BODY[gatehouse]="grant_type=client_credentials&scope=bench.read"

run_wrk() { # run_wrk SYSTEM CONNS DURATION -> the RESULT line's fields
  BENCH_MODE=cc BENCH_BASIC="${BASIC[$1]}" BENCH_TOKEN_PATH="${PATH_[$1]}" BENCH_CC_BODY="${BODY[$1]}" \
    wrk -t"$THREADS" -c"$2" -d"$3" --timeout 10s -s "$LUA" "${URL[$1]}" 2>&1 | sed -n 's/^RESULT //p'
}

for s in keycloak gatehouse; do
  code=$(curl -s -o "$TMP/sanity.json" -w '%{http_code}' -H "Authorization: ${BASIC[$s]}" \
    --data "${BODY[$s]}" "${URL[$s]%/}${PATH_[$s]}")
  grep -q '"access_token"' "$TMP/sanity.json" || { echo "$s: $code $(cat "$TMP/sanity.json")" >&2; exit 1; }
  echo "$s token header: $(python3 -c 'import json,sys,base64; t=json.load(open(sys.argv[1]))["access_token"].split(".")[0]; print(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)).decode())' "$TMP/sanity.json")"
  run_wrk "$s" 64 "$WARMUP" >/dev/null  # warm-up (JIT), not counted
done

result_header
for round in $(seq 1 "$ROUNDS"); do
  for c in $CONNS; do
    k=$(run_wrk keycloak "$c" "$DURATION")
    g=$(run_wrk gatehouse "$c" "$DURATION")
    result_line "$round" "$c" keycloak "$k"
    result_line "$round" "$c" gatehouse "$g"
    ratio_line "$round" "$c" "$g" "$k"
  done
done
echo "(ratio = gatehouse / keycloak; the target is >= 5 on req/s)"
echo "RSS after load: keycloak $(rss_kb "$KC_PID" VmRSS) KiB, gatehouse $(rss_kb "$GH_PID" VmRSS) KiB"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
