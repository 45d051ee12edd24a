-- PLACEHOLDER so this branch's migrations have no gap: version 10 is the accounts branch's
-- (schema/*/0010_accounts.sql). Removed before the branch is handed over.

CREATE INDEX ix_placeholder_0010 ON coupons (updated_at);
