-- Customer-facing writes (issue 8).
--
-- lead_dedup makes the lead-capture function's deduplication safe under concurrency: a lead is
-- deduplicated per (campaign, email case-insensitively) for 30 days after it was created, a rule no
-- unique index on leads can express (it depends on time). One row per key names the key's current
-- lead; the primary key is what two concurrent first submissions collide on (the second one
-- retries and finds the first), and an existing key row is locked (FOR UPDATE) while its lead is
-- updated or replaced. dedup_key is "<campaign id or 0>:<lower-cased email>".

CREATE TABLE lead_dedup (
    dedup_key   VARCHAR2(300) NOT NULL,
    lead_id     NUMBER NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    CONSTRAINT pk_lead_dedup PRIMARY KEY (dedup_key),
    CONSTRAINT fk_lead_dedup_lead FOREIGN KEY (lead_id) REFERENCES leads (id) ON DELETE CASCADE
);

CREATE INDEX ix_lead_dedup_lead_id ON lead_dedup (lead_id);

-- A customer's tickets, newest activity first (the ticket function's list, keyset on updated_at, id).
CREATE INDEX ix_tickets_customer_activity ON tickets (customer_id, updated_at, id);
