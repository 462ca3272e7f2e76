-- Readiness checklists of tenants and their items, as in the SQLite store's
-- 0002_checklists.sql.
--
-- Items have a table of their own, as assignments do, so that the database itself
-- refuses an item owned or a waiver approved by a party its tenant lacks, and a party
-- deleted while an item still names it. position keeps the order the items were
-- written in. A waiver is three columns, all NULL when there is none; a NULL
-- approver is not checked against parties. Times are unix nanoseconds in UTC; NULL
-- where the item has none.

CREATE TABLE checklists (
    tenant      text COLLATE "C" NOT NULL REFERENCES tenants (name) ON DELETE RESTRICT,
    key         text COLLATE "C" NOT NULL,
    title       text   NOT NULL,
    description text   NOT NULL,
    gate        text   NOT NULL,
    version     bigint NOT NULL,
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL,
    PRIMARY KEY (tenant, key)
);

CREATE TABLE checklist_items (
    tenant           text COLLATE "C" NOT NULL,
    checklist        text COLLATE "C" NOT NULL,
    position         integer NOT NULL,
    key              text COLLATE "C" NOT NULL,
    title            text    NOT NULL,
    owner            text COLLATE "C" NOT NULL,
    required         boolean NOT NULL,
    due              bigint,
    status           text    NOT NULL,
    evidence         text    NOT NULL,
    evidence_expires bigint,
    waiver_reason    text,
    waiver_approver  text COLLATE "C",
    waiver_expires   bigint,
    PRIMARY KEY (tenant, checklist, position),
    UNIQUE (tenant, checklist, key),
    CHECK ((waiver_reason IS NULL) = (waiver_approver IS NULL) AND (waiver_approver IS NULL) = (waiver_expires IS NULL)),
    FOREIGN KEY (tenant, checklist) REFERENCES checklists (tenant, key) ON DELETE CASCADE,
    FOREIGN KEY (tenant, owner) REFERENCES parties (tenant, name) ON DELETE RESTRICT,
    FOREIGN KEY (tenant, waiver_approver) REFERENCES parties (tenant, name) ON DELETE RESTRICT
);

-- Foreign-key checks on party deletes, and "which items name this party", look items
-- up by owner and by approver.
CREATE INDEX checklist_items_by_owner ON checklist_items (tenant, owner);
CREATE INDEX checklist_items_by_approver ON checklist_items (tenant, waiver_approver);
