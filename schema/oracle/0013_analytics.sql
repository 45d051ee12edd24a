-- Analytics rollup state (issue 21): one row per rollup job, holding how far its buckets are complete,
-- how far the changes to already rolled-up rows have been re-rolled, and the singleton lock (an owner
-- and an expiry, taken by one conditional UPDATE). The row is created by the rollup itself
-- (INSERT ... WHERE NOT EXISTS; a concurrent creator's ORA-00001 ignored).
-- The indexes serve the rollup's reads: rows changed since a time (updated_at), and rows created in
-- a bucket for the tables that had no created_at index.

CREATE TABLE analytics_rollup_state (
    job               VARCHAR2(32) NOT NULL,
    complete_through  TIMESTAMP WITH TIME ZONE,
    changes_through   TIMESTAMP WITH TIME ZONE,
    lock_owner        VARCHAR2(64),
    lock_expires_at   TIMESTAMP WITH TIME ZONE,
    updated_at        TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    CONSTRAINT pk_analytics_rollup_state PRIMARY KEY (job)
);

CREATE INDEX ix_orders_updated_at ON orders (updated_at);
CREATE INDEX ix_leads_updated_at ON leads (updated_at);
CREATE INDEX ix_leads_created_at ON leads (created_at);
CREATE INDEX ix_carts_updated_at ON carts (updated_at);
CREATE INDEX ix_carts_created_at ON carts (created_at);
CREATE INDEX ix_security_events_updated_at ON security_events (updated_at);
CREATE INDEX ix_security_events_window ON security_events (window_start);
