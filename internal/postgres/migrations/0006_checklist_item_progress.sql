-- Checklist items keyed by their place in the document, and who reported on them,
-- as in the SQLite store's 0006_checklist_item_progress.sql: place is the item's
-- position as written (existing items get 1, 2, 3, ... in their current order),
-- updated_by '' and updated_at NULL until someone changes the item's progress.

ALTER TABLE checklist_items
    ADD COLUMN place      bigint NOT NULL DEFAULT 0,
    ADD COLUMN updated_by text   NOT NULL DEFAULT '',
    ADD COLUMN updated_at bigint;
UPDATE checklist_items SET place = position + 1;
