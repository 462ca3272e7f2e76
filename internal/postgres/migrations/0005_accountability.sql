-- How a row's document assigns the letter A, as in the SQLite store's
-- 0005_accountability.sql: 'single', 'shared' or 'unassigned'. Rows written before
-- it existed had exactly one Accountable party, so they read as 'single'.

ALTER TABLE responsibilities
    ADD COLUMN accountability text NOT NULL DEFAULT 'single';
