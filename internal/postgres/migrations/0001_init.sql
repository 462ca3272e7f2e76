-- Tenants, their parties and the rows of their matrices: the schema of the SQLite
-- store's 0001_init.sql, in PostgreSQL's types.
--
-- Names and keys sort in byte order (COLLATE "C") whatever the database's locale, so
-- that pages follow the order Go sorts in and a server's locale never reorders them.
-- Sets (environments, contacts, roles) and labels are jsonb: nothing queries inside
-- them. Assignments have a table of their own so that the database itself refuses a
-- row that assigns a party its tenant lacks, and a party deleted while a row still
-- assigns it. Times are unix nanoseconds in UTC, which round-trip exactly (timestamptz
-- keeps microseconds only).

CREATE TABLE tenants (
    name             text COLLATE "C" NOT NULL PRIMARY KEY,
    display_name     text   NOT NULL,
    customer         text   NOT NULL,
    deployment_model text   NOT NULL,
    environments     jsonb  NOT NULL, -- array, sorted
    labels           jsonb  NOT NULL, -- object
    scheme           text   NOT NULL,
    version          bigint NOT NULL,
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL
);

CREATE TABLE parties (
    tenant       text COLLATE "C" NOT NULL REFERENCES tenants (name) ON DELETE RESTRICT,
    name         text COLLATE "C" NOT NULL,
    display_name text   NOT NULL,
    kind         text   NOT NULL,
    contacts     jsonb  NOT NULL, -- array, sorted
    version      bigint NOT NULL,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL,
    PRIMARY KEY (tenant, name)
);

CREATE TABLE responsibilities (
    tenant      text COLLATE "C" NOT NULL REFERENCES tenants (name) ON DELETE RESTRICT,
    key         text COLLATE "C" NOT NULL,
    title       text   NOT NULL,
    category    text   NOT NULL,
    description text   NOT NULL,
    notes       text   NOT NULL,
    version     bigint NOT NULL,
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL,
    PRIMARY KEY (tenant, key)
);

-- position keeps the row's normalized order of assignments.
CREATE TABLE assignments (
    tenant         text COLLATE "C" NOT NULL,
    responsibility text COLLATE "C" NOT NULL,
    position       integer NOT NULL,
    party          text COLLATE "C" NOT NULL,
    roles          jsonb   NOT NULL, -- array of letters, canonical order
    holder         text    NOT NULL,
    condition      text    NOT NULL,
    PRIMARY KEY (tenant, responsibility, position),
    UNIQUE (tenant, responsibility, party, condition),
    FOREIGN KEY (tenant, responsibility) REFERENCES responsibilities (tenant, key) ON DELETE CASCADE,
    FOREIGN KEY (tenant, party) REFERENCES parties (tenant, name) ON DELETE RESTRICT
);

-- Foreign-key checks on party deletes, and "which rows assign this party", look
-- assignments up by party.
CREATE INDEX assignments_by_party ON assignments (tenant, party);
