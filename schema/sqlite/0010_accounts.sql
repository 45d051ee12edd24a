-- Accounts people can trust (issue 15). SQLite equivalent of ../oracle/0010_accounts.sql (see
-- 0001_core.sql for the type mapping). Every VARCHAR2(n) column carries a byte-length CHECK, as
-- Oracle counts VARCHAR2 in bytes.
CREATE TABLE account_tokens (
    id          INTEGER CONSTRAINT pk_account_tokens PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    purpose     TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    created_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_account_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_account_tokens_purpose CHECK (purpose IN ('verify_email', 'password_reset')),
    CONSTRAINT ck_account_tokens_purpose_bytes CHECK (length(CAST(purpose AS BLOB)) <= 16),
    CONSTRAINT ck_account_tokens_token_hash_bytes CHECK (length(CAST(token_hash AS BLOB)) <= 64)
);

CREATE UNIQUE INDEX ux_account_tokens_hash ON account_tokens (token_hash);

CREATE INDEX ix_account_tokens_user_id ON account_tokens (user_id, purpose);

CREATE TABLE refresh_tokens (
    id          INTEGER CONSTRAINT pk_refresh_tokens PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    family_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    rotated_at  TIMESTAMP,
    revoked_at  TIMESTAMP,
    created_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_refresh_tokens_family_id_bytes CHECK (length(CAST(family_id AS BLOB)) <= 32),
    CONSTRAINT ck_refresh_tokens_token_hash_bytes CHECK (length(CAST(token_hash AS BLOB)) <= 64)
);

CREATE UNIQUE INDEX ux_refresh_tokens_hash ON refresh_tokens (token_hash);

CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id);

CREATE INDEX ix_refresh_tokens_user_id ON refresh_tokens (user_id);

CREATE TABLE login_throttle (
    throttle_key     TEXT NOT NULL,
    failures         INTEGER DEFAULT 0 NOT NULL,
    window_start     TIMESTAMP NOT NULL,
    last_failure_at  TIMESTAMP,
    CONSTRAINT pk_login_throttle PRIMARY KEY (throttle_key),
    CONSTRAINT ck_login_throttle_failures CHECK (failures >= 0),
    CONSTRAINT ck_login_throttle_throttle_key_bytes CHECK (length(CAST(throttle_key AS BLOB)) <= 320)
);

CREATE TABLE notification_outbox (
    id               INTEGER CONSTRAINT pk_notification_outbox PRIMARY KEY AUTOINCREMENT,
    message_id       TEXT NOT NULL,
    template         TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT DEFAULT 'pending' NOT NULL,
    attempts         INTEGER DEFAULT 0 NOT NULL,
    next_attempt_at  TIMESTAMP NOT NULL,
    last_error       TEXT,
    created_at       TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    sent_at          TIMESTAMP,
    CONSTRAINT ck_notification_outbox_status CHECK (status IN ('pending', 'sent', 'parked')),
    CONSTRAINT ck_notification_outbox_attempts CHECK (attempts >= 0),
    CONSTRAINT ck_notification_outbox_payload CHECK (json_valid(payload)),
    CONSTRAINT ck_notification_outbox_message_id_bytes CHECK (length(CAST(message_id AS BLOB)) <= 255),
    CONSTRAINT ck_notification_outbox_template_bytes CHECK (length(CAST(template AS BLOB)) <= 32),
    CONSTRAINT ck_notification_outbox_recipient_bytes CHECK (length(CAST(recipient AS BLOB)) <= 254),
    CONSTRAINT ck_notification_outbox_payload_bytes CHECK (length(CAST(payload AS BLOB)) <= 4000),
    CONSTRAINT ck_notification_outbox_status_bytes CHECK (length(CAST(status AS BLOB)) <= 16),
    CONSTRAINT ck_notification_outbox_last_error_bytes CHECK (length(CAST(last_error AS BLOB)) <= 1000)
);

CREATE UNIQUE INDEX ux_notification_outbox_message ON notification_outbox (message_id);

CREATE INDEX ix_notification_outbox_due ON notification_outbox (status, next_attempt_at);
