package checkout

import (
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// CouponRequest is the body of POST /api/coupons/validate. Email is optional: with it, the rules on
// the customer (first order only, per-customer limit) are checked too.
type CouponRequest struct {
	Code     string       `json:"code"`
	Subtotal *money.Cents `json:"subtotal"`
	Email    string       `json:"email,omitempty"`
}

// CouponPreview is what an order with this subtotal would cost with the coupon; the coupon is not
// used. Rules are the coupon's conditions; CustomerChecked tells whether the customer rules were
// checked (an email was given).
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

// validateCoupon previews a coupon with exactly the checkout's rules (active, validity window,
// max_uses, minimum subtotal and, given an email, first order only and per-customer limit) and
// pricing. A coupon that cannot be applied is the same 422 the checkout would answer.
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
	if req.Email != "" {
		if email, err = web.Email(op, "email", req.Email); err != nil {
			return err
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
