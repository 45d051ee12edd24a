// Package orders serves reads of placed orders, to exactly two kinds of caller: whoever holds the
// order's token from checkout, and the signed-in customer the order belongs to. Anyone else gets 404
// (not 403: the answer does not reveal that the order exists).
//
// Decisions:
//   - Routes and scopes. A public route cannot see who is signed in: the gateway (locally and on OCI)
//     only runs the authorizer for protected routes and strips the principal headers everywhere else.
//     So access by token and access by account are two routes: GET /api/orders/{id} (public, header
//     X-Order-Token) and GET /api/account/orders/{id} (scope customer); GET /api/orders (customer)
//     lists the caller's own orders.
//   - The customer is never taken from the client: it is derived from the principal the gateway
//     vouches for (identity.FromRequest; "user:<id>") through users.customer_id, inside the same
//     statement that reads the orders. An external (OpenID Connect) principal has no account here and
//     so no orders. Ownership is checked by the function itself, not only by the gateway's scope.
//   - Tokens are compared as SHA-256 hashes in constant time (commerce.OrderTokenMatches); only the
//     hash is stored.
//   - An order is three statements whatever its size (header with its shipment, items, shipment
//     events); a list page is one statement (item counts and tracking numbers as correlated scalar
//     subqueries, no N+1), newest first with a keyset cursor on (created_at, id).
package orders

import (
	"log/slog"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "orders"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// TokenHeader carries the order token of GET /api/orders/{id}.
const TokenHeader = "X-Order-Token"

// Service serves the order routes.
type Service struct {
	db  db.DBTX
	log *slog.Logger
}

// New returns the orders function's HTTP handler.
func New(store db.DBTX, log *slog.Logger) (http.Handler, error) {
	fn := Declaration()
	s := &Service{db: store, log: log}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{
		"GET /api/orders/{id}":         s.getByToken,
		"GET /api/account/orders/{id}": s.getOwn,
		"GET /api/orders":              s.list,
	})
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "GET /api/orders/{id}", Response: Order{}, Headers: []string{TokenHeader}},
	{Route: "GET /api/orders", Response: Page{}, Query: []string{"cursor", "limit"}},
	{Route: "GET /api/account/orders/{id}", Response: Order{}},
}
