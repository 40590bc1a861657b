#!/usr/bin/env bash
# Seeds a Gatehouse SQLite database directly, while the server is STOPPED (the schema must exist:
# start and stop Gatehouse once on the data dir first). Benchmark-only: it bypasses the writer, the
# validation and the events, which is fine because the in-memory views load from the tables at start.
#
#   seed.sh DB USERS GROUPS APPS SESSIONS DEVICES PASSWORD_HASH
#
# users are bench-user-N (N from 1) with one shared password hash (so any of them can log in), each
# in 2 groups; apps are app-N with host app-N.bench.test and rules: /public → public, /admin → group
# admins, / → authenticated. Seeded sessions and devices carry random digests: they cost what real
# ones cost in memory but no cookie opens them (log in for usable cookies).
set -euo pipefail
db=$1 users=$2 groups=$3 apps=$4 sessions=$5 devices=$6 hash=$7
now=$(date +%s%3N)
expires=$((now + 14 * 24 * 3600 * 1000))
rules='[{"path":"/public","policy":"public"},{"path":"/admin","policy":"groups","groups":["admins"]},{"path":"/","policy":"authenticated"}]'
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $users)
INSERT INTO users (id, username, email, display_name, password_hash, disabled, created_at, updated_at)
SELECT printf('00000000-0000-4000-8000-%012d', i), 'bench-user-' || i, 'bench-user-' || i || '@bench.test',
       'Bench User ' || i, '$hash', 0, $now, $now FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $groups)
INSERT INTO groups_ (name, created_at) SELECT 'group-' || i, $now FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $users)
INSERT INTO memberships (group_name, user_id)
SELECT 'group-' || (1 + i % $groups), printf('00000000-0000-4000-8000-%012d', i) FROM n
UNION
SELECT 'group-' || (1 + (i * 7 + 3) % $groups), printf('00000000-0000-4000-8000-%012d', i) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $apps)
INSERT INTO apps (id, name, rules_json, created_at, updated_at)
SELECT printf('00000000-0000-4000-9000-%012d', i), 'app-' || i, '$rules', $now, $now FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $apps)
INSERT INTO app_hosts (host, app_id)
SELECT 'app-' || i || '.bench.test', printf('00000000-0000-4000-9000-%012d', i) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $sessions)
INSERT INTO sessions (id_digest, user_id, created_at, last_seen, expires_at, ip, user_agent)
SELECT lower(hex(randomblob(32))), printf('00000000-0000-4000-8000-%012d', 1 + i % $users), $now, $now,
       $expires, '10.0.' || (i % 250) || '.' || (i % 200),
       'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $devices)
INSERT INTO devices (id, user_id, name, token_digest, created_at, last_seen)
SELECT printf('00000000-0000-4000-a000-%012d', i), printf('00000000-0000-4000-8000-%012d', 1 + i % $users),
       'device ' || i, lower(hex(randomblob(32))), $now, NULL FROM n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
