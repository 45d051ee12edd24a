-- Analytics rollup state (issue 21).
-- SQLite equivalent of ../oracle/0013_analytics.sql (see 0001_core.sql for the type mapping).

CREATE TABLE analytics_rollup_state (
    job               TEXT NOT NULL,
    complete_through  TIMESTAMP,
    changes_through   TIMESTAMP,
    lock_owner        TEXT,
    lock_expires_at   TIMESTAMP,
    updated_at        TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT pk_analytics_rollup_state PRIMARY KEY (job),
    CONSTRAINT ck_analytics_rollup_state_job_bytes CHECK (length(CAST(job AS BLOB)) <= 32),
    CONSTRAINT ck_analytics_rollup_state_lock_owner_bytes CHECK (length(CAST(lock_owner AS BLOB)) <= 64)
);

CREATE INDEX ix_orders_updated_at ON orders (updated_at);
CREATE INDEX ix_leads_updated_at ON leads (updated_at);
CREATE INDEX ix_leads_created_at ON leads (created_at);
CREATE INDEX ix_carts_updated_at ON carts (updated_at);
CREATE INDEX ix_carts_created_at ON carts (created_at);
CREATE INDEX ix_security_events_updated_at ON security_events (updated_at);
CREATE INDEX ix_security_events_window ON security_events (window_start);
