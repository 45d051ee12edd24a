-- Catalog administration and the audit views: products.archived_at and the audit filters' indexes.
-- SQLite equivalent of ../oracle/0016_admin.sql (see 0001_core.sql for the type mapping). The new
-- column is no VARCHAR2, so it needs no byte-length CHECK.

ALTER TABLE products ADD COLUMN archived_at TIMESTAMP;

CREATE INDEX ix_audit_logs_entity ON audit_logs (entity_type, entity_id);
CREATE INDEX ix_audit_logs_ip_address ON audit_logs (ip_address);
CREATE INDEX ix_security_events_severity ON security_events (severity);
