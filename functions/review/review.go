// Package review serves product reviews: the public list of a product's reviews with its average
// rating, anonymous reviews, and reviews by signed-in customers.
//
// Decisions:
//   - Two write routes. A public route never sees who is signed in: the gateway (locally and on OCI)
//     runs the authorizer only for protected routes and strips the principal headers everywhere
//     else. So POST /api/products/{id}/reviews (public, rate limited per client IP) stores an
//     anonymous review, and POST /api/account/products/{id}/reviews (scope customer) stores the
//     signed-in customer's review, the way orders has /api/account/orders/{id}. A browser with a
//     session calls the account route; the public one never links a review to anybody.
//   - The customer is derived from the principal the gateway vouches for (identity.FromRequest,
//     "user:<id>") through users.customer_id; an account without a customer record (staff, an
//     external OpenID Connect subject) is answered 403 no_customer_profile.
//   - A customer's review is verified when one of their orders in a sold status (paid, processing,
//     shipped, delivered; not pending, cancelled or refunded) contains the product, decided in the
//     same statement that reads the product and the customer. One review per customer and product
//     (the unique index ux_reviews_customer_product): a second post updates the first, keeps its id
//     and created_at, and answers 200 instead of 201. The check-then-write runs in one transaction;
//     on Oracle two concurrent first posts meet at the unique index and the loser retries once,
//     finding the winner's row to update. The MERGE upsert of package db cannot be used here: its
//     SQLite form needs a conflict target matching a plain unique index, and the index is partial.
//   - Validation: rating is a required JSON integer 1..5 (missing, null, "5", 5.5, 0 and 6 are 400;
//     never a default); comment at most 2000 characters, title 200, author_name 100, each also within
//     its column's size in UTF-8 bytes (Oracle's VARCHAR2 sizes are bytes). Text is stored exactly
//     as given, never escaped or trimmed here (rendering escapes it); single-line fields refuse
//     control characters, the comment allows line breaks and tabs. Empty optional text is NULL.
//   - Only active products take reviews and list them; an unknown or inactive product is 404.
//   - The list is newest first (created_at, id) with a keyset cursor, at most 50 per page; the average
//     (two decimals) and the count cover all of the product's reviews and come from the statement
//     that checks the product, so a page costs two statements whatever its size.
package review

import (
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "review"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Service serves the review routes.
type Service struct {
	db  *sql.DB
	now func() time.Time
}

// New returns the review function's HTTP handler.
func New(store *sql.DB, log *slog.Logger) (http.Handler, error) {
	fn := Declaration()
	s := &Service{db: store, now: time.Now}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{
		"GET /api/products/{id}/reviews":          s.list,
		"POST /api/products/{id}/reviews":         s.postAnonymous,
		"POST /api/account/products/{id}/reviews": s.postAsCustomer,
	})
}

// clock is the current time as the database stores it (UTC, milliseconds: SQLite's precision), so
// what a write answers equals what a later read returns, and keyset cursors match stored values.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Review is a review as clients see it; the customer it belongs to is never shown.
type Review struct {
	ID         int64     `json:"id"`
	ProductID  int64     `json:"product_id"`
	Rating     int       `json:"rating"`
	Title      *string   `json:"title"`
	Comment    *string   `json:"comment"`
	AuthorName string    `json:"author_name"`
	Verified   bool      `json:"verified"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// productID reads the {id} path parameter; a malformed id names no product (404).
func productID(r *http.Request) (int64, error) {
	id, ok := web.PathID(r, "id")
	if !ok {
		return 0, errNoProduct("review.ProductID")
	}
	return id, nil
}

func errNoProduct(op string) error { return apperr.E(op, apperr.NotFound, "product not found") }

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "GET /api/products/{id}/reviews", Response: Page{}, Query: []string{"cursor", "limit"}},
	{Route: "POST /api/products/{id}/reviews", Request: Request{}, Response: Review{}, Status: []int{201}},
	{Route: "POST /api/account/products/{id}/reviews", Request: Request{}, Response: Review{}, Status: []int{201, 200},
		Summary: "Post or replace the caller's review of a product (200: replaced)"},
}
