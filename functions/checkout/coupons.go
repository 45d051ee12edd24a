package checkout

import (
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// CouponRequest is the body of POST /api/coupons/validate. The customer rules (first order only,
// per-customer limit) are checked for the signed-in customer only (see validateCoupon).
type CouponRequest struct {
	Code     string       `json:"code"`
	Subtotal *money.Cents `json:"subtotal"`
}

// CouponPreview is what an order with this subtotal would cost with the coupon; the coupon is not
// used. Rules are the coupon's conditions; CustomerChecked tells whether the customer rules were
// checked (the caller is signed in as a verified customer).
type CouponPreview struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Valid       bool   `json:"valid"`
	commerce.Totals
	Currency        string         `json:"currency"`
	Rules           commerce.Rules `json:"rules"`
	ValidUntil      *time.Time     `json:"valid_until"`
	CustomerChecked bool           `json:"customer_checked"`
}

// accountEmailSQL reads the email of the customer a signed-in account is linked to: only a verified
// account has one (migration 0010).
const accountEmailSQL = `SELECT c.email FROM users u JOIN customers c ON c.id = u.customer_id
WHERE u.id = :1 AND u.is_active = 1`

// validateCoupon previews a coupon with exactly the checkout's rules (active, validity window,
// max_uses, minimum subtotal and, for a signed-in verified customer, first order only and
// per-customer limit) and pricing. A coupon that cannot be applied is the same 422 the checkout would
// answer.
//
// The customer rules are checked for the caller's own customer record, never for an email the
// request names: answering "first order only" for any email would tell anyone whether that address
// has ordered here (an enumeration oracle costing one unauthenticated request). The route declares
// auth: optional, so the token is verified in the function (security.Optional); anonymous callers get
// the preview without the customer rules (customer_checked false) and the checkout applies them.
func (s *Service) validateCoupon(w http.ResponseWriter, r *http.Request) error {
	const op = "checkout.ValidateCoupon"
	var req CouponRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if req.Subtotal == nil || *req.Subtotal < 0 || *req.Subtotal > money.Max {
		return apperr.E(op, apperr.Invalid, `subtotal is required: a non-negative amount such as "129.00"`)
	}
	code, err := commerce.NormalizeCode(req.Code)
	if err != nil {
		return err
	}
	email := ""
	if p, err := identity.FromRequest(r); err == nil && p.UserID > 0 {
		err := s.db.QueryRowContext(r.Context(), accountEmailSQL, p.UserID).Scan(&email)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return apperr.Wrap(op, apperr.Internal, err)
		}
	}
	c, err := commerce.Preview(r.Context(), s.db, code, commerce.Redemption{Email: email, Subtotal: *req.Subtotal, Now: s.now()})
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, CouponPreview{Code: c.Code, Description: c.Description, Valid: true,
		Totals: commerce.Price(*req.Subtotal, c.Discount), Currency: commerce.Currency, Rules: c.Rules,
		ValidUntil: c.ValidUntil, CustomerChecked: email != ""})
	return nil
}
