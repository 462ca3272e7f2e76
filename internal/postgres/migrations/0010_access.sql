-- People who sign in with the identity provider, and the grants that give them
-- scopes on tenants (raci_access), as in the SQLite store's 0010_access.sql:
-- sessions.person is the JSON of the person a session signed in with OpenID Connect
-- names ('' for a token's session); access holds one row per grant, deleted with
-- its tenant; access_members one row per group or email of a grant, indexed so
-- that a sign-in finds the grants naming a person.

ALTER TABLE sessions ADD COLUMN person text NOT NULL DEFAULT '';

CREATE TABLE access (
    tenant     text COLLATE "C" NOT NULL REFERENCES tenants (name) ON DELETE CASCADE,
    name       text COLLATE "C" NOT NULL,
    scope      text   NOT NULL,
    groups     jsonb  NOT NULL,
    emails     jsonb  NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (tenant, name)
);

CREATE TABLE access_members (
    tenant text COLLATE "C" NOT NULL,
    access text COLLATE "C" NOT NULL,
    kind   text NOT NULL,
    value  text NOT NULL,
    PRIMARY KEY (tenant, access, kind, value),
    FOREIGN KEY (tenant, access) REFERENCES access (tenant, name) ON DELETE CASCADE
);

CREATE INDEX access_members_by_value ON access_members (kind, value);
