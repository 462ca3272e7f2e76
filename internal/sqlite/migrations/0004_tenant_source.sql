-- A tenant's description and the document its matrix comes from.
--
-- tenants gains:
--   description     TEXT NOT NULL  free text; '' when there is none
--   source_title    TEXT NOT NULL  the source document's title; ''
--   source_url      TEXT NOT NULL  an absolute http or https URL; ''
--   source_revision TEXT NOT NULL  the document's revision or date; ''
-- A source is three columns, all '' when the tenant names none; the store reads
-- that back as no source. Existing tenants get none.

ALTER TABLE tenants ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN source_title TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN source_url TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN source_revision TEXT NOT NULL DEFAULT '';
