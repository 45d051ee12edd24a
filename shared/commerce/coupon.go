package commerce

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/shape"
)

// Client-visible codes of coupon failures (all 422 unprocessable: the request is well formed but the
// coupon cannot be applied; an order is never placed without the coupon it asked for).
const (
	CodeCouponUnknown   = "coupon_unknown"
	CodeCouponInactive  = "coupon_inactive"
	CodeCouponExhausted = "coupon_exhausted"
	CodeCouponExpired   = "coupon_expired"
	CodeCouponNotYet    = "coupon_not_yet_valid"
	// CodeCouponMinSubtotal: the subtotal (before discount) is below the coupon's minimum.
	CodeCouponMinSubtotal = "coupon_min_subtotal"
	// CodeCouponFirstOrder: the coupon is for a first order and the customer has one already.
	CodeCouponFirstOrder = "coupon_first_order_only"
	// CodeCouponCustomerLimit: the customer has used the coupon as often as it allows per customer.
	CodeCouponCustomerLimit = "coupon_customer_limit"
)

// NormalizeCode trims and upper-cases a coupon code as typed by a shopper and checks its shape.
func NormalizeCode(code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if !shape.Code(c, 64) {
		return "", apperr.E("commerce.NormalizeCode", apperr.Invalid,
			"coupon_code must be 1 to 64 letters, digits, '-' or '_'")
	}
	return c, nil
}

// Coupon is a coupon as stored, with its rules.
type Coupon struct {
	ID          int64
	Code        string
	Description string
	Discount    Discount
	MaxUses     int64 // 0 means unlimited
	UsedCount   int64
	Active      bool
	ValidFrom   *time.Time // nil: valid since it was created
	ValidUntil  *time.Time // nil: never expires
	Rules       Rules
}

// Rules are a coupon's conditions on the order and its customer (migration 0011).
type Rules struct {
	MinSubtotal      money.Cents `json:"min_subtotal"`       // 0: no minimum
	FirstOrderOnly   bool        `json:"first_order_only"`   // only for a customer without orders
	PerCustomerLimit int64       `json:"per_customer_limit"` // 0: no limit
}

// lookupCouponSQL reads a coupon; checkout runs it with lockCouponSQL's FOR UPDATE instead.
const lookupCouponSQL = `SELECT id, code, description, discount_percent, discount_amount, max_uses, used_count, is_active,
    valid_from, valid_until, min_subtotal, first_order_only, per_customer_limit
FROM coupons
WHERE code = :1`

// LookupCoupon reads the coupon with the (normalised) code. An unknown code is a 422 coupon_unknown.
func LookupCoupon(ctx context.Context, q db.DBTX, code string) (Coupon, error) {
	return lookupCoupon(ctx, q, lookupCouponSQL, code)
}

func lookupCoupon(ctx context.Context, q db.DBTX, query, code string) (Coupon, error) {
	const op = "commerce.LookupCoupon"
	var (
		c                  Coupon
		desc               string      // NULL is "" (godror)
		percent            money.Cents // NUMBER(5,2): two decimals, so its cents are hundredths of a percent
		active, firstOrder int64
	)
	err := q.QueryRowContext(ctx, query, code).Scan(&c.ID, &c.Code, &desc, &percent, &c.Discount.Amount,
		&c.MaxUses, &c.UsedCount, &active, &c.ValidFrom, &c.ValidUntil, &c.Rules.MinSubtotal, &firstOrder,
		&c.Rules.PerCustomerLimit)
	if errors.Is(err, sql.ErrNoRows) {
		return Coupon{}, apperr.E(op, apperr.Unprocessable, "coupon "+code+" does not exist").WithCode(CodeCouponUnknown)
	}
	if err != nil {
		return Coupon{}, apperr.Wrap(op, apperr.Internal, err)
	}
	c.Description = desc
	c.Discount.PercentHundredths = int64(percent)
	c.Active = active == 1
	c.Rules.FirstOrderOnly = firstOrder == 1
	return c, nil
}

// Check tells whether the coupon can be applied at now: active, within its validity window, and,
// when limited (MaxUses > 0), not yet used MaxUses times. The error is a 422 with a coupon_* code.
// The rules on the order and its customer are CheckOrder's.
func (c Coupon) Check(now time.Time) error {
	const op = "commerce.CheckCoupon"
	switch {
	case !c.Active:
		return apperr.E(op, apperr.Unprocessable, "coupon "+c.Code+" is no longer active").WithCode(CodeCouponInactive)
	case c.ValidFrom != nil && now.Before(*c.ValidFrom):
		return apperr.E(op, apperr.Unprocessable, "coupon "+c.Code+" is not valid yet").WithCode(CodeCouponNotYet)
	case c.ValidUntil != nil && !now.Before(*c.ValidUntil):
		return apperr.E(op, apperr.Unprocessable, "coupon "+c.Code+" has expired").WithCode(CodeCouponExpired)
	case c.MaxUses > 0 && c.UsedCount >= c.MaxUses:
		return exhausted(op, c.Code)
	}
	return nil
}

func exhausted(op, code string) error {
	return apperr.E(op, apperr.Unprocessable, "coupon "+code+" has been fully redeemed").WithCode(CodeCouponExhausted)
}

// useCouponSQL counts one use, atomically: the condition is evaluated on the row under its lock, so
// concurrent checkouts can never push used_count past max_uses (the read-then-write of the old shop
// could). The CHECK constraint on coupons is the last line of defence.
const useCouponSQL = `UPDATE coupons SET used_count = used_count + 1, updated_at = :1
WHERE code = :2 AND is_active = 1 AND (max_uses = 0 OR used_count < max_uses)`

// UseCoupon records one use of the coupon inside the caller's transaction. When no use is left (or
// the coupon was deactivated since it was read) it answers 422 coupon_exhausted and changes nothing.
func UseCoupon(ctx context.Context, tx db.DBTX, code string, now time.Time) error {
	const op = "commerce.UseCoupon"
	res, err := tx.ExecContext(ctx, useCouponSQL, now, code)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if n != 1 {
		return exhausted(op, code)
	}
	return nil
}
