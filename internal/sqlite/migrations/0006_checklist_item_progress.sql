-- Checklist items keyed by their place in the document, and who reported on them.
--
-- checklist_items gains:
--   place      INTEGER NOT NULL  the item's position in its document, as written
--                                (the domain's ChecklistItem.Position); items are
--                                read in place order, then by key. The existing
--                                position column stays the order the store keeps.
--   updated_by TEXT    NOT NULL  who last changed the item's status, evidence or
--                                waiver; '' when nobody has
--   updated_at INTEGER           when, in unix nanoseconds UTC; NULL when nobody has
-- Existing items get place 1, 2, 3, ... in the order they were written in, so
-- every checklist keeps its order; nobody is named for their current progress.

ALTER TABLE checklist_items ADD COLUMN place INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checklist_items ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
ALTER TABLE checklist_items ADD COLUMN updated_at INTEGER;
UPDATE checklist_items SET place = position + 1;
