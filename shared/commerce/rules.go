package commerce

import (
	"context"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// Redemption is an order about to use a coupon: who orders (the customer's email, compared
// case-insensitively; "" when unknown, as in a preview without one), its subtotal before discount,
// and when.
type Redemption struct {
	Email    string
	Subtotal money.Cents
	Now      time.Time
}

// lockCouponSQL reads the coupon and locks its row until the transaction ends: checkouts using one
// coupon run its rules one after the other, so the counts customerUsesSQL reads cannot change
// between the check and the order's insert (Oracle's READ COMMITTED would otherwise let two
// concurrent checkouts of one customer both count zero uses). SQLite's BEGIN IMMEDIATE already
// serialises writers; the clause is removed there.
const lockCouponSQL = lookupCouponSQL + `
FOR UPDATE`

// customerUsesSQL counts the customer's orders that are not cancelled, and those of them that used
// the coupon, in one statement (the unique index on LOWER(customers.email), then the index on
// orders.customer_id).
const customerUsesSQL = `SELECT COUNT(*), COUNT(CASE WHEN o.coupon_id = :1 THEN 1 END)
FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE LOWER(c.email) = LOWER(:2) AND o.status <> 'cancelled'`

// Preview checks every rule of the coupon for the redemption without using it or taking a lock: what
// the checkout would answer now. With no email the customer rules (first order, per-customer limit)
// are not checked; the answer's Rules tell the client they exist.
func Preview(ctx context.Context, q db.DBTX, code string, r Redemption) (Coupon, error) {
	c, err := LookupCoupon(ctx, q, code)
	if err != nil {
		return Coupon{}, err
	}
	return c, c.checkOrder(ctx, q, r)
}

// Redeem applies the coupon to an order inside the checkout's transaction: it locks the coupon row,
// checks every rule (active, validity window, max_uses, minimum subtotal, first order only,
// per-customer limit) and counts one use. Any rule that fails is a 422 with its coupon_* code and
// nothing is written. It runs two statements, three when the coupon has customer rules.
func Redeem(ctx context.Context, tx db.DBTX, code string, r Redemption) (Coupon, error) {
	c, err := lookupCoupon(ctx, tx, lockCouponSQL, code)
	if err != nil {
		return Coupon{}, err
	}
	if err := c.checkOrder(ctx, tx, r); err != nil {
		return Coupon{}, err
	}
	if err := UseCoupon(ctx, tx, c.Code, r.Now); err != nil {
		return Coupon{}, err
	}
	return c, nil
}

// checkOrder runs Check, then the rules on the order and, when the email is known and the coupon has
// customer rules, on the customer's past orders.
func (c Coupon) checkOrder(ctx context.Context, q db.DBTX, r Redemption) error {
	const op = "commerce.CheckOrder"
	if err := c.Check(r.Now); err != nil {
		return err
	}
	if r.Subtotal < c.Rules.MinSubtotal {
		return apperr.E(op, apperr.Unprocessable, "coupon "+c.Code+" needs a subtotal of at least "+
			c.Rules.MinSubtotal.String()+" before discount").WithCode(CodeCouponMinSubtotal).
			WithDetails(map[string]any{"min_subtotal": c.Rules.MinSubtotal, "subtotal": r.Subtotal})
	}
	if r.Email == "" || !c.Rules.FirstOrderOnly && c.Rules.PerCustomerLimit == 0 {
		return nil
	}
	var orders, uses int64
	if err := q.QueryRowContext(ctx, customerUsesSQL, c.ID, r.Email).Scan(&orders, &uses); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	switch {
	case c.Rules.FirstOrderOnly && orders > 0:
		return apperr.E(op, apperr.Unprocessable, "coupon "+c.Code+" is for a first order only").
			WithCode(CodeCouponFirstOrder)
	case c.Rules.PerCustomerLimit > 0 && uses >= c.Rules.PerCustomerLimit:
		return apperr.E(op, apperr.Unprocessable, "coupon "+c.Code+" can be used "+
			strconv.FormatInt(c.Rules.PerCustomerLimit, 10)+" time(s) per customer").WithCode(CodeCouponCustomerLimit)
	}
	return nil
}
