-- Per app: whether its upstream matches paths case-insensitively, and which clients' OIDC access
-- tokens open it at forward-auth (none by default: before this, every token opened every app).
ALTER TABLE apps ADD COLUMN path_case_insensitive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE apps ADD COLUMN bearer_tokens_json TEXT NOT NULL DEFAULT '{"clients":[],"scopes":[]}';
