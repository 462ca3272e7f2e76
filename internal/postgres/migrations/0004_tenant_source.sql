-- A tenant's description and the document its matrix comes from, as in the SQLite
-- store's 0004_tenant_source.sql: four text columns, '' when unset; a source whose
-- three columns are all '' reads back as no source. Existing tenants get none.

ALTER TABLE tenants
    ADD COLUMN description     text NOT NULL DEFAULT '',
    ADD COLUMN source_title    text NOT NULL DEFAULT '',
    ADD COLUMN source_url      text NOT NULL DEFAULT '',
    ADD COLUMN source_revision text NOT NULL DEFAULT '';
