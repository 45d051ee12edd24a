package checkout

import (
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// CouponRequest is the body of POST /api/coupons/validate.
type CouponRequest struct {
	Code     string       `json:"code"`
	Subtotal *money.Cents `json:"subtotal"`
}

// CouponPreview is what an order with this subtotal would cost with the coupon; the coupon is not
// used.
type CouponPreview struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Valid       bool   `json:"valid"`
	commerce.Totals
	Currency string `json:"currency"`
}

// validateCoupon previews a coupon with exactly the checkout's rules (active, validity window,
// max_uses) and pricing. A coupon that cannot be applied is the same 422 the checkout would answer.
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
	c, err := commerce.LookupCoupon(r.Context(), s.db, code)
	if err != nil {
		return err
	}
	if err := c.Check(s.now()); err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, CouponPreview{Code: c.Code, Description: c.Description, Valid: true,
		Totals: commerce.Price(*req.Subtotal, c.Discount), Currency: commerce.Currency})
	return nil
}
