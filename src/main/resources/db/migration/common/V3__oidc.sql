-- OpenID Provider: signing keys (sealed), per-client token lifetimes, and the grants that must
-- outlive a request: authorization codes, refresh tokens, consents, device codes, revocations.
-- Every secret handed out (code, refresh token, device code) is stored only as its SHA-256 digest.

-- The private JWK sealed with AES-256-GCM under the key encryption key; never stored in clear.
CREATE TABLE signing_keys (
    kid        TEXT PRIMARY KEY,
    alg        TEXT NOT NULL,
    sealed_jwk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    signs_from BIGINT NOT NULL
);

ALTER TABLE clients ADD COLUMN access_token_lifetime_seconds INTEGER NOT NULL DEFAULT 600;
ALTER TABLE clients ADD COLUMN id_token_lifetime_seconds INTEGER NOT NULL DEFAULT 600;
ALTER TABLE clients ADD COLUMN refresh_token_lifetime_seconds INTEGER NOT NULL DEFAULT 2592000;

CREATE TABLE authorization_codes (
    code_digest    TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    nonce          TEXT,
    code_challenge TEXT,
    auth_time      BIGINT NOT NULL,
    grant_id       TEXT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used           BOOLEAN NOT NULL DEFAULT FALSE
);

-- A family (grant_id) is one authorization; rotation adds rows to it, reuse revokes all of it.
CREATE TABLE refresh_tokens (
    token_digest TEXT PRIMARY KEY,
    grant_id     TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    scope        TEXT NOT NULL,
    auth_time    BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE consents (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL,
    scope      TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

CREATE TABLE device_codes (
    device_code_digest TEXT PRIMARY KEY,
    user_code          TEXT NOT NULL UNIQUE,
    client_id          TEXT NOT NULL,
    scope              TEXT NOT NULL,
    expires_at         BIGINT NOT NULL,
    status             TEXT NOT NULL,
    user_id            TEXT,
    auth_time          BIGINT
);

-- Revoked grants and access tokens (by grant_id or jti), kept until their last token expires.
CREATE TABLE revocations (
    id         TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
