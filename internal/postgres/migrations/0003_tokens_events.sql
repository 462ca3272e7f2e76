-- API tokens and the event log, as in the SQLite store's 0003_tokens_events.sql.
--
-- tokens keeps the lower-case hex SHA-256 of each secret, never the secret.
--
-- events is appended in the transaction of every write to tenants, parties,
-- responsibilities and checklists, and never updated or deleted. seq comes from an
-- identity: a rolled-back write leaves a gap, which is harmless. Writes to one tenant
-- hold its lock until they commit and take their seq after it, so within a tenant seq
-- order is commit order, and a reader paging with "after seq" misses nothing. There
-- is no foreign key to tenants: the log outlives the tenant. before_json and
-- after_json are json, not jsonb, so the object comes back byte for byte as written.

CREATE TABLE tokens (
    name          text COLLATE "C" NOT NULL PRIMARY KEY,
    secret_sha256 text   NOT NULL,
    scopes        jsonb  NOT NULL, -- array of scope strings, as created
    created_at    bigint NOT NULL
);

CREATE UNIQUE INDEX tokens_by_secret ON tokens (secret_sha256);

CREATE TABLE events (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          bigint NOT NULL,
    actor       text   NOT NULL,
    tenant      text COLLATE "C" NOT NULL,
    object      text COLLATE "C" NOT NULL,
    action      text   NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    before_json json,
    after_json  json,
    -- Only a create has no before, only a delete no after.
    CHECK ((action = 'create') = (before_json IS NULL) AND (action = 'delete') = (after_json IS NULL))
);

CREATE INDEX events_by_tenant ON events (tenant, seq);
CREATE INDEX events_by_object ON events (tenant, object, seq);
