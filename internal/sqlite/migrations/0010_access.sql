-- People who sign in with the identity provider, and the grants that give them
-- scopes on tenants (raci_access).
--
-- Schema summary (the PostgreSQL store mirrors it):
--
-- sessions.person  TEXT NOT NULL  JSON object {"email", "groups"}: the person a
--                                 session signed in with OpenID Connect names;
--                                 '' for a token's session. A person's session has
--                                 token_name '' and scopes '[]': their scopes are
--                                 worked out from access on every request.
--
-- access: one row per grant.
--   tenant      TEXT NOT NULL     the tenant; deleting it deletes its grants
--   name        TEXT NOT NULL     slug, unique within the tenant
--   scope       TEXT NOT NULL     "read", "checklist" or "write"
--   groups      TEXT NOT NULL     JSON array, sorted
--   emails      TEXT NOT NULL     JSON array, lower case, sorted
--   created_at, updated_at INTEGER unix nanoseconds, UTC
--
-- access_members: one row per group or email of a grant, so that a sign-in finds
-- the grants naming a person by index rather than by reading every grant.
--   kind        TEXT NOT NULL     "group" or "email"
--   value       TEXT NOT NULL     the group, or the email in lower case

ALTER TABLE sessions ADD COLUMN person TEXT NOT NULL DEFAULT '';

CREATE TABLE access (
    tenant     TEXT    NOT NULL REFERENCES tenants (name) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    scope      TEXT    NOT NULL,
    groups     TEXT    NOT NULL,
    emails     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE access_members (
    tenant TEXT NOT NULL,
    access TEXT NOT NULL,
    kind   TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (tenant, access, kind, value),
    FOREIGN KEY (tenant, access) REFERENCES access (tenant, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX access_members_by_value ON access_members (kind, value);
