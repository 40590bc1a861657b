#!/usr/bin/env bash
# Gatehouse on PostgreSQL against Gatehouse on SQLite, in one run, on one machine. Starts a
# PostgreSQL server of its own (bench/lib/postgres.sh: Debian's binaries, a temp dir on the same
# disk as the SQLite files, a free 127.0.0.1 port, DURABLE: fsync, full_page_writes and
# synchronous_commit on; the output's first lines say which settings it runs with) and deletes it
# on exit. Everything listens on 127.0.0.1 only. Installs nothing.
#
#   bench/postgres/run.sh                  both parts: 6 to 7 minutes on a busy 2-core machine
#   bench/postgres/run.sh writes           (a) only
#   bench/postgres/run.sh forwardauth      (b) only
#
# (a) writes: acknowledged writes/s and p99 latency at 1, 16 and 64 concurrent writers, each write
#     one identity unit (a user row and three membership rows, Gatehouse's schema), one JVM and
#     one fresh database per cell (bench/durability/WriteBenchmark.java):
#       sync_per_write   one transaction, so one commit, per unit: what an application without
#                        group commit does. PostgreSQL: a connection per writer thread, each commit
#                        waiting for its WAL flush (synchronous_commit=on). SQLite: one connection,
#                        synchronous=FULL (SQLite has one write lock anyway).
#       immediate        Gatehouse's Writer through the Store API, DataClass IDENTITY with log_sync
#                        immediate: one thread, one connection, whatever is queued committed as one
#                        transaction with a savepoint per unit (group commit), durable before any
#                        caller is released (PostgreSQL: synchronous_commit as the server has it).
#       immediate_async  the same, not waiting for durability (PostgreSQL: SET LOCAL
#                        synchronous_commit = off; a crash of the DATABASE may lose its last
#                        moments, a crash of the node loses nothing committed).
#     "x per-write" is the row's writes/s over sync_per_write's on the same backend at the same
#     number of writers: above 1, group commit wins there. Compare within a backend; across the two
#     the disk is the same, the work is not (a server process and TCP round trips, or a library).
#     PostgreSQL groups the WAL flushes of concurrent connections by itself, so per-write from N
#     connections is not one flush per unit there; when immediate and immediate_async are both low,
#     the limit is the Writer's one connection (its round trips, one after the other), not a flush.
#
# (b) forwardauth: two Gatehouse nodes from target/gatehouse.jar, one on SQLite and one on the
#     PostgreSQL server, each given the same users, apps and rules through the admin API and the
#     same sign-ins through POST /login (a session cookie each), then wrk with
#     bench/forwardauth/forward-auth.lua against each node's forward-auth listener and against
#     nginx answering `return 200` (the same-run baseline: the cheapest possible auth service), in
#     ROUNDS rounds whose order rotates, so drift in the machine's load falls on each in turn.
#     The decision reads memory only, so "gh:postgres/gh:sqlite" should be ~1.00 for req/s, p99 and
#     the server's CPU per request (cpu_us/req, the least noisy of the three on a shared machine);
#     "x/nginx" says what the HTTP stack and the decision cost against doing nothing. The
#     PostgreSQL server's own CPU during the postgres node's rounds is printed too: ~0, as the
#     decisions never query it (only the batched session-activity writes reach it).
#
# The machine may be shared: absolute figures move between runs, ratios within a run much less.
#
# Knobs (environment): SECONDS_PER_CELL=3 WRITERS="1 16 64" PG_MODES="sync_per_write immediate
#   immediate_async" SQLITE_MODES="sync_per_write immediate" | USERS=16 APPS=20 CONNS=64
#   DURATION=8s WARMUP=15s ROUNDS=3 THREADS=2 | BENCH_DIR=/var/tmp (not tmpfs: syncs must cost) KEEP=1
source "$(dirname "$0")/../lib/common.sh"
source "$BENCH_LIB/postgres.sh"

PARTS=${*:-writes forwardauth}
SECONDS_PER_CELL=${SECONDS_PER_CELL:-3} WRITERS=${WRITERS:-1 16 64}
PG_MODES=${PG_MODES:-sync_per_write immediate immediate_async}
SQLITE_MODES=${SQLITE_MODES:-sync_per_write immediate}
USERS=${USERS:-16} APPS=${APPS:-20} CONNS=${CONNS:-64} DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-15s} ROUNDS=${ROUNDS:-3} THREADS=${THREADS:-2}
for part in $PARTS; do
  case $part in
    writes) need psql ;;
    forwardauth) need psql wrk nginx curl ;;
    *) echo "unknown part: $part (writes, forwardauth)" >&2; exit 1 ;;
  esac
done

ensure_jar
TMP=$(mktemp -d -p "${BENCH_DIR:-/var/tmp}" gatehouse-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do gh_stop "$pid"; done
  pg_stop
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "== build: $(jar_rev "$JAR") ($JAR); load: $(cut -d' ' -f1-3 /proc/loadavg)"
pg_start
echo "== $PG_SETTINGS"
echo "== SQLite: $(df --output=fstype "$TMP" | tail -1) at $TMP"

# pg_env NAME: a new database NAME and the environment that points Gatehouse at it.
pg_env() {
  echo "GATEHOUSE_DATABASE_URL=$(pg_createdb "$1") GATEHOUSE_DATABASE_USER=$PG_USER" \
    "GATEHOUSE_DATABASE_PASSWORD=$PG_PASSWORD"
}

writes() {
  echo
  echo "## (a) writes: ${SECONDS_PER_CELL} s per cell after 1 s of warm-up; one unit = 1 user + 3 memberships"
  "$JAVA_HOME/bin/javac" -d "$TMP/classes" -cp "$JAR" "$BENCH_ROOT/bench/durability/WriteBenchmark.java"
  echo
  echo "| backend | mode | writers | writes/s | p99 ms | x per-write |"
  echo "|---|---|---:|---:|---:|---:|"
  local backend modes mode writers data cell=0 rate p99 per_write db
  # One JVM and one fresh database per cell; the modes at one writers count run one after the other,
  # so the cells of a ratio are seconds apart (the disk's sync rate drifts on a shared machine).
  for backend in postgresql sqlite; do
    modes=$([ "$backend" = postgresql ] && echo "$PG_MODES" || echo "$SQLITE_MODES")
    for writers in $WRITERS; do
      per_write=-
      for mode in $modes; do
        cell=$((cell + 1))
        data="$TMP/writes-$cell"
        mkdir -p "$data"
        db=""
        [ "$backend" = sqlite ] || db=$(pg_env "writes_$cell")
        # shellcheck disable=SC2086
        env $db "$JAVA" -XX:+UseSerialGC -Xmx256m --enable-native-access=ALL-UNNAMED \
          -cp "$JAR:$TMP/classes" WriteBenchmark "$data" "$mode" "$writers" "$SECONDS_PER_CELL" \
          >"$data.out" 2>"$data.err" || { cat "$data.err" >&2; exit 1; }
        # A writer thread that failed prints its stack trace and stops: its cell would be wrong.
        if grep -q 'Exception' "$data.err"; then cat "$data.err" >&2; exit 1; fi
        read -r _ _ _ rate p99 <"$data.out"
        [ "$mode" != sync_per_write ] || per_write=$rate
        echo "| $backend | $mode | $writers | $rate | $p99 | $(over "$rate" "$per_write") |"
        rm -rf "$data"
      done
    done
  done
}

# seed PORT: the bench's users, apps and rules through the admin API of the node on PORT, then one
# sign-in per user through the login form; prints the session cookies, one a line.
seed() {
  local base="http://127.0.0.1:$1" rules
  rules='[{"path":"/public","policy":"public"},{"path":"/admin","policy":"groups","groups":["admins"]},{"path":"/","policy":"authenticated"}]'
  # (The group admins exists: the bootstrap made it.)
  seq 1 "$USERS" | xargs -P 4 -I{} curl -fsS -o /dev/null -H "Authorization: Bearer $API_KEY" \
    -H 'Content-Type: application/json' "$base/api/admin/users" \
    -d "{\"username\":\"bench-user-{}\",\"email\":\"bench-user-{}@bench.test\",\"password\":\"$BENCH_PASSWORD\"}"
  for i in $(seq 1 "$APPS"); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
      -d "{\"name\":\"app-$i\",\"hosts\":[\"app-$i.bench.test\"],\"rules\":$rules}" "$base/api/admin/apps"
  done
  seq 1 "$USERS" | xargs -P 4 -I{} bash -c "login bench-user-{} $1"
}

forwardauth() {
  echo
  echo "## (b) forward-auth: $USERS users signed in x $APPS apps per node, wrk -t$THREADS -c$CONNS -d$DURATION, keep-alive"
  export BENCH_PASSWORD
  seq 1 "$APPS" | sed 's/.*/app-&.bench.test/' >"$TMP/hosts"
  export BENCH_HOSTS="$TMP/hosts"
  declare -A URL PID COOKIES
  local node port fport db got t0
  for node in sqlite postgres; do
    port=$(free_port) fport=$(free_port)
    db=""
    [ "$node" = sqlite ] || db=$(pg_env forwardauth)
    # shellcheck disable=SC2086
    gh_start "$TMP/$node" "$port" "$JAR" "${CHEAP_ARGON2[@]}" \
      "GATEHOUSE_FORWARD_AUTH_LISTEN=127.0.0.1:$fport" $db
    PIDS+=("$GH_PID")
    PID[gh:$node]=$GH_PID
    URL[gh:$node]="http://127.0.0.1:$fport/api/authz/forward-auth"
    COOKIES[gh:$node]="$TMP/$node.cookies"
    t0=$(now_ms)
    seed "$port" >"${COOKIES[gh:$node]}"
    got=$(grep -c . "${COOKIES[gh:$node]}" || true)
    [ "$got" -eq "$USERS" ] || { echo "$node: only $got of $USERS sign-ins worked" >&2; exit 1; }
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: gh_session=$(head -1 "${COOKIES[gh:$node]}")" \
      -H 'X-Forwarded-Method: GET' -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-Host: app-1.bench.test' \
      -H 'X-Forwarded-Uri: /' "${URL[gh:$node]}")
    [ "$status" = 200 ] || { echo "$node: forward-auth answered $status, not 200" >&2; exit 1; }
    echo "gatehouse on $node: pid $GH_PID, ready in ${GH_READY_MS} ms, seeded and $got signed in in" \
      "$(($(now_ms) - t0)) ms, RSS $(rss_kb "$GH_PID" VmRSS) KiB"
  done
  nginx_start "$TMP/nginx"
  PIDS+=("$NGINX_PID")
  URL[nginx]=$NGINX_URL
  COOKIES[nginx]=${COOKIES[gh:sqlite]}

  # load SYSTEM DURATION: fa_wrk against SYSTEM with its own sessions, its CPU counted.
  load() {
    local pids=("${NGINX_WORKERS[@]}")
    [ "$1" = nginx ] || pids=("${PID[$1]}")
    BENCH_COOKIES=${COOKIES[$1]} fa_wrk "${URL[$1]}" "$CONNS" "$2" "${pids[@]}"
  }
  # Twice each, in turn: C2 still compiles for tens of seconds on a busy 2-core machine, and a node
  # measured while it does loses by up to a fifth.
  echo "warm-up (JIT): 2 x $WARMUP per node, in turn; nginx 3s"
  load nginx 3s >/dev/null
  for _ in 1 2; do
    load gh:sqlite "$WARMUP" >/dev/null
    load gh:postgres "$WARMUP" >/dev/null
  done

  local systems=(nginx gh:sqlite gh:postgres) round k sys db0 db_ticks=0 db_requests=0
  declare -gA RES
  result_header
  for round in $(seq 1 "$ROUNDS"); do
    for k in 0 1 2; do
      sys=${systems[$(((k + round - 1) % 3))]}
      [ "$sys" != gh:postgres ] || db0=$(pg_cpu_ticks)
      RES[$round/$CONNS/$sys]=$(load "$sys" "$DURATION")
      if [ "$sys" = gh:postgres ]; then
        db_ticks=$((db_ticks + $(pg_cpu_ticks) - db0))
        db_requests=$((db_requests + $(field "${RES[$round/$CONNS/$sys]}" requests)))
      fi
      result_line "$round" "$CONNS" "$sys" "${RES[$round/$CONNS/$sys]}"
    done
    ratio_line "$round" "$CONNS" "${RES[$round/$CONNS/gh:postgres]}" "${RES[$round/$CONNS/gh:sqlite]}" postgres/sqlite
    ratio_line "$round" "$CONNS" "${RES[$round/$CONNS/gh:sqlite]}" "${RES[$round/$CONNS/nginx]}" sqlite/nginx
    ratio_line "$round" "$CONNS" "${RES[$round/$CONNS/gh:postgres]}" "${RES[$round/$CONNS/nginx]}" postgres/nginx
  done
  echo
  echo "mean of $ROUNDS rounds at $CONNS connections:"
  printf '%-12s %10s %8s %9s %8s %11s %8s\n' system req/s x/nginx p99_ms x/nginx cpu_us/req x/nginx
  for sys in "${systems[@]}"; do
    local rps p99 cpu
    rps=$(mean "$sys" "$CONNS" rps) p99=$(mean "$sys" "$CONNS" p99_ms) cpu=$(mean "$sys" "$CONNS" cpu_us)
    printf '%-12s %10s %8s %9s %8s %11s %8s\n' "$sys" "$rps" "$(over "$rps" "$(mean nginx "$CONNS" rps)")" \
      "$p99" "$(over "$p99" "$(mean nginx "$CONNS" p99_ms)")" "$cpu" "$(over "$cpu" "$(mean nginx "$CONNS" cpu_us)")"
  done
  printf '%-12s %10s %8s %9s %8s %11s\n' postgres/sqlite \
    "$(over "$(mean gh:postgres "$CONNS" rps)" "$(mean gh:sqlite "$CONNS" rps)")" "" \
    "$(over "$(mean gh:postgres "$CONNS" p99_ms)" "$(mean gh:sqlite "$CONNS" p99_ms)")" "" \
    "$(over "$(mean gh:postgres "$CONNS" cpu_us)" "$(mean gh:sqlite "$CONNS" cpu_us)")"
  echo "the PostgreSQL server's own CPU while gh:postgres took load:" \
    "$(awk -v t="$db_ticks" -v n="$db_requests" -v hz="$(getconf CLK_TCK)" \
      'BEGIN {printf "%.2f us/req (%.2f s in all)", n ? t * 1e6 / hz / n : 0, t / hz}')" \
    "(decisions read memory; what it does is the batched session activity writes)"
}

for part in $PARTS; do
  t0=$(now_ms)
  "$part"
  echo "($part: $((($(now_ms) - t0) / 1000)) s)"
done
