-- PLACEHOLDER so this branch's migration 0015 has no gap: versions 0011-0014 are other branches'.
-- Removed before the branch is handed over.

CREATE INDEX ix_placeholder_0011 ON coupons (created_at);
