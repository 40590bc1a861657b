-- Forward-auth: app rules, login sessions, paired devices and their pairing codes.

ALTER TABLE apps ADD COLUMN rules_json TEXT NOT NULL DEFAULT '[]';

-- Sessions are keyed by the SHA-256 of the cookie value: a copy of the database lets nobody in.
CREATE TABLE sessions (
    id_digest  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip         TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_digest TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_seen    BIGINT
);
CREATE INDEX devices_user ON devices (user_id);

CREATE TABLE pairing_codes (
    code_digest TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
