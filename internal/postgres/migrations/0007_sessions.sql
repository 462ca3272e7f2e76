-- The web pages' sessions, shared by every server on the database, as in the SQLite
-- store's 0007_sessions.sql: a random id that names the session to administrators,
-- the SHA-256 of the cookie's secret (never the secret), the token signed in with
-- ("bootstrap" for RACI_BOOTSTRAP_TOKEN, so no foreign key: deleting a token deletes
-- its sessions in the same transaction) and its scopes, the times, and the message
-- for the next page.

CREATE TABLE sessions (
    id            text   NOT NULL PRIMARY KEY,
    secret_sha256 text   NOT NULL,
    token_name    text COLLATE "C" NOT NULL,
    scopes        jsonb  NOT NULL,
    created_at    bigint NOT NULL,
    expires_at    bigint NOT NULL,
    flash         text   NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX sessions_by_secret ON sessions (secret_sha256);
CREATE INDEX sessions_by_token ON sessions (token_name);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
