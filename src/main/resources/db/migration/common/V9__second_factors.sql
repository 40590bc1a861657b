-- Second factors: one TOTP secret per user (sealed under the key encryption key), any number of
-- WebAuthn credentials (passkeys and security keys), one-time recovery codes (SHA-256 digests);
-- and how each sign-in was proved, as RFC 8176 amr values, on sessions and on what they grant.

CREATE TABLE totp_factors (
    user_id       TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL,
    -- The last time step accepted: a code is good once, never again within its window.
    last_step     BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);

CREATE TABLE webauthn_credentials (
    id                 TEXT PRIMARY KEY,
    user_id            TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id      TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    public_key         TEXT NOT NULL,
    sign_count         BIGINT NOT NULL,
    backup_eligible    BOOLEAN NOT NULL,
    backup_state       BOOLEAN NOT NULL,
    transports         TEXT NOT NULL,
    aaguid             TEXT NOT NULL,
    attestation_format TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    last_used_at       BIGINT
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id);

-- Used codes are deleted: what is left is what can still be used.
CREATE TABLE recovery_codes (
    code_digest TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE authorization_codes ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE refresh_tokens ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE device_codes ADD COLUMN amr TEXT;
-- A device paired from a session that had two factors counts as two factors itself.
ALTER TABLE devices ADD COLUMN two_factor BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE pairing_codes ADD COLUMN two_factor BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE groups_ ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
