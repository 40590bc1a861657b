-- The audit log: security events (docs/audit.md). The id is AUTOINCREMENT so it never goes back,
-- even after the oldest rows are purged: GET /api/admin/audit pages by it (newest first, "id < cursor"),
-- and since only the single writer inserts, ids become visible in order and no page can skip a row
-- that commits later. Times are epoch milliseconds. details is a small JSON object without secrets.

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    subject_user_id TEXT,
    subject_username TEXT,
    object_type TEXT,
    object_id TEXT,
    ip TEXT,
    user_agent TEXT,
    reason TEXT,
    details TEXT
);

-- One index per filter; each ends in id, so a filtered page is read in cursor order.
CREATE INDEX audit_events_time ON audit_events (time);
CREATE INDEX audit_events_kind ON audit_events (kind, id);
CREATE INDEX audit_events_subject_user ON audit_events (subject_user_id, id);
CREATE INDEX audit_events_subject_username ON audit_events (subject_username, id);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
