-- Marketing: campaigns, leads.
-- SQLite equivalent of ../oracle/0003_marketing.sql (see 0001_core.sql for the type mapping).

CREATE TABLE campaigns (
    id             INTEGER CONSTRAINT pk_campaigns PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    description    TEXT,
    campaign_type  TEXT NOT NULL,
    status         TEXT DEFAULT 'draft' NOT NULL,
    budget         NUMERIC DEFAULT 0 NOT NULL,
    spent          NUMERIC DEFAULT 0 NOT NULL,
    target_audience TEXT,
    starts_at      TIMESTAMP,
    ends_at        TIMESTAMP,
    created_at     TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at     TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT uq_campaigns_name UNIQUE (name),
    CONSTRAINT ck_campaigns_type CHECK (campaign_type IN ('email', 'social', 'ppc', 'referral')),
    CONSTRAINT ck_campaigns_status CHECK (status IN ('draft', 'active', 'paused', 'completed')),
    CONSTRAINT ck_campaigns_budget CHECK (budget >= 0 AND spent >= 0),
    CONSTRAINT ck_campaigns_dates CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at),
    CONSTRAINT ck_campaigns_name_bytes CHECK (length(CAST(name AS BLOB)) <= 200),
    CONSTRAINT ck_campaigns_description_bytes CHECK (length(CAST(description AS BLOB)) <= 2000),
    CONSTRAINT ck_campaigns_campaign_type_bytes CHECK (length(CAST(campaign_type AS BLOB)) <= 20),
    CONSTRAINT ck_campaigns_status_bytes CHECK (length(CAST(status AS BLOB)) <= 20),
    CONSTRAINT ck_campaigns_target_audience_bytes CHECK (length(CAST(target_audience AS BLOB)) <= 500)
);

CREATE TABLE leads (
    id           INTEGER CONSTRAINT pk_leads PRIMARY KEY AUTOINCREMENT,
    email        TEXT NOT NULL,
    name         TEXT,
    company      TEXT,
    phone        TEXT,
    campaign_id  INTEGER,
    customer_id  INTEGER,
    source       TEXT DEFAULT 'web' NOT NULL,
    status       TEXT DEFAULT 'new' NOT NULL,
    score        INTEGER DEFAULT 0 NOT NULL,
    message      TEXT,
    consent      INTEGER DEFAULT 0 NOT NULL,
    created_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_leads_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE SET NULL,
    CONSTRAINT fk_leads_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL,
    CONSTRAINT ck_leads_source CHECK (source IN ('web', 'referral', 'social', 'paid')),
    CONSTRAINT ck_leads_status CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'lost')),
    CONSTRAINT ck_leads_score CHECK (score BETWEEN 0 AND 100),
    CONSTRAINT ck_leads_consent CHECK (consent IN (0, 1)),
    CONSTRAINT ck_leads_email_bytes CHECK (length(CAST(email AS BLOB)) <= 254),
    CONSTRAINT ck_leads_name_bytes CHECK (length(CAST(name AS BLOB)) <= 200),
    CONSTRAINT ck_leads_company_bytes CHECK (length(CAST(company AS BLOB)) <= 200),
    CONSTRAINT ck_leads_phone_bytes CHECK (length(CAST(phone AS BLOB)) <= 40),
    CONSTRAINT ck_leads_source_bytes CHECK (length(CAST(source AS BLOB)) <= 20),
    CONSTRAINT ck_leads_status_bytes CHECK (length(CAST(status AS BLOB)) <= 20),
    CONSTRAINT ck_leads_message_bytes CHECK (length(CAST(message AS BLOB)) <= 2000)
);

CREATE INDEX ix_leads_campaign_id ON leads (campaign_id);
CREATE INDEX ix_leads_customer_id ON leads (customer_id);
CREATE INDEX ix_leads_email ON leads (LOWER(email));
