-- POST /oidc/device_authorization deletes expired device codes and counts a client's pending
-- ones on every call; without these both scanned the whole table (issue 10, finding 3).
CREATE INDEX device_codes_expiry ON device_codes (expires_at);
CREATE INDEX device_codes_client_expiry ON device_codes (client_id, expires_at);
