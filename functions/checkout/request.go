package checkout

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/shape"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// IdempotencyKeyHeader names the header that makes a checkout safe to retry.
const IdempotencyKeyHeader = "Idempotency-Key"

// PaymentMethods are the accepted payment methods (payment is simulated).
var PaymentMethods = []string{"bank_transfer", "card", "invoice", "paypal"}

// Request is the body of POST /api/checkout.
type Request struct {
	CartID          string   `json:"cart_id"`
	Customer        Customer `json:"customer"`
	ShippingAddress string   `json:"shipping_address"`
	PaymentMethod   string   `json:"payment_method"`
	CouponCode      string   `json:"coupon_code,omitempty"`
}

// Customer is who the order is for.
type Customer struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone,omitempty"`
	Company string `json:"company,omitempty"`
}

// normalize trims the request, upper-cases the coupon and lower-cases the email's role in matching,
// and checks every field; the result is what is stored and hashed.
func (r Request) normalize() (Request, error) {
	const op = "checkout.Validate"
	bad := func(msg string) (Request, error) { return Request{}, apperr.E(op, apperr.Invalid, msg) }
	r.CartID = strings.TrimSpace(r.CartID)
	r.Customer.Name = strings.TrimSpace(r.Customer.Name)
	r.Customer.Email = strings.TrimSpace(r.Customer.Email)
	r.Customer.Phone = strings.TrimSpace(r.Customer.Phone)
	r.Customer.Company = strings.TrimSpace(r.Customer.Company)
	r.ShippingAddress = strings.TrimSpace(r.ShippingAddress)
	r.PaymentMethod = strings.TrimSpace(r.PaymentMethod)
	if !shape.LowerHex(r.CartID, 32) {
		return bad("cart_id must be the id POST /api/carts returned")
	}
	email, err := web.Email(op, "customer.email", r.Customer.Email)
	if err != nil {
		return Request{}, err
	}
	r.Customer.Email = email
	for _, c := range []struct {
		limit web.TextLimit
		v     string
	}{ // the sizes of the columns that store them: customers.name, phone, company, orders.shipping_address
		{web.TextLimit{Field: "customer.name", Bytes: 200, Required: true}, r.Customer.Name},
		{web.TextLimit{Field: "customer.phone", Bytes: 40}, r.Customer.Phone},
		{web.TextLimit{Field: "customer.company", Bytes: 200}, r.Customer.Company},
		{web.TextLimit{Field: "shipping_address", Bytes: 1000, Required: true, Multiline: true}, r.ShippingAddress},
	} {
		if err := c.limit.Check(op, c.v); err != nil {
			return Request{}, err
		}
	}
	if !slices.Contains(PaymentMethods, r.PaymentMethod) {
		return bad("payment_method must be one of " + strings.Join(PaymentMethods, ", "))
	}
	if r.CouponCode != "" {
		code, err := commerce.NormalizeCode(r.CouponCode)
		if err != nil {
			return Request{}, err
		}
		r.CouponCode = code
	}
	return r, nil
}

// hash is the SHA-256 of the normalised request (email compared case-insensitively): a replay with
// the same key must carry the same request.
func (r Request) hash() string {
	r.Customer.Email = strings.ToLower(r.Customer.Email)
	b, _ := json.Marshal(r) // a struct of strings always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// idempotencyKey reads and checks the Idempotency-Key header.
func idempotencyKey(h interface{ Get(string) string }) (string, error) {
	k := h.Get(IdempotencyKeyHeader)
	if k == "" {
		return "", apperr.E("checkout.IdempotencyKey", apperr.Invalid, "the Idempotency-Key header is required").
			WithCode("idempotency_key_required")
	}
	if !shape.Token(k, 8, 128) {
		return "", apperr.E("checkout.IdempotencyKey", apperr.Invalid,
			"Idempotency-Key must be 8 to 128 of A-Z a-z 0-9 . _ : -").WithCode("idempotency_key_invalid")
	}
	return k, nil
}
