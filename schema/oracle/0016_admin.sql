-- Catalog administration and the audit views (issue 18, admin-catalog and admin-audit).
--
-- products.archived_at: when an admin archived the product (NULL: never). An archived product is
-- also is_active = 0, so the storefront, carts and checkout, which already read only active
-- products, drop it without a change; archived_at is what keeps it from being re-activated and
-- what the admin list shows. Orders keep referencing it (order_items has no ON DELETE).
-- The indexes serve the admin-audit filters: entity (type and id) and source address of audit rows,
-- and the source address of security events is the leading column of ux_security_events_window.

ALTER TABLE products ADD (archived_at TIMESTAMP WITH TIME ZONE);

CREATE INDEX ix_audit_logs_entity ON audit_logs (entity_type, entity_id);
CREATE INDEX ix_audit_logs_ip_address ON audit_logs (ip_address);
CREATE INDEX ix_security_events_severity ON security_events (severity);
