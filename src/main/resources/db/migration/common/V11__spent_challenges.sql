-- WebAuthn challenges spent by a sign-in, until they expire: a signed answer is accepted once by
-- the whole cluster, not once per node. Rows live minutes; each sign-in deletes the expired ones.
CREATE TABLE spent_challenges (
    nonce      TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
