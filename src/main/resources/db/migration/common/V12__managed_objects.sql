-- Objects a provisioning file declares: the admin API and console refuse to change them, and
-- --prune deletes those the file no longer declares. kind: group, user, app, client, api_key;
-- name: the object's name in the file (username, group name, app name, client_id, key name);
-- fingerprint: a digest of what the file declared, so that an unchanged declaration is skipped.
CREATE TABLE managed_objects (
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    source      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (kind, name)
);
