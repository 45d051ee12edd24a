package admincatalog

import (
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/shape"
	"github.com/octo-drone-shop/serverless/shared/web"
)

const couponColumns = `c.id, c.code, c.description, c.discount_percent, c.discount_amount, c.max_uses, c.is_active, c.valid_from,
    c.valid_until, c.min_subtotal, c.first_order_only, c.per_customer_limit, c.used_count`

// couponUsage is a coupon's usage beside used_count (times used, which a cancellation gives back):
// the orders that carry it and how many customers placed them, not counting cancelled orders
// (ix_orders_coupon_id).
const couponUsage = `(SELECT COUNT(*) FROM orders o WHERE o.coupon_id = c.id AND o.status <> 'cancelled') AS order_count,
    (SELECT COUNT(DISTINCT o.customer_id) FROM orders o WHERE o.coupon_id = c.id AND o.status <> 'cancelled') AS customer_count`

// coupons carry every rule checkout enforces (package commerce): percent and fixed discounts
// (stacking), max_uses (0: unlimited), the validity window, min_subtotal, first_order_only and
// per_customer_limit (migration 0011). The code is stored upper-case, as checkout normalises it.
var coupons = &resource{
	noun:   "coupon",
	unique: "code",
	fields: []field{
		{name: "code", kind: textKind, text: web.TextLimit{Bytes: 64}, required: true, shape: func(s string) bool { return shape.Code(s, 64) },
			shapeMsg: "must be upper-case letters and digits, then also - and _ (e.g. SPRING15)"},
		{name: "description", kind: textKind, text: web.TextLimit{Chars: 500, Bytes: 500}},
		{name: "discount_percent", kind: moneyKind, min: 0, max: 100_00},
		{name: "discount_amount", kind: moneyKind, min: 0, max: int64(money.Max)},
		{name: "max_uses", kind: intKind, min: 0, max: 9_999_999_999},
		{name: "is_active", kind: flagKind, def: true},
		{name: "valid_from", kind: timeKind},
		{name: "valid_until", kind: timeKind},
		{name: "min_subtotal", kind: moneyKind, min: 0, max: int64(money.Max)},
		{name: "first_order_only", kind: flagKind},
		{name: "per_customer_limit", kind: intKind, min: 0, max: 9_999_999_999},
	},
	stored:   []field{{name: "times_used", kind: intKind}},
	computed: []field{{name: "orders", kind: intKind}, {name: "customers", kind: intKind}},
	check:    checkCoupon,

	listSQL: `SELECT ` + couponColumns + `, ` + couponUsage + `, c.created_at, c.updated_at
FROM coupons c
WHERE (:1 IS NULL OR LOWER(c.code) LIKE :2 ESCAPE '\' OR LOWER(c.description) LIKE :3 ESCAPE '\')
  AND (:4 = 1 OR c.id < :5)
ORDER BY c.id DESC
FETCH FIRST :6 ROWS ONLY`,
	getSQL: `SELECT ` + couponColumns + `, ` + couponUsage + `, c.created_at, c.updated_at
FROM coupons c
WHERE c.id = :1`,
	lockSQL: `SELECT ` + couponColumns + `, c.created_at, c.updated_at
FROM coupons c
WHERE c.id = :1
FOR UPDATE`,
	insertSQL: `INSERT INTO coupons (code, description, discount_percent, discount_amount, max_uses, is_active, valid_from, valid_until,
    min_subtotal, first_order_only, per_customer_limit, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11, :12, :13)
RETURNING id INTO :14`,
	updateSQL: `UPDATE coupons SET code = :1, description = :2, discount_percent = :3, discount_amount = :4, max_uses = :5,
    is_active = :6, valid_from = :7, valid_until = :8, min_subtotal = :9, first_order_only = :10, per_customer_limit = :11,
    updated_at = :12
WHERE id = :13`,
}

// checkCoupon holds the rules across fields: some discount, a window that ends after it starts, and
// a use limit no lower than the uses already counted (the table's CHECK would refuse it as a 400
// without saying why).
func checkCoupon(op string, c record) error {
	from, _ := c["valid_from"].(*time.Time)
	until, _ := c["valid_until"].(*time.Time)
	used, _ := c["times_used"].(int64)
	maxUses := c["max_uses"].(int64)
	switch {
	case c["discount_percent"].(money.Cents) == 0 && c["discount_amount"].(money.Cents) == 0:
		return apperr.E(op, apperr.Invalid, "a coupon needs a discount_percent or a discount_amount above 0")
	case from != nil && until != nil && !until.After(*from):
		return apperr.E(op, apperr.Invalid, "valid_until must be after valid_from")
	case maxUses > 0 && maxUses < used:
		return apperr.E(op, apperr.Conflict, "max_uses is below the times the coupon was already used").WithCode("coupon_overused")
	}
	return nil
}
