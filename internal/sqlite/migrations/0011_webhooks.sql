-- Webhooks and their outbox of deliveries.
--
-- Schema summary (the PostgreSQL store mirrors it):
--
-- webhooks: one row per raci_webhook. secret is kept as given, since every
--   delivery is signed with it; the API never returns it. events is a JSON array
--   of event kinds. Deleting the tenant deletes its webhooks.
--
-- webhook_deliveries: the outbox, written in the transaction of the change it
--   sends. body is the JSON POSTed, byte for byte. A server claims a pending row
--   by setting claimed_by and claimed_until (unix nanoseconds) in one UPDATE; SQLite
--   runs one write at a time, so two servers never claim the same row, and a row
--   whose claimer died is claimed again once claimed_until has passed; a delivered
--   row keeps the claimed_by of the server that sent it. status is
--   'pending', 'delivered' or 'failed'. Deleting the webhook deletes its deliveries.

CREATE TABLE webhooks (
    tenant     TEXT    NOT NULL REFERENCES tenants (name) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    events     TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE webhook_deliveries (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant          TEXT    NOT NULL,
    webhook         TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    object          TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    body            BLOB    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    claimed_by      TEXT    NOT NULL DEFAULT '',
    claimed_until   INTEGER NOT NULL DEFAULT 0,
    delivered_at    INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    FOREIGN KEY (tenant, webhook) REFERENCES webhooks (tenant, name) ON DELETE CASCADE
) STRICT;

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (tenant, webhook, created_at);
