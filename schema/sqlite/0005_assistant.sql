-- AI assistant: assistant_sessions, assistant_messages.
-- SQLite equivalent of ../oracle/0005_assistant.sql (see 0001_core.sql for the type mapping).

CREATE TABLE assistant_sessions (
    id           INTEGER CONSTRAINT pk_assistant_sessions PRIMARY KEY AUTOINCREMENT,
    session_id   TEXT NOT NULL,
    customer_id  INTEGER,
    title        TEXT,
    created_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT uq_assistant_sessions_session UNIQUE (session_id),
    CONSTRAINT fk_assistant_sessions_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL,
    CONSTRAINT ck_assistant_sessions_session_id_bytes CHECK (length(CAST(session_id AS BLOB)) <= 64),
    CONSTRAINT ck_assistant_sessions_title_bytes CHECK (length(CAST(title AS BLOB)) <= 200)
);

CREATE INDEX ix_assistant_sessions_customer ON assistant_sessions (customer_id);

CREATE TABLE assistant_messages (
    id                 INTEGER CONSTRAINT pk_assistant_messages PRIMARY KEY AUTOINCREMENT,
    session_id         TEXT NOT NULL,
    role               TEXT NOT NULL,
    content            TEXT NOT NULL,
    provider           TEXT,
    model_id           TEXT,
    prompt_tokens      INTEGER,
    completion_tokens  INTEGER,
    latency_ms         INTEGER,
    prompt_sha256      TEXT,
    response_sha256    TEXT,
    refused            INTEGER DEFAULT 0 NOT NULL,
    trace_id           TEXT,
    created_at         TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_assistant_messages_session FOREIGN KEY (session_id) REFERENCES assistant_sessions (session_id) ON DELETE CASCADE,
    CONSTRAINT ck_assistant_messages_role CHECK (role IN ('user', 'assistant', 'system')),
    CONSTRAINT ck_assistant_messages_tokens CHECK (prompt_tokens >= 0 AND completion_tokens >= 0),
    CONSTRAINT ck_assistant_messages_latency CHECK (latency_ms >= 0),
    CONSTRAINT ck_assistant_messages_refused CHECK (refused IN (0, 1)),
    CONSTRAINT ck_assistant_messages_session_id_bytes CHECK (length(CAST(session_id AS BLOB)) <= 64),
    CONSTRAINT ck_assistant_messages_role_bytes CHECK (length(CAST(role AS BLOB)) <= 10),
    CONSTRAINT ck_assistant_messages_provider_bytes CHECK (length(CAST(provider AS BLOB)) <= 32),
    CONSTRAINT ck_assistant_messages_model_id_bytes CHECK (length(CAST(model_id AS BLOB)) <= 200),
    CONSTRAINT ck_assistant_messages_prompt_sha256_bytes CHECK (length(CAST(prompt_sha256 AS BLOB)) <= 64),
    CONSTRAINT ck_assistant_messages_response_sha256_bytes CHECK (length(CAST(response_sha256 AS BLOB)) <= 64),
    CONSTRAINT ck_assistant_messages_trace_id_bytes CHECK (length(CAST(trace_id AS BLOB)) <= 64)
);

CREATE INDEX ix_assistant_messages_session ON assistant_messages (session_id, created_at);
