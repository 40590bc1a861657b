-- A user's password change or disabling revokes every access token issued to them before that
-- instant, including tokens of grants that left no refresh token behind (whose grant ids are
-- stored nowhere). Kept until the last token it covers has expired.
CREATE TABLE user_token_cutoffs (
    user_id       TEXT PRIMARY KEY,
    issued_before BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
