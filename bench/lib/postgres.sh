# A PostgreSQL server of the benchmark's own, for the bench scripts; sourced after common.sh.
#
# pg_start starts one from Debian's binaries (the newest /usr/lib/postgresql/<N>/bin) in a temp dir
# of its own on a free 127.0.0.1 port, DURABLE: fsync, full_page_writes and synchronous_commit on,
# as a production server is (the test helper dev.gatehouse.testing.Postgres turns them off for
# speed; a benchmark of commits must not). postgres refuses to run as root: as root it runs as the
# system user gatehouse-pg (created when missing), as the test helper does. pg_stop stops it (fast
# shutdown) and deletes the dir; call it from the caller's EXIT trap.
#
# After pg_start: PG_PORT, PG_USER and PG_PASSWORD (an ordinary role that owns the databases of
# pg_createdb and signs in with a password over TCP, scram-sha-256), PG_DIR, PG_SETTINGS (one
# line saying which durability settings the server runs with, and on what filesystem).
PG_SYSTEM_USER=gatehouse-pg
PG_USER=gatehouse
PG_DIR="" PG_PORT="" PG_PASSWORD="" PG_SETTINGS=""
PG_RUN_AS=()

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

pg_start() {
  local bin base
  bin=$(pg_bin)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] ||
    { echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2; return 1; }
  if [ "$(id -u)" = 0 ]; then
    id -u "$PG_SYSTEM_USER" >/dev/null 2>&1 ||
      useradd --system --no-create-home --user-group --shell /usr/sbin/nologin "$PG_SYSTEM_USER" ||
      id -u "$PG_SYSTEM_USER" >/dev/null  # another process may have created it meanwhile
    if command -v setpriv >/dev/null; then
      PG_RUN_AS=(setpriv "--reuid=$PG_SYSTEM_USER" "--regid=$(id -g "$PG_SYSTEM_USER")" --init-groups --)
    else
      PG_RUN_AS=(runuser -u "$PG_SYSTEM_USER" --)
    fi
  fi
  # On the same disk as the benchmarks' SQLite files (BENCH_DIR, /var/tmp by default: not tmpfs,
  # where fsync costs nothing); not named gatehouse-pg* so the test helper never sweeps it.
  base=${BENCH_DIR:-/var/tmp}
  PG_DIR=$(mktemp -d -p "$base" gatehouse-benchpg.XXXXXX)
  chmod 755 "$PG_DIR"
  mkdir "$PG_DIR/sockets"
  PG_PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  local superuser_password
  superuser_password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$superuser_password" >"$PG_DIR/pwfile"
  [ ${#PG_RUN_AS[@]} -eq 0 ] || chown -R "$PG_SYSTEM_USER:" "$PG_DIR"
  (cd "$PG_DIR" && "${PG_RUN_AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --pwfile="$PG_DIR/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C) >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; return 1; }
  rm -f "$PG_DIR/pwfile"
  local attempt
  for attempt in 1 2 3; do  # a port found free may be taken before postgres binds it
    PG_PORT=$(free_port)
    if (cd "$PG_DIR" && "${PG_RUN_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR/sockets \
        -c fsync=on -c full_page_writes=on -c synchronous_commit=on -c max_connections=200" \
      start >/dev/null); then
      break
    fi
    [ "$attempt" -lt 3 ] && grep -q 'could not bind' "$PG_DIR/postgres.log" ||
      { tail -20 "$PG_DIR/postgres.log" >&2; return 1; }
  done
  pg_sql "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'" >/dev/null
  PG_SETTINGS="PostgreSQL $(pg_sql 'SHOW server_version') from $bin on 127.0.0.1:$PG_PORT,"
  PG_SETTINGS+=" $(df --output=fstype "$PG_DIR" | tail -1) at $PG_DIR:"
  local s
  for s in fsync synchronous_commit full_page_writes wal_sync_method commit_delay shared_buffers; do
    PG_SETTINGS+=" $s=$(pg_sql "SHOW $s")"
  done
}

# pg_sql SQL [DATABASE]: runs SQL as the superuser over the server's socket; prints the result bare.
pg_sql() {
  psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_DIR/sockets" -p "$PG_PORT" -U postgres \
    -d "${2:-postgres}" -c "$1"
}

# pg_createdb NAME: a new empty database owned by PG_USER; prints its JDBC URL.
pg_createdb() {
  pg_sql "CREATE DATABASE $1 OWNER $PG_USER" >/dev/null
  echo "jdbc:postgresql://127.0.0.1:$PG_PORT/$1"
}

# pg_cpu_ticks: the CPU time (user + system, clock ticks) of the server's processes so far: the
# postmaster and its children now alive (a child that exited meanwhile is not counted).
pg_cpu_ticks() {
  local postmaster
  postmaster=$(head -1 "$PG_DIR/data/postmaster.pid")
  for pid in "$postmaster" $(pgrep -P "$postmaster"); do cat "/proc/$pid/stat" 2>/dev/null || true; done |
    awk '{t += $14 + $15} END {print t + 0}'
}

pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    (cd "$PG_DIR" && "${PG_RUN_AS[@]}" "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop) \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  PG_DIR=""
}
