// Package checkout places orders: POST /api/checkout turns a cart into an order in one transaction,
// and POST /api/coupons/validate previews a coupon with the same pricing rules (package commerce).
//
// # One transaction, constant cost
//
// Service.PlaceOrder is the checkout: the handler of POST /api/checkout only decodes the
// Idempotency-Key and the body, calls it and encodes its answer. A checkout runs a fixed sequence of statements whatever the number of cart lines (12; with a coupon
// 14, or 15 when the coupon has customer rules; lines travel as array DML on Oracle and multi-row
// statements on SQLite):
//
//  1. look the Idempotency-Key up (outside the transaction: a replay never takes a lock);
//  2. touch the cart (UPDATE carts ... WHERE not expired): 404 for an unknown or expired cart, and on
//     Oracle a row lock that serialises checkouts of one cart (SQLite's BEGIN IMMEDIATE locks all);
//  3. look the key up again, now under that lock: a racing replay that lost sees the winner's order;
//  4. read the lines with their products (FOR UPDATE OF p.stock on Oracle): empty cart 422,
//     withdrawn product 422 product_unavailable; Oracle locks them in plan order, so two checkouts
//     of overlapping carts may deadlock (ORA-00060): the victim's transaction is retried once;
//  5. coupon (commerce.Redeem): read it and lock its row (FOR UPDATE), check its rules (active,
//     validity window, max_uses, minimum subtotal, and for coupons with customer rules, first order
//     only and the per-customer limit, counted from the customer's orders that are not cancelled
//     under that lock, so concurrent checkouts of one customer never pass the limit), then count the
//     use with a conditional UPDATE (max_uses can never be exceeded); any rule broken is 422 with
//     its coupon_* code;
//  6. decrement stock for all lines in one batch, each row conditional (stock >= quantity): when the
//     batch changed fewer rows than there are lines, the order fails with 409 out_of_stock naming the
//     products short of stock and everything rolls back; there is no overselling and no partial order;
//  7. the customer, found by case-insensitive email or created (MERGE ... WHEN NOT MATCHED only, so an
//     anonymous checkout never changes a stored name, company or phone);
//  8. the order (status processing, payment simulated as paid), its id through RETURNING;
//  9. its items (one batch), the shipment (tracking number OCTO-<6-digit order id>, carrier, 1.4 kg a
//     unit, estimated delivery), its first status event, and an audit log row (security.Audit);
//  10. the cart emptied;
//  11. with WithNotifications, the order confirmation written to the notification outbox (one row),
//     so it is mailed if and only if the order commits.
//
// Prices are the products' current prices, read under the lock; all arithmetic is integer cents.
//
// # Idempotency
//
// The Idempotency-Key header is required ([A-Za-z0-9._:-]{8,128}). The order stores the key (unique)
// and the SHA-256 of the normalised request. The same key with the same request answers the same order
// with 200 (header Idempotent-Replayed: true); with a different request it is 409
// idempotency_key_reused. Concurrent requests with one key are decided by the database: on SQLite
// the write lock serialises them and the loser sees the winner at step 3; on Oracle the cart lock
// does the same for one cart, and for different carts the unique key on orders.idempotency_key
// rejects the loser's insert, which then rolls back and answers the winner's order.
//
// # Order token
//
// The 201 answer carries order_token: 256 random bits, of which only the SHA-256 is stored. With it,
// GET /api/orders/{id} (orders function, header X-Order-Token) reads the order without an account. A
// replay cannot answer the token again, since nobody (a database reader included) can recover it from
// its hash; a client that lost the first answer reads the order signed in.
package checkout

import (
	"database/sql"
	"errors"

	"go.opentelemetry.io/otel/attribute"

	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "checkout"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Shipping facts of a new order.
const (
	// Carrier ships every order.
	Carrier = "UPS"
	// OriginRegion is the region of the fulfilment centre orders ship from.
	OriginRegion = "us-central"
	// DeliveryTime is the estimated time from order to delivery.
	DeliveryTime = 5 * 24 * time.Hour
	// GramsPerUnit is the shipping weight of one unit (1.4 kg).
	GramsPerUnit = 1400
)

// Service places orders (PlaceOrder) and previews coupons; Handler serves both over HTTP.
type Service struct {
	db      *sql.DB
	log     *slog.Logger
	now     func() time.Time
	metrics Metrics
	mail    *notify.Config
	outbox  notify.Outbox
	kick    notify.Kicker
	tokens  security.TokenVerifier
	// intercept, when set (by tests), wraps every handle the service runs statements on, inside its
	// transaction and outside: the seam through which the tests inject Oracle's failures.
	intercept func(db.DBTX) db.DBTX
}

// on returns q as the service runs statements on it.
func (s *Service) on(q db.DBTX) db.DBTX {
	if s.intercept == nil {
		return q
	}
	return s.intercept(q)
}

// Metrics records the business metrics of checkout (telemetry.Instruments satisfies it).
type Metrics interface {
	RecordOrder(ctx context.Context, totalUSD float64, attrs ...attribute.KeyValue)
}

// Option adjusts New.
type Option func(*Service)

// WithMetrics records every new order (never a replay) and its total in m.
func WithMetrics(m Metrics) Option { return func(s *Service) { s.metrics = m } }

// WithNotifications mails an order confirmation with the order's link (carrying the order token as
// its token= parameter) for every new order: the message is written to the outbox in the checkout's
// transaction, so a checkout that rolls back mails nothing, and kick starts its delivery after the
// commit.
func WithNotifications(mail notify.Config, kick notify.Kicker) Option {
	return func(s *Service) { s.mail, s.outbox, s.kick = &mail, mail.Outbox(nil), kick }
}

// WithVerifier verifies the bearer tokens of signed-in callers of POST /api/coupons/validate (it
// declares auth: optional and is authenticated here, see security.Optional); New requires it.
func WithVerifier(v security.TokenVerifier) Option { return func(s *Service) { s.tokens = v } }

// NewService returns the checkout service over store.
func NewService(store *sql.DB, log *slog.Logger, opts ...Option) *Service {
	s := &Service{db: store, log: log, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// New returns the checkout function's HTTP handler.
func New(store *sql.DB, log *slog.Logger, opts ...Option) (http.Handler, error) {
	return NewService(store, log, opts...).Handler()
}

// Handler returns the service's HTTP handler: each route decodes its request, calls one service
// method and encodes its answer.
func (s *Service) Handler() (http.Handler, error) {
	if s.tokens == nil {
		return nil, errors.New("checkout: POST /api/coupons/validate declares auth: optional: a token verifier is required (WithVerifier)")
	}
	return web.NewRouter(Declaration(), s.log, security.Optional(Declaration(), s.tokens, s.log, map[string]web.HandlerFunc{
		"POST /api/checkout":         s.checkout,
		"POST /api/coupons/validate": s.validateCoupon,
	}))
}

// checkout serves POST /api/checkout: 201 with the new order and its token, or 200 with header
// Idempotent-Replayed: true and the order the key placed before.
func (s *Service) checkout(w http.ResponseWriter, r *http.Request) error {
	key, err := idempotencyKey(r.Header)
	if err != nil {
		return err
	}
	var req Request
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	p, err := s.PlaceOrder(r.Context(), key, req)
	if err != nil {
		return err
	}
	web.NoStore(w) // order_token reads the order and its address
	if p.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
		web.JSON(w, http.StatusOK, Result{Order: p.Order})
		return nil
	}
	w.Header().Set("Location", "/api/orders/"+strconv.FormatInt(p.Order.ID, 10))
	web.JSON(w, http.StatusCreated, Result{Order: p.Order, OrderToken: p.Token})
	return nil
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "POST /api/checkout", Request: Request{}, Response: Result{}, Status: []int{201, 200}, Idempotent: true, Location: true,
		Errors: []int{404, 409, 422}, Summary: "Place an order from a cart (200: a retry of the same order)"},
	{Route: "POST /api/coupons/validate", Request: CouponRequest{}, Response: CouponPreview{}, Errors: []int{404, 422}},
}
