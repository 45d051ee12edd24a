-- Coupon rules (issue 15): what a coupon's description promises, as columns the checkout enforces.
--
-- min_subtotal: the order's subtotal (before discount) must reach it; 0 means no minimum.
-- first_order_only: 1 when only a customer (by email, case-insensitively) without any order that is
--   not cancelled may use it.
-- per_customer_limit: how many of one customer's orders that are not cancelled may carry it; 0 means
--   no limit. The checkout counts them under the coupon row's lock (SELECT ... FOR UPDATE), so
--   concurrent checkouts of one customer cannot pass it under READ COMMITTED.
-- The validity window already exists (valid_from, valid_until in 0001).

ALTER TABLE coupons ADD (
    min_subtotal        NUMBER(12,2) DEFAULT 0 NOT NULL CONSTRAINT ck_coupons_min_subtotal CHECK (min_subtotal >= 0),
    first_order_only    NUMBER(1) DEFAULT 0 NOT NULL CONSTRAINT ck_coupons_first_order_only CHECK (first_order_only IN (0, 1)),
    per_customer_limit  NUMBER(10) DEFAULT 0 NOT NULL CONSTRAINT ck_coupons_per_customer_limit CHECK (per_customer_limit >= 0)
);
