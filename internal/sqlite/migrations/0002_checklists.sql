-- Readiness checklists of tenants and their items.
--
-- Items have a table of their own, as assignments do, so that the database itself
-- refuses an item owned or a waiver approved by a party its tenant lacks, and a party
-- deleted while an item still names it. position keeps the order the items were
-- written in. A waiver is three columns, all NULL when there is none; a NULL
-- approver is not checked against parties. Times are unix nanoseconds in UTC; NULL
-- where the item has none.

CREATE TABLE checklists (
    tenant      TEXT    NOT NULL REFERENCES tenants (name) ON DELETE RESTRICT,
    key         TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL,
    gate        TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE checklist_items (
    tenant           TEXT    NOT NULL,
    checklist        TEXT    NOT NULL,
    position         INTEGER NOT NULL,
    key              TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    owner            TEXT    NOT NULL,
    required         INTEGER NOT NULL CHECK (required IN (0, 1)),
    due              INTEGER,
    status           TEXT    NOT NULL,
    evidence         TEXT    NOT NULL,
    evidence_expires INTEGER,
    waiver_reason    TEXT,
    waiver_approver  TEXT,
    waiver_expires   INTEGER,
    PRIMARY KEY (tenant, checklist, position),
    UNIQUE (tenant, checklist, key),
    CHECK ((waiver_reason IS NULL) = (waiver_approver IS NULL) AND (waiver_approver IS NULL) = (waiver_expires IS NULL)),
    FOREIGN KEY (tenant, checklist) REFERENCES checklists (tenant, key) ON DELETE CASCADE,
    FOREIGN KEY (tenant, owner) REFERENCES parties (tenant, name) ON DELETE RESTRICT,
    FOREIGN KEY (tenant, waiver_approver) REFERENCES parties (tenant, name) ON DELETE RESTRICT
) STRICT, WITHOUT ROWID;

-- Foreign-key checks on party deletes, and "which items name this party", look items
-- up by owner and by approver.
CREATE INDEX checklist_items_by_owner ON checklist_items (tenant, owner);
CREATE INDEX checklist_items_by_approver ON checklist_items (tenant, waiver_approver);
