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
    CONSTRAINT fk_assistant_sessions_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL
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
    CONSTRAINT ck_assistant_messages_refused CHECK (refused IN (0, 1))
);

CREATE INDEX ix_assistant_messages_session ON assistant_messages (session_id, created_at);
