-- Rows as their documents have them, as in the SQLite store's
-- 0005_rows_as_written.sql: accountability ('single', 'shared' or 'unassigned'),
-- optional, the condition under which the duty exists ('' for none) and the row's
-- position in its document (0 unset). Rows written before read as 'single', not
-- optional, with no condition and no position.

ALTER TABLE responsibilities
    ADD COLUMN accountability text    NOT NULL DEFAULT 'single',
    ADD COLUMN optional       boolean NOT NULL DEFAULT false,
    ADD COLUMN condition      text    NOT NULL DEFAULT '',
    ADD COLUMN position       integer NOT NULL DEFAULT 0;
