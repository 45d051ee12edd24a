-- Analytics rollups written by the scheduled rollup function: one row per granularity, bucket,
-- metric and dimension value (dimension 'all' for the total; Oracle treats '' as NULL). The key is a
-- unique INDEX: Oracle refuses a TIMESTAMP WITH TIME ZONE column in a unique constraint (ORA-02329).
-- SQLite equivalent of ../oracle/0007_analytics.sql (see 0001_core.sql for the type mapping).

CREATE TABLE analytics_rollups (
    id            INTEGER CONSTRAINT pk_analytics_rollups PRIMARY KEY AUTOINCREMENT,
    granularity   TEXT NOT NULL,
    bucket_start  TIMESTAMP NOT NULL,
    metric        TEXT NOT NULL,
    dimension     TEXT DEFAULT 'all' NOT NULL,
    metric_value  NUMERIC NOT NULL,
    created_at    TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at    TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT ck_analytics_rollups_granularity CHECK (granularity IN ('hour', 'day')),
    CONSTRAINT ck_analytics_rollups_granularity_bytes CHECK (length(CAST(granularity AS BLOB)) <= 10),
    CONSTRAINT ck_analytics_rollups_metric_bytes CHECK (length(CAST(metric AS BLOB)) <= 64),
    CONSTRAINT ck_analytics_rollups_dimension_bytes CHECK (length(CAST(dimension AS BLOB)) <= 128)
);

CREATE UNIQUE INDEX ux_analytics_rollups_key ON analytics_rollups (granularity, bucket_start, metric, dimension);
