-- PostgreSQL's V10 makes the ephemeral tables UNLOGGED. SQLite has no such thing: with
-- cache_storage_disk = false those tables move to TEMP (memory) at start instead, and otherwise stay
-- as they are. This version exists so that both databases list the same migrations; its statement
-- changes nothing.
SELECT 1;
