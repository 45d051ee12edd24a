-- Operations: services, page_views, audit_logs, security_events, tickets, ticket_messages.
-- SQLite equivalent of ../oracle/0004_operations.sql (see 0001_core.sql for the type mapping).

CREATE TABLE services (
    id                INTEGER CONSTRAINT pk_services PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL,
    description       TEXT,
    category          TEXT NOT NULL,
    price             NUMERIC NOT NULL,
    duration_minutes  INTEGER NOT NULL,
    is_active         INTEGER DEFAULT 1 NOT NULL,
    created_at        TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at        TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT uq_services_name UNIQUE (name),
    CONSTRAINT ck_services_price CHECK (price >= 0),
    CONSTRAINT ck_services_duration CHECK (duration_minutes > 0),
    CONSTRAINT ck_services_is_active CHECK (is_active IN (0, 1)),
    CONSTRAINT ck_services_name_bytes CHECK (length(CAST(name AS BLOB)) <= 200),
    CONSTRAINT ck_services_description_bytes CHECK (length(CAST(description AS BLOB)) <= 2000),
    CONSTRAINT ck_services_category_bytes CHECK (length(CAST(category AS BLOB)) <= 64)
);

CREATE TABLE page_views (
    id            INTEGER CONSTRAINT pk_page_views PRIMARY KEY AUTOINCREMENT,
    page          TEXT NOT NULL,
    session_id    TEXT,
    customer_id   INTEGER,
    product_id    INTEGER,
    load_time_ms  INTEGER,
    region        TEXT,
    referrer      TEXT,
    user_agent    TEXT,
    visitor_ip    TEXT,
    trace_id      TEXT,
    created_at    TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_page_views_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL,
    CONSTRAINT fk_page_views_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE SET NULL,
    CONSTRAINT ck_page_views_load_time CHECK (load_time_ms BETWEEN 0 AND 60000),
    CONSTRAINT ck_page_views_page_bytes CHECK (length(CAST(page AS BLOB)) <= 500),
    CONSTRAINT ck_page_views_session_id_bytes CHECK (length(CAST(session_id AS BLOB)) <= 128),
    CONSTRAINT ck_page_views_region_bytes CHECK (length(CAST(region AS BLOB)) <= 64),
    CONSTRAINT ck_page_views_referrer_bytes CHECK (length(CAST(referrer AS BLOB)) <= 1000),
    CONSTRAINT ck_page_views_user_agent_bytes CHECK (length(CAST(user_agent AS BLOB)) <= 500),
    CONSTRAINT ck_page_views_visitor_ip_bytes CHECK (length(CAST(visitor_ip AS BLOB)) <= 45),
    CONSTRAINT ck_page_views_trace_id_bytes CHECK (length(CAST(trace_id AS BLOB)) <= 64)
);

CREATE INDEX ix_page_views_customer_id ON page_views (customer_id);
CREATE INDEX ix_page_views_product_id ON page_views (product_id);
CREATE INDEX ix_page_views_created_at ON page_views (created_at);

CREATE TABLE audit_logs (
    id             INTEGER CONSTRAINT pk_audit_logs PRIMARY KEY AUTOINCREMENT,
    actor_user_id  INTEGER,
    actor          TEXT,
    action         TEXT NOT NULL,
    entity_type    TEXT,
    entity_id      TEXT,
    details        TEXT,
    ip_address     TEXT,
    trace_id       TEXT,
    created_at     TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_audit_logs_actor FOREIGN KEY (actor_user_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT ck_audit_logs_details CHECK (json_valid(details)),
    CONSTRAINT ck_audit_logs_actor_bytes CHECK (length(CAST(actor AS BLOB)) <= 128),
    CONSTRAINT ck_audit_logs_action_bytes CHECK (length(CAST(action AS BLOB)) <= 64),
    CONSTRAINT ck_audit_logs_entity_type_bytes CHECK (length(CAST(entity_type AS BLOB)) <= 64),
    CONSTRAINT ck_audit_logs_entity_id_bytes CHECK (length(CAST(entity_id AS BLOB)) <= 64),
    CONSTRAINT ck_audit_logs_ip_address_bytes CHECK (length(CAST(ip_address AS BLOB)) <= 45),
    CONSTRAINT ck_audit_logs_trace_id_bytes CHECK (length(CAST(trace_id AS BLOB)) <= 64)
);

CREATE INDEX ix_audit_logs_actor_user_id ON audit_logs (actor_user_id);
CREATE INDEX ix_audit_logs_created_at ON audit_logs (created_at);

-- Security events are aggregated per source IP, attack type and minute: a repeat within the same
-- window increments event_count instead of inserting a row. The key is a unique INDEX, not a
-- constraint: Oracle refuses a TIMESTAMP WITH TIME ZONE column in a unique constraint (ORA-02329).
CREATE TABLE security_events (
    id            INTEGER CONSTRAINT pk_security_events PRIMARY KEY AUTOINCREMENT,
    attack_type   TEXT NOT NULL,
    severity      TEXT DEFAULT 'medium' NOT NULL,
    endpoint      TEXT,
    http_method   TEXT,
    source_ip     TEXT NOT NULL,
    user_agent    TEXT,
    payload       TEXT,
    product_id    INTEGER,
    session_id    TEXT,
    trace_id      TEXT,
    details       TEXT,
    event_count   INTEGER DEFAULT 1 NOT NULL,
    window_start  TIMESTAMP NOT NULL,
    created_at    TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at    TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_security_events_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE SET NULL,
    CONSTRAINT ck_security_events_type CHECK (attack_type IN ('sql_injection', 'xss', 'path_traversal', 'command_injection', 'ssrf', 'xxe', 'open_redirect', 'brute_force', 'credential_stuffing', 'rate_limit', 'prompt_injection', 'idor', 'scanner', 'bot', 'other')),
    CONSTRAINT ck_security_events_severity CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    CONSTRAINT ck_security_events_count CHECK (event_count >= 1),
    CONSTRAINT ck_security_events_details CHECK (json_valid(details)),
    CONSTRAINT ck_security_events_attack_type_bytes CHECK (length(CAST(attack_type AS BLOB)) <= 40),
    CONSTRAINT ck_security_events_severity_bytes CHECK (length(CAST(severity AS BLOB)) <= 10),
    CONSTRAINT ck_security_events_endpoint_bytes CHECK (length(CAST(endpoint AS BLOB)) <= 500),
    CONSTRAINT ck_security_events_http_method_bytes CHECK (length(CAST(http_method AS BLOB)) <= 10),
    CONSTRAINT ck_security_events_source_ip_bytes CHECK (length(CAST(source_ip AS BLOB)) <= 45),
    CONSTRAINT ck_security_events_user_agent_bytes CHECK (length(CAST(user_agent AS BLOB)) <= 500),
    CONSTRAINT ck_security_events_payload_bytes CHECK (length(CAST(payload AS BLOB)) <= 2000),
    CONSTRAINT ck_security_events_session_id_bytes CHECK (length(CAST(session_id AS BLOB)) <= 128),
    CONSTRAINT ck_security_events_trace_id_bytes CHECK (length(CAST(trace_id AS BLOB)) <= 64)
);

CREATE UNIQUE INDEX ux_security_events_window ON security_events (source_ip, attack_type, window_start);
CREATE INDEX ix_security_events_product_id ON security_events (product_id);
CREATE INDEX ix_security_events_created_at ON security_events (created_at);

CREATE TABLE tickets (
    id           INTEGER CONSTRAINT pk_tickets PRIMARY KEY AUTOINCREMENT,
    customer_id  INTEGER NOT NULL,
    subject      TEXT NOT NULL,
    description  TEXT,
    status       TEXT DEFAULT 'open' NOT NULL,
    priority     TEXT DEFAULT 'medium' NOT NULL,
    product_id   INTEGER,
    service_id   INTEGER,
    order_id     INTEGER,
    assigned_to  INTEGER,
    resolved_at  TIMESTAMP,
    closed_at    TIMESTAMP,
    created_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_tickets_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
    CONSTRAINT fk_tickets_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE SET NULL,
    CONSTRAINT fk_tickets_service FOREIGN KEY (service_id) REFERENCES services (id) ON DELETE SET NULL,
    CONSTRAINT fk_tickets_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE SET NULL,
    CONSTRAINT fk_tickets_assigned_to FOREIGN KEY (assigned_to) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT ck_tickets_status CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    CONSTRAINT ck_tickets_priority CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    CONSTRAINT ck_tickets_subject_bytes CHECK (length(CAST(subject AS BLOB)) <= 200),
    CONSTRAINT ck_tickets_description_bytes CHECK (length(CAST(description AS BLOB)) <= 4000),
    CONSTRAINT ck_tickets_status_bytes CHECK (length(CAST(status AS BLOB)) <= 20),
    CONSTRAINT ck_tickets_priority_bytes CHECK (length(CAST(priority AS BLOB)) <= 10)
);

CREATE INDEX ix_tickets_customer_id ON tickets (customer_id);
CREATE INDEX ix_tickets_product_id ON tickets (product_id);
CREATE INDEX ix_tickets_service_id ON tickets (service_id);
CREATE INDEX ix_tickets_order_id ON tickets (order_id);
CREATE INDEX ix_tickets_assigned_to ON tickets (assigned_to);
CREATE INDEX ix_tickets_status ON tickets (status, priority);

CREATE TABLE ticket_messages (
    id              INTEGER CONSTRAINT pk_ticket_messages PRIMARY KEY AUTOINCREMENT,
    ticket_id       INTEGER NOT NULL,
    sender_type     TEXT NOT NULL,
    author_user_id  INTEGER,
    message         TEXT NOT NULL,
    created_at      TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_ticket_messages_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE,
    CONSTRAINT fk_ticket_messages_author FOREIGN KEY (author_user_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT ck_ticket_messages_sender CHECK (sender_type IN ('customer', 'agent')),
    CONSTRAINT ck_ticket_messages_sender_type_bytes CHECK (length(CAST(sender_type AS BLOB)) <= 10),
    CONSTRAINT ck_ticket_messages_message_bytes CHECK (length(CAST(message AS BLOB)) <= 4000)
);

CREATE INDEX ix_ticket_messages_ticket ON ticket_messages (ticket_id, created_at);
CREATE INDEX ix_ticket_messages_author ON ticket_messages (author_user_id);
