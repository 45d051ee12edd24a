-- Workflow gateway (issue 20): the sweep's lock row.
-- SQLite equivalent of ../oracle/0014_workflow.sql (see 0001_core.sql for the type mapping).

CREATE TABLE workflow_locks (
    name        TEXT NOT NULL,
    holder      TEXT,
    expires_at  TIMESTAMP NOT NULL,
    CONSTRAINT pk_workflow_locks PRIMARY KEY (name),
    CONSTRAINT ck_workflow_locks_name_bytes CHECK (length(CAST(name AS BLOB)) <= 64),
    CONSTRAINT ck_workflow_locks_holder_bytes CHECK (length(CAST(holder AS BLOB)) <= 64)
);
