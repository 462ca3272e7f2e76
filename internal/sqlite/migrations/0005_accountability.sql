-- How a row's document assigns the letter A (see raci.Accountability).
--
-- responsibilities gains:
--   accountability TEXT NOT NULL  'single', 'shared' or 'unassigned'
-- Rows written before it existed had exactly one Accountable party, so they read as
-- 'single'.

ALTER TABLE responsibilities ADD COLUMN accountability TEXT NOT NULL DEFAULT 'single';
