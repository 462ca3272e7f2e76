-- The event log records a party's rename as one event.
--
-- events.action gains 'rename': a party given a new name, with the rows and
-- checklist items that named it rewritten in the same transaction (each of those
-- has an 'update' event of its own). object is "party/<new name>"; before_json
-- holds the party under its old name, after_json under its new one, so a rename
-- has both, like an update. The constraint is the one 0003 declared inline on the
-- column, which PostgreSQL names events_action_check.

ALTER TABLE events DROP CONSTRAINT events_action_check;
ALTER TABLE events ADD CONSTRAINT events_action_check
    CHECK (action IN ('create', 'update', 'delete', 'rename'));
