// Package cart serves anonymous shopping carts: POST /api/carts creates one, and every other route
// reads or changes it by its id, answering the whole cart each time (items with product name, SKU,
// current unit price, quantity and line total, and the subtotal).
//
// Decisions:
//   - A cart id is 128 random bits (crypto/rand) in hex: holding it is the only credential, so it
//     must be unguessable; it never appears in a list. An unknown, malformed or expired id is 404.
//   - Item ids are only ever used together with their cart id (every statement filters on both), so
//     an item id from another cart is 404 and cannot be read, changed or deleted across carts.
//   - Rules: quantity 1..20 per line after merging with the line already holding the product (400
//     when the requested quantity itself is outside 1..20, 422 quantity_limit when the merged line
//     would be), only active products (422 product_unavailable), never more than the stock on hand
//     (409 out_of_stock, with the quantity available); adding needs stock > 0. The cart does not
//     reserve stock: checkout decrements it atomically and is the only authority.
//   - A change runs in one transaction that first "touches" the cart (UPDATE carts ... WHERE the
//     cart has not expired): that is the 404 check, it extends the expiry to 7 days from now (carts
//     expire after 7 days without a change), and on Oracle it locks the cart row, so concurrent
//     changes to one cart serialise and the read-then-write of a line is safe (on SQLite BEGIN
//     IMMEDIATE does the same). Reading a cart does not extend it.
//   - An add then reads the product with FOR UPDATE: it locks the product row, which admin-catalog's
//     archive and delete lock first too, so an archive (or delete) never commits between the add's
//     check that the product is active and its write of the line (under Oracle's READ COMMITTED it
//     could, and the archive's removal of the product's cart lines would miss the new line). Lock
//     order: cart row, then product row, as checkout.
//   - The whole cart is one statement (carts LEFT JOIN cart_items LEFT JOIN products), whatever the
//     number of lines; a change costs four statements.
package cart

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/shape"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "cart"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Lifetime is how long a cart lives without a change.
const Lifetime = 7 * 24 * time.Hour

// ValidID reports whether id has the shape of a cart id: 128 random bits as 32 lower-case hex
// characters.
func ValidID(id string) bool { return shape.LowerHex(id, 32) }

// Service serves the cart routes.
type Service struct {
	db      *sql.DB
	log     *slog.Logger
	now     func() time.Time
	metrics Metrics
	// intercept, when set (by tests), wraps the transaction every change runs its statements on,
	// so a test can play a concurrent transaction's committed writes between two statements (the
	// interleavings Oracle's READ COMMITTED allows and SQLite's write lock never does); nil in
	// production.
	intercept func(db.DBTX) db.DBTX
}

// Metrics records the cart's business metrics (telemetry.Instruments satisfies it).
type Metrics interface {
	RecordCartAddition(ctx context.Context, quantity int64, attrs ...attribute.KeyValue)
}

// Option adjusts New.
type Option func(*Service)

// WithMetrics records the quantity of every successful item addition in m.
func WithMetrics(m Metrics) Option { return func(s *Service) { s.metrics = m } }

// New returns the cart function's HTTP handler.
func New(store *sql.DB, log *slog.Logger, opts ...Option) (http.Handler, error) {
	s := &Service{db: store, log: log, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s.routes()
}

// routes is the service's HTTP handler.
func (s *Service) routes() (http.Handler, error) {
	return web.NewRouter(Declaration(), s.log, map[string]web.HandlerFunc{
		"POST /api/carts":                             s.create,
		"GET /api/carts/{cart_id}":                    s.get,
		"POST /api/carts/{cart_id}/items":             s.addItem,
		"PATCH /api/carts/{cart_id}/items/{item_id}":  s.updateItem,
		"DELETE /api/carts/{cart_id}/items/{item_id}": s.removeItem,
	})
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "POST /api/carts", Response: Cart{}, Status: []int{201}, Location: true},
	{Route: "GET /api/carts/{cart_id}", Response: Cart{}},
	{Route: "POST /api/carts/{cart_id}/items", Request: AddItemRequest{}, Response: Cart{}, Errors: []int{409, 422}},
	{Route: "PATCH /api/carts/{cart_id}/items/{item_id}", Request: UpdateItemRequest{}, Response: Cart{}, Errors: []int{409, 422}},
	{Route: "DELETE /api/carts/{cart_id}/items/{item_id}", Response: Cart{}},
}
