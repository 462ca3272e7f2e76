-- Webhooks and their outbox of deliveries, as in the SQLite store's 0011_webhooks.sql.
--
-- A server claims pending deliveries with SELECT ... FOR UPDATE SKIP LOCKED inside
-- an UPDATE that sets claimed_by and claimed_until, so that with several servers on
-- one database each delivery is claimed by one; a claim whose server died lapses at
-- claimed_until and the delivery is claimed again.

CREATE TABLE webhooks (
    tenant     text COLLATE "C" NOT NULL REFERENCES tenants (name) ON DELETE CASCADE,
    name       text COLLATE "C" NOT NULL,
    url        text   NOT NULL,
    secret     text   NOT NULL,
    events     jsonb  NOT NULL,
    version    bigint NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (tenant, name)
);

CREATE TABLE webhook_deliveries (
    id              text   NOT NULL PRIMARY KEY,
    tenant          text COLLATE "C" NOT NULL,
    webhook         text COLLATE "C" NOT NULL,
    kind            text   NOT NULL,
    object          text   NOT NULL,
    action          text   NOT NULL,
    body            bytea  NOT NULL,
    status          text   NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        int    NOT NULL DEFAULT 0,
    created_at      bigint NOT NULL,
    next_attempt_at bigint NOT NULL,
    claimed_by      text   NOT NULL DEFAULT '',
    claimed_until   bigint NOT NULL DEFAULT 0,
    delivered_at    bigint,
    last_error      text   NOT NULL DEFAULT '',
    FOREIGN KEY (tenant, webhook) REFERENCES webhooks (tenant, name) ON DELETE CASCADE
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (tenant, webhook, created_at);
