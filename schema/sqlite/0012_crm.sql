-- The CRM portal's operations (issue 17). SQLite equivalent of ../oracle/0012_crm.sql (see
-- 0001_core.sql for the type mapping). Every VARCHAR2(n) column carries a byte-length CHECK, as
-- Oracle counts VARCHAR2 in bytes. SQLite cannot alter a constraint: the migrator rewrites the
-- table's CHECK after validating every row (see shared/migrate planCheck).
ALTER TABLE users ADD CONSTRAINT ck_users_role CHECK (role IN ('customer', 'support', 'fulfillment', 'marketing', 'staff', 'admin'));

CREATE TABLE order_status_history (
    id           INTEGER CONSTRAINT pk_order_status_history PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    reason       TEXT,
    actor        TEXT NOT NULL,
    trace_id     TEXT,
    created_at   TIMESTAMP NOT NULL,
    CONSTRAINT fk_order_status_history_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT ck_order_status_history_from_status_bytes CHECK (length(CAST(from_status AS BLOB)) <= 20),
    CONSTRAINT ck_order_status_history_to_status_bytes CHECK (length(CAST(to_status AS BLOB)) <= 20),
    CONSTRAINT ck_order_status_history_reason_bytes CHECK (length(CAST(reason AS BLOB)) <= 500),
    CONSTRAINT ck_order_status_history_actor_bytes CHECK (length(CAST(actor AS BLOB)) <= 128),
    CONSTRAINT ck_order_status_history_trace_id_bytes CHECK (length(CAST(trace_id AS BLOB)) <= 64)
);

CREATE INDEX ix_order_status_history_order ON order_status_history (order_id, created_at);

ALTER TABLE ticket_messages ADD COLUMN is_internal INTEGER DEFAULT 0 NOT NULL CONSTRAINT ck_ticket_messages_internal CHECK (is_internal IN (0, 1));

CREATE INDEX ix_tickets_queue ON tickets (status, created_at);
