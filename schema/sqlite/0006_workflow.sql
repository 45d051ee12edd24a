-- Workflow gateway: workflow_runs, query_executions, component_snapshots.
-- SQLite equivalent of ../oracle/0006_workflow.sql (see 0001_core.sql for the type mapping).

CREATE TABLE workflow_runs (
    id           INTEGER CONSTRAINT pk_workflow_runs PRIMARY KEY AUTOINCREMENT,
    run_key      TEXT NOT NULL,
    label        TEXT,
    run_mode     TEXT NOT NULL,
    status       TEXT DEFAULT 'running' NOT NULL,
    summary      TEXT,
    duration_ms  INTEGER,
    trace_id     TEXT,
    started_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    finished_at  TIMESTAMP,
    created_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT ck_workflow_runs_mode CHECK (run_mode IN ('manual', 'scheduled')),
    CONSTRAINT ck_workflow_runs_status CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
    CONSTRAINT ck_workflow_runs_duration CHECK (duration_ms >= 0),
    CONSTRAINT ck_workflow_runs_run_key_bytes CHECK (length(CAST(run_key AS BLOB)) <= 128),
    CONSTRAINT ck_workflow_runs_label_bytes CHECK (length(CAST(label AS BLOB)) <= 200),
    CONSTRAINT ck_workflow_runs_run_mode_bytes CHECK (length(CAST(run_mode AS BLOB)) <= 20),
    CONSTRAINT ck_workflow_runs_status_bytes CHECK (length(CAST(status AS BLOB)) <= 20),
    CONSTRAINT ck_workflow_runs_summary_bytes CHECK (length(CAST(summary AS BLOB)) <= 4000),
    CONSTRAINT ck_workflow_runs_trace_id_bytes CHECK (length(CAST(trace_id AS BLOB)) <= 64)
);

CREATE INDEX ix_workflow_runs_key_started ON workflow_runs (run_key, started_at);

CREATE TABLE query_executions (
    id               INTEGER CONSTRAINT pk_query_executions PRIMARY KEY AUTOINCREMENT,
    workflow_run_id  INTEGER,
    query_name       TEXT NOT NULL,
    component        TEXT,
    schedule_mode    TEXT NOT NULL,
    action           TEXT DEFAULT 'query' NOT NULL,
    status           TEXT NOT NULL,
    row_count        INTEGER,
    duration_ms      INTEGER,
    error_message    TEXT,
    sql_id           TEXT,
    trace_id         TEXT,
    query_text       TEXT,
    created_at       TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_query_executions_run FOREIGN KEY (workflow_run_id) REFERENCES workflow_runs (id) ON DELETE SET NULL,
    CONSTRAINT ck_query_executions_mode CHECK (schedule_mode IN ('manual', 'scheduled')),
    CONSTRAINT ck_query_executions_action CHECK (action IN ('query', 'showsql', 'narrate', 'chat')),
    CONSTRAINT ck_query_executions_status CHECK (status IN ('succeeded', 'failed')),
    CONSTRAINT ck_query_executions_counts CHECK (row_count >= 0 AND duration_ms >= 0),
    CONSTRAINT ck_query_executions_query_name_bytes CHECK (length(CAST(query_name AS BLOB)) <= 128),
    CONSTRAINT ck_query_executions_component_bytes CHECK (length(CAST(component AS BLOB)) <= 128),
    CONSTRAINT ck_query_executions_schedule_mode_bytes CHECK (length(CAST(schedule_mode AS BLOB)) <= 20),
    CONSTRAINT ck_query_executions_action_bytes CHECK (length(CAST(action AS BLOB)) <= 20),
    CONSTRAINT ck_query_executions_status_bytes CHECK (length(CAST(status AS BLOB)) <= 20),
    CONSTRAINT ck_query_executions_error_message_bytes CHECK (length(CAST(error_message AS BLOB)) <= 2000),
    CONSTRAINT ck_query_executions_sql_id_bytes CHECK (length(CAST(sql_id AS BLOB)) <= 13),
    CONSTRAINT ck_query_executions_trace_id_bytes CHECK (length(CAST(trace_id AS BLOB)) <= 64)
);

CREATE INDEX ix_query_executions_run ON query_executions (workflow_run_id);
CREATE INDEX ix_query_executions_created ON query_executions (created_at);

CREATE TABLE component_snapshots (
    id               INTEGER CONSTRAINT pk_component_snapshots PRIMARY KEY AUTOINCREMENT,
    workflow_run_id  INTEGER,
    component        TEXT NOT NULL,
    component_type   TEXT NOT NULL,
    status           TEXT NOT NULL,
    latency_ms       INTEGER,
    details          TEXT,
    created_at       TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_component_snapshots_run FOREIGN KEY (workflow_run_id) REFERENCES workflow_runs (id) ON DELETE SET NULL,
    CONSTRAINT ck_component_snapshots_status CHECK (status IN ('up', 'degraded', 'down', 'unknown')),
    CONSTRAINT ck_component_snapshots_latency CHECK (latency_ms >= 0),
    CONSTRAINT ck_component_snapshots_details CHECK (json_valid(details)),
    CONSTRAINT ck_component_snapshots_component_bytes CHECK (length(CAST(component AS BLOB)) <= 128),
    CONSTRAINT ck_component_snapshots_component_type_bytes CHECK (length(CAST(component_type AS BLOB)) <= 64),
    CONSTRAINT ck_component_snapshots_status_bytes CHECK (length(CAST(status AS BLOB)) <= 20)
);

CREATE INDEX ix_component_snapshots_run ON component_snapshots (workflow_run_id);
CREATE INDEX ix_component_snapshots_comp ON component_snapshots (component, created_at);
