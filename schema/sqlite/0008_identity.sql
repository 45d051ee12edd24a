-- Identity: failed logins, counted per account and per client address by the auth function's
-- lockout. SQLite equivalent of ../oracle/0008_identity.sql (see 0001_core.sql for the type mapping).

CREATE TABLE login_attempts (
    id               INTEGER CONSTRAINT pk_login_attempts PRIMARY KEY AUTOINCREMENT,
    account_key      TEXT NOT NULL,
    source_ip        TEXT NOT NULL,
    account_cleared  INTEGER DEFAULT 0 NOT NULL,
    attempted_at     TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT ck_login_attempts_cleared CHECK (account_cleared IN (0, 1)),
    CONSTRAINT ck_login_attempts_account_key_bytes CHECK (length(CAST(account_key AS BLOB)) <= 254),
    CONSTRAINT ck_login_attempts_source_ip_bytes CHECK (length(CAST(source_ip AS BLOB)) <= 45)
);

CREATE INDEX ix_login_attempts_account ON login_attempts (account_key, attempted_at);

CREATE INDEX ix_login_attempts_ip ON login_attempts (source_ip, attempted_at);

CREATE INDEX ix_login_attempts_time ON login_attempts (attempted_at);
