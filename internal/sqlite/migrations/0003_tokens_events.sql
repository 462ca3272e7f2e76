-- API tokens and the event log.
--
-- Schema summary (the PostgreSQL store mirrors it):
--
-- tokens: one row per API token.
--   name          TEXT PRIMARY KEY    the token's slug
--   secret_sha256 TEXT NOT NULL UNIQUE lower-case hex SHA-256 of the whole secret
--                                     ("raci_" + base64url of 32 random bytes); the
--                                     secret itself is never stored. Authenticate
--                                     hashes what it is given and looks the hash up.
--   scopes        TEXT NOT NULL       JSON array of scope strings, as created
--   created_at    INTEGER NOT NULL    unix nanoseconds, UTC
--
-- events: the append-only log of every write to tenants, parties,
-- responsibilities and checklists (item updates included), one row per write,
-- inserted in the transaction that makes the write; a write that is refused
-- appends nothing. Rows are never updated or deleted.
--   seq         INTEGER PRIMARY KEY AUTOINCREMENT  monotonic, never reused.
--                                     SQLite has one writer, so seq order is commit
--                                     order. (PostgreSQL: a bigint identity leaves
--                                     harmless gaps, but concurrent transactions can
--                                     commit out of seq order, and a reader paging
--                                     with After would skip the late one; take the
--                                     seq while holding a lock that serializes the
--                                     tenant's writes, e.g. its tenants row FOR
--                                     UPDATE, or the tenant's log is not gap-free.)
--   at          INTEGER NOT NULL      unix nanoseconds, UTC: the store's clock
--   actor       TEXT NOT NULL         raci.ActorFrom(ctx), "unknown" when unset
--   tenant      TEXT NOT NULL         no foreign key: the log outlives the tenant
--   object      TEXT NOT NULL         "tenant", "party/<name>",
--                                     "responsibility/<key>", "checklist/<key>"
--   action      TEXT NOT NULL         "create", "update" or "delete"; CHECKed
--                                     with the JSON columns: only a create has no
--                                     before, only a delete no after
--   before_json TEXT                  json.Marshal of the object as Find returned
--   after_json  TEXT                  it before / after the write; NULL when the
--                                     object did not exist
--   Indexes: (tenant, seq) for a tenant's log in either direction, and
--   (tenant, object, seq) for one object's history ("who changed it last").

CREATE TABLE tokens (
    name          TEXT    NOT NULL PRIMARY KEY,
    secret_sha256 TEXT    NOT NULL,
    scopes        TEXT    NOT NULL, -- JSON array
    created_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX tokens_by_secret ON tokens (secret_sha256);

CREATE TABLE events (
    seq         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    tenant      TEXT    NOT NULL,
    object      TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    before_json TEXT,
    after_json  TEXT,
    -- Only a create has no before, only a delete no after.
    CHECK ((action = 'create') = (before_json IS NULL) AND (action = 'delete') = (after_json IS NULL))
) STRICT;

CREATE INDEX events_by_tenant ON events (tenant, seq);
CREATE INDEX events_by_object ON events (tenant, object, seq);
