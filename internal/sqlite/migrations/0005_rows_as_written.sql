-- Rows as their documents have them.
--
-- responsibilities gains:
--   accountability TEXT NOT NULL     'single', 'shared' or 'unassigned' (see
--                                    raci.Accountability)
--   optional       INTEGER NOT NULL  1 for a duty the document lists as [Optional]
--   condition      TEXT NOT NULL     a condition under which the duty exists; ''
--   position       INTEGER NOT NULL  the row's place in its document, from 1; 0 unset
-- Rows written before had exactly one Accountable party, so they read as 'single';
-- they are not optional, have no condition and no position.

ALTER TABLE responsibilities ADD COLUMN accountability TEXT NOT NULL DEFAULT 'single';
ALTER TABLE responsibilities ADD COLUMN optional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE responsibilities ADD COLUMN condition TEXT NOT NULL DEFAULT '';
ALTER TABLE responsibilities ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
