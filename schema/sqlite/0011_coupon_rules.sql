-- Coupon rules: minimum subtotal, first order only, per-customer limit.
-- SQLite equivalent of ../oracle/0011_coupon_rules.sql (see 0001_core.sql for the type mapping). No
-- column is VARCHAR2, so none needs a byte-length CHECK; SQLite adds one column a statement, each with
-- its CHECK inline.

ALTER TABLE coupons ADD COLUMN min_subtotal NUMERIC DEFAULT 0 NOT NULL CONSTRAINT ck_coupons_min_subtotal CHECK (min_subtotal >= 0);

ALTER TABLE coupons ADD COLUMN first_order_only INTEGER DEFAULT 0 NOT NULL CONSTRAINT ck_coupons_first_order_only CHECK (first_order_only IN (0, 1));

ALTER TABLE coupons ADD COLUMN per_customer_limit INTEGER DEFAULT 0 NOT NULL CONSTRAINT ck_coupons_per_customer_limit CHECK (per_customer_limit >= 0);
