-- Ephemeral data (sessions, pairing codes, authorization codes: Gatehouse's EPHEMERAL_TABLES) goes
-- to UNLOGGED tables on PostgreSQL: their writes skip the write-ahead log, so a sign-in or a session's
-- activity costs no WAL record and no WAL sync. What that gives up is what ephemeral means: after a
-- crash of the database server (not a clean stop, and not a crash of Gatehouse) PostgreSQL empties
-- them, and everyone signs in again; standbys do not receive them either, so a failover empties them
-- too. They keep their foreign keys to users (an unlogged table may reference a logged one; the
-- reverse is refused, and no table references these). SQLite's twin of this version is a no-op:
-- there, cache_storage_disk = false moves the same tables to TEMP at start instead.
ALTER TABLE sessions SET UNLOGGED;
ALTER TABLE pairing_codes SET UNLOGGED;
ALTER TABLE authorization_codes SET UNLOGGED;
