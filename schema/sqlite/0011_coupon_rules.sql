-- Coupon rules: minimum subtotal, first order only, per-customer limit.
-- SQLite equivalent of ../oracle/0011_coupon_rules.sql (see 0001_core.sql for the type mapping). No
-- column is VARCHAR2, so none needs a byte-length CHECK.

ALTER TABLE coupons ADD COLUMN min_subtotal NUMERIC DEFAULT 0 NOT NULL;

ALTER TABLE coupons ADD COLUMN first_order_only INTEGER DEFAULT 0 NOT NULL;

ALTER TABLE coupons ADD COLUMN per_customer_limit INTEGER DEFAULT 0 NOT NULL;
