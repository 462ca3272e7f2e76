-- The installation id: created once, with the database, and never changed. It is
-- mixed into the ids the server derives from names (OSCAL's uuids of parties and
-- rows), so that two installations holding a tenant, party or row of the same
-- name still produce different "globally unique" ids.
--
-- Schema summary (the PostgreSQL store mirrors it):
--
-- installation: exactly one row.
--   one INTEGER PRIMARY KEY  always 1: keeps the table at one row
--   id  TEXT NOT NULL        32 lower-case hex digits, 128 random bits

CREATE TABLE installation (
    one INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
    id  TEXT    NOT NULL CHECK (length(id) = 32)
);

INSERT INTO installation (one, id) VALUES (1, lower(hex(randomblob(16))));
