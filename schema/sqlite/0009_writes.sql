-- Customer-facing writes: the lead-capture function's dedup keys and the customer ticket list index.
-- SQLite equivalent of ../oracle/0009_writes.sql (see 0001_core.sql for the type mapping).

CREATE TABLE lead_dedup (
    dedup_key   TEXT NOT NULL,
    lead_id     INTEGER NOT NULL,
    created_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT pk_lead_dedup PRIMARY KEY (dedup_key),
    CONSTRAINT fk_lead_dedup_lead FOREIGN KEY (lead_id) REFERENCES leads (id) ON DELETE CASCADE,
    CONSTRAINT ck_lead_dedup_dedup_key_bytes CHECK (length(CAST(dedup_key AS BLOB)) <= 300)
);

CREATE INDEX ix_lead_dedup_lead_id ON lead_dedup (lead_id);

CREATE INDEX ix_tickets_customer_activity ON tickets (customer_id, updated_at, id);
