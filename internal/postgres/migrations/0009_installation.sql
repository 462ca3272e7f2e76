-- The installation id: created once, with the database, and never changed. It is
-- mixed into the ids the server derives from names (OSCAL's uuids of parties and
-- rows), so that two installations holding a tenant, party or row of the same
-- name still produce different "globally unique" ids. Mirrors the SQLite store's
-- migration 0009.
--
-- installation: exactly one row.
--   one smallint PRIMARY KEY  always 1: keeps the table at one row
--   id  text NOT NULL         32 lower-case hex digits, 122 random bits
--                             (gen_random_uuid, PostgreSQL 13 and later)

CREATE TABLE installation (
    one smallint NOT NULL PRIMARY KEY CHECK (one = 1),
    id  text     NOT NULL CHECK (length(id) = 32)
);

INSERT INTO installation (one, id) VALUES (1, replace(gen_random_uuid()::text, '-', ''));
