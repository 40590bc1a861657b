#!/usr/bin/env bash
# The admin console's lists at scale: 100k users and 10k groups (2 groups per user, so a group holds
# ~20 members; plus one group holding every user), written straight into SQLite by
# bench/lib/seed.sh while Gatehouse is stopped, then pages fetched over real HTTP by wrk with an
# admin's session cookie (bench/console/pages.lua), one page kind at a time, in ROUNDS rounds:
#
#   users_page     /admin/users?page=N, N spread over all 2,000 pages (offset paging: the last
#                  pages are the dearest)
#   users_search   /admin/users?q=..., substrings of usernames, emails and names (a scan of every
#                  user: LIKE '%…%' cannot use an index) and their second pages
#   user           /admin/users/<id>: profile, groups, sessions, devices, factors, 10 audit events
#   groups_page    /admin/groups?page=N over all 200 pages, with member counts
#   groups_search  /admin/groups?q=...
#   group          /admin/groups/group-N, first page of members; and the group of 100k members
#   health         /health/ready on the same server and connections: the same-run baseline (what
#                  the HTTP stack costs with no page to render)
#
# The issue's target is p95 under 100 ms per page; "x health" is each kind's p95 over the
# baseline's. Then the page weight of each main page: HTML + the stylesheet + the console script.
#
#   bench/console/run.sh     (knobs: USERS=100000 NGROUPS=10000 CONNS=4 DURATION=10s ROUNDS=3
#                             KINDS="users_search group": only those, after the baseline)
source "$(dirname "$0")/../lib/common.sh"
need wrk curl sqlite3
USERS=${USERS:-100000} NGROUPS=${NGROUPS:-10000} CONNS=${CONNS:-4} DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
ensure_jar
TMP=$(mktemp -d /tmp/gatehouse-console.XXXXXX)
trap 'gh_stop; rm -rf "$TMP"' EXIT

echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), jar $(jar_rev "$JAR")"
port=$(free_port)
gh_start "$TMP/data" "$port"
gh_stop
"$BENCH_LIB/seed.sh" "$TMP/data/gatehouse.db" "$USERS" "$NGROUPS" 10 0 0 "$(cheap_hash)"
sqlite3 "$TMP/data/gatehouse.db" >/dev/null <<SQL
INSERT INTO groups_ (name, created_at) VALUES ('everyone', 0);
INSERT INTO memberships (group_name, user_id) SELECT 'everyone', id FROM users;
SQL
echo "seeded $USERS users, $NGROUPS groups (+ 'everyone' with every user)"
gh_start "$TMP/data" "$port" "$JAR" "${CHEAP_ARGON2[@]}"
export CONSOLE_COOKIE
CONSOLE_COOKIE=$(login admin "$port")
[ -n "$CONSOLE_COOKIE" ] || { echo "admin sign-in failed" >&2; exit 1; }
base="http://127.0.0.1:$port"

pages=$((USERS / 50)) gpages=$((NGROUPS / 50))
awk -v p="$pages" 'BEGIN{srand(1); for (k = 0; k < 400; k++) printf "/admin/users?page=%d\n", 1 + int(rand() * p)}' >"$TMP/users_page"
awk -v u="$USERS" 'BEGIN{srand(2); for (k = 0; k < 400; k++) {n = 1 + int(rand() * u); m = k % 4;
  if (m == 0) printf "/admin/users?q=bench-user-%d\n", n; else if (m == 1) printf "/admin/users?q=user+%d\n", int(n / 100);
  else if (m == 2) printf "/admin/users?q=%d%%40bench\n", n; else printf "/admin/users?q=user-%d&page=2\n", int(n / 1000)}}' >"$TMP/users_search"
awk -v u="$USERS" 'BEGIN{srand(3); for (k = 0; k < 400; k++) printf "/admin/users/00000000-0000-4000-8000-%012d\n", 1 + int(rand() * u)}' >"$TMP/user"
awk -v p="$gpages" 'BEGIN{srand(4); for (k = 0; k < 400; k++) printf "/admin/groups?page=%d\n", 1 + int(rand() * p)}' >"$TMP/groups_page"
awk -v g="$NGROUPS" 'BEGIN{srand(5); for (k = 0; k < 400; k++) printf "/admin/groups?q=group-%d\n", 1 + int(rand() * g / 10)}' >"$TMP/groups_search"
awk -v g="$NGROUPS" 'BEGIN{srand(6); for (k = 0; k < 400; k++) if (k % 10 == 0) print "/admin/groups/everyone"; else printf "/admin/groups/group-%d\n", 1 + int(rand() * g)}' >"$TMP/group"
echo /health/ready >"$TMP/health"
KINDS="health ${KINDS:-users_page users_search user groups_page groups_search group}"
for kind in $KINDS; do # every path answers 200 before anything is timed
  bad=$(head -20 "$TMP/$kind" | while read -r p; do
    curl -s -o /dev/null -w '%{http_code}\n' -H "Cookie: gh_session=$CONSOLE_COOKIE" "$base$p"; done | grep -vc '^200$' || true)
  [ "$bad" = 0 ] || echo "WARNING: $kind: $bad of the first 20 paths did not answer 200"
done

printf '%-6s %-14s %8s %9s %9s %9s %9s %7s %10s\n' round kind req/s p50_ms p95_ms p99_ms max_ms non2xx 'p95 x health'
for r in $(seq 1 "$ROUNDS"); do
  declare -A P95=()
  for kind in $KINDS; do
    res=$(CONSOLE_PATHS="$TMP/$kind" wrk -t1 -c"$CONNS" -d"$DURATION" --timeout 10s \
      -s "$BENCH_ROOT/bench/console/pages.lua" "$base" 2>&1 | sed -n 's/^RESULT //p')
    P95[$kind]=$(field "$res" p95_ms)
    printf '%-6s %-14s %8s %9s %9s %9s %9s %7s %10s\n' "$r" "$kind" "$(field "$res" rps)" \
      "$(field "$res" p50_ms)" "$(field "$res" p95_ms)" "$(field "$res" p99_ms)" "$(field "$res" max_ms)" \
      "$(field "$res" non2xx)" "$(over "${P95[$kind]}" "${P95[health]}")"
  done
done

echo "page weight (bytes, uncompressed): HTML + /static/gatehouse.css + /static/console.js"
css=$(curl -s "$base/static/gatehouse.css" | wc -c) js=$(curl -s "$base/static/console.js" | wc -c)
for p in /admin "/admin/users" "/admin/users?q=bench-user-1" /admin/users/00000000-0000-4000-8000-000000000001 \
  /admin/groups /admin/groups/everyone /admin/apps /admin/audit; do
  html=$(curl -s -H "Cookie: gh_session=$CONSOLE_COOKIE" "$base$p" | wc -c)
  printf '  %-58s html %6d  total %6d\n' "$p" "$html" $((html + css + js))
done
