-- The event log records a party's rename as one event.
--
-- events.action gains 'rename': a party given a new name, with the rows and
-- checklist items that named it rewritten in the same transaction (each of those
-- has an 'update' event of its own). object is "party/<new name>"; before_json
-- holds the party under its old name, after_json under its new one, so a rename
-- has both, like an update.
--
-- SQLite cannot change a CHECK constraint in place: the table is copied into one
-- with the new constraint, seq values and all. Nothing refers to events by a
-- foreign key. AUTOINCREMENT's counter (sqlite_sequence) is copied too, so that a
-- seq once given is never given again, even one no longer in the table; renaming
-- the table renames its counter.

CREATE TABLE events_0008 (
    seq         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    tenant      TEXT    NOT NULL,
    object      TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete', 'rename')),
    before_json TEXT,
    after_json  TEXT,
    -- Only a create has no before, only a delete no after.
    CHECK ((action = 'create') = (before_json IS NULL) AND (action = 'delete') = (after_json IS NULL))
) STRICT;

INSERT INTO events_0008 (seq, at, actor, tenant, object, action, before_json, after_json)
    SELECT seq, at, actor, tenant, object, action, before_json, after_json FROM events;
DELETE FROM sqlite_sequence WHERE name = 'events_0008';
INSERT INTO sqlite_sequence (name, seq) SELECT 'events_0008', seq FROM sqlite_sequence WHERE name = 'events';
DROP TABLE events;
ALTER TABLE events_0008 RENAME TO events;

CREATE INDEX events_by_tenant ON events (tenant, seq);
CREATE INDEX events_by_object ON events (tenant, object, seq);
