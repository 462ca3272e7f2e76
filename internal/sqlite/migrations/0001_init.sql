-- Tenants, their parties and the rows of their matrices.
--
-- Sets (environments, contacts, roles) and labels are JSON columns: nothing queries
-- inside them. Assignments have a table of their own so that the database itself
-- refuses a row that assigns a party its tenant lacks, and a party deleted while a
-- row still assigns it. Times are unix nanoseconds in UTC, which round-trip exactly.

CREATE TABLE tenants (
    name             TEXT    NOT NULL PRIMARY KEY,
    display_name     TEXT    NOT NULL,
    customer         TEXT    NOT NULL,
    deployment_model TEXT    NOT NULL,
    environments     TEXT    NOT NULL, -- JSON array, sorted
    labels           TEXT    NOT NULL, -- JSON object
    scheme           TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE parties (
    tenant       TEXT    NOT NULL REFERENCES tenants (name) ON DELETE RESTRICT,
    name         TEXT    NOT NULL,
    display_name TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    contacts     TEXT    NOT NULL, -- JSON array, sorted
    version      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE responsibilities (
    tenant      TEXT    NOT NULL REFERENCES tenants (name) ON DELETE RESTRICT,
    key         TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    description TEXT    NOT NULL,
    notes       TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant, key)
) STRICT, WITHOUT ROWID;

-- position keeps the row's normalized order of assignments.
CREATE TABLE assignments (
    tenant         TEXT    NOT NULL,
    responsibility TEXT    NOT NULL,
    position       INTEGER NOT NULL,
    party          TEXT    NOT NULL,
    roles          TEXT    NOT NULL, -- JSON array of letters, canonical order
    holder         TEXT    NOT NULL,
    condition      TEXT    NOT NULL,
    PRIMARY KEY (tenant, responsibility, position),
    UNIQUE (tenant, responsibility, party, condition),
    FOREIGN KEY (tenant, responsibility) REFERENCES responsibilities (tenant, key) ON DELETE CASCADE,
    FOREIGN KEY (tenant, party) REFERENCES parties (tenant, name) ON DELETE RESTRICT
) STRICT, WITHOUT ROWID;

-- Foreign-key checks on party deletes, and "which rows assign this party", look
-- assignments up by party.
CREATE INDEX assignments_by_party ON assignments (tenant, party);
