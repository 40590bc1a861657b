-- How each client authenticates at the back-channel endpoints (RFC 7591 token_endpoint_auth_method)
-- and, for private_key_jwt, the public keys it signs its assertions with (a JWK Set, JSON text).
-- Existing clients keep what they did: a secret when confidential, nothing when public.

ALTER TABLE clients ADD COLUMN token_endpoint_auth_method TEXT NOT NULL DEFAULT 'client_secret_basic';
UPDATE clients SET token_endpoint_auth_method = 'none' WHERE public_client;
ALTER TABLE clients ADD COLUMN jwks TEXT;
