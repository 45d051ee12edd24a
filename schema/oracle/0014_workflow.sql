-- Workflow gateway (issue 20): the sweep's lock row. One row per lock name; a sweep takes it with one
-- conditional UPDATE (expires_at <= now) and gives it back by moving expires_at to now, so a sweep
-- whose process died holds it only until the lease expires. The row is created on first use
-- (INSERT ... WHERE NOT EXISTS; a concurrent creator's ORA-00001 is ignored).

CREATE TABLE workflow_locks (
    name        VARCHAR2(64) NOT NULL,
    holder      VARCHAR2(64),
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_workflow_locks PRIMARY KEY (name)
);
