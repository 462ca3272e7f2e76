-- The web pages' sessions, shared by every server on the database.
--
-- Schema summary (the PostgreSQL store mirrors it):
--
-- sessions: one row per signed-in browser.
--   id            TEXT PRIMARY KEY    random, 32 hex digits: names the session to
--                                     administrators (GET/DELETE /v1/sessions); it
--                                     is not the secret
--   secret_sha256 TEXT NOT NULL UNIQUE lower-case hex SHA-256 of the cookie's
--                                     secret (raci.HashSessionSecret); the secret
--                                     itself is never stored
--   token_name    TEXT NOT NULL       the token signed in with, "bootstrap" for
--                                     RACI_BOOTSTRAP_TOKEN. No foreign key, as the
--                                     bootstrap credential has no row; deleting a
--                                     token deletes its sessions in the same
--                                     transaction, and a session is found only
--                                     while its token exists
--   scopes        TEXT NOT NULL       JSON array: the token's scopes at sign-in
--   created_at    INTEGER NOT NULL    unix nanoseconds, UTC
--   expires_at    INTEGER NOT NULL    unix nanoseconds, UTC; expired rows are
--                                     deleted when a session is created
--   flash         TEXT NOT NULL       the message for the next page, '' for none

CREATE TABLE sessions (
    id            TEXT    NOT NULL PRIMARY KEY,
    secret_sha256 TEXT    NOT NULL,
    token_name    TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    flash         TEXT    NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX sessions_by_secret ON sessions (secret_sha256);
CREATE INDEX sessions_by_token ON sessions (token_name);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
