-- Marketing (issue 18). SQLite equivalent of ../oracle/0015_marketing.sql (see 0001_core.sql for the
-- type mapping). Every VARCHAR2(n) column carries a byte-length CHECK, as Oracle counts VARCHAR2 in
-- bytes. SQLite cannot alter a constraint: the migrator rewrites the table's CHECK after validating
-- every row (see shared/migrate planCheck).
ALTER TABLE campaigns ADD COLUMN code TEXT CONSTRAINT ck_campaigns_code_bytes CHECK (length(CAST(code AS BLOB)) <= 40);

UPDATE campaigns SET code = 'CAMPAIGN-' || id WHERE code IS NULL;

ALTER TABLE campaigns ADD CONSTRAINT ck_campaigns_code CHECK (code IS NOT NULL AND code = UPPER(code) AND LENGTH(code) >= 2);

CREATE UNIQUE INDEX ux_campaigns_code ON campaigns (code);

ALTER TABLE leads ADD COLUMN owner_id INTEGER;

ALTER TABLE leads ADD COLUMN notes TEXT CONSTRAINT ck_leads_notes_bytes CHECK (length(CAST(notes AS BLOB)) <= 4000);

ALTER TABLE leads ADD COLUMN converted_at TIMESTAMP;

CREATE INDEX ix_leads_owner_id ON leads (owner_id);
CREATE INDEX ix_leads_status_id ON leads (status, id);

CREATE TABLE campaign_spend (
    id           INTEGER CONSTRAINT pk_campaign_spend PRIMARY KEY AUTOINCREMENT,
    campaign_id  INTEGER NOT NULL,
    amount       NUMERIC NOT NULL,
    note         TEXT,
    actor        TEXT NOT NULL,
    trace_id     TEXT,
    created_at   TIMESTAMP NOT NULL,
    CONSTRAINT fk_campaign_spend_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE,
    CONSTRAINT ck_campaign_spend_amount CHECK (amount > 0),
    CONSTRAINT ck_campaign_spend_note_bytes CHECK (length(CAST(note AS BLOB)) <= 500),
    CONSTRAINT ck_campaign_spend_actor_bytes CHECK (length(CAST(actor AS BLOB)) <= 128),
    CONSTRAINT ck_campaign_spend_trace_id_bytes CHECK (length(CAST(trace_id AS BLOB)) <= 64)
);

CREATE INDEX ix_campaign_spend_campaign ON campaign_spend (campaign_id, id);

ALTER TABLE security_events ADD CONSTRAINT ck_security_events_type CHECK (attack_type IN ('sql_injection', 'xss', 'path_traversal', 'command_injection', 'ssrf', 'xxe', 'open_redirect', 'brute_force', 'credential_stuffing', 'rate_limit', 'prompt_injection', 'idor', 'scanner', 'bot', 'mass_assignment', 'malformed_body', 'oversized_body', 'invalid_token', 'other'));
