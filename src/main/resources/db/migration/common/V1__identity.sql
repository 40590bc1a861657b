-- Identity data: users, groups, apps, OIDC clients, API keys.
-- Ids are random UUID text; timestamps are epoch milliseconds. Kept to SQL that PostgreSQL also runs.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT,
    display_name  TEXT,
    password_hash TEXT,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE groups_ (
    name       TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    group_name TEXT NOT NULL REFERENCES groups_ (name) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_name, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE apps (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE app_hosts (
    host   TEXT PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE
);
CREATE INDEX app_hosts_app ON app_hosts (app_id);

CREATE TABLE clients (
    client_id     TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    secret_digest TEXT,
    public_client BOOLEAN NOT NULL,
    first_party   BOOLEAN NOT NULL DEFAULT FALSE,
    require_pkce  BOOLEAN NOT NULL DEFAULT TRUE,
    signing_alg   TEXT NOT NULL DEFAULT 'RS256',
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    grant_types   TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    secret_digest TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    expires_at    BIGINT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE bootstrap (
    id           INTEGER PRIMARY KEY,
    completed_at BIGINT NOT NULL
);
