// Package crmcustomers serves the CRM portal's customer directory to staff: search, the 360 view of
// one customer, and edits of the contact fields.
//
// Decisions:
//   - Search (crm.customers.read): q matches name, email or company (case-insensitive substring,
//     LIKE with % and _ escaped), industry an industry exactly (case-insensitive); newest customers
//     first, keyset pages on id, at most 100, one statement a page (order count and lifetime revenue
//     as scalar subqueries over ix_orders_customer_id).
//   - The 360 view: contact, orders summary (count, lifetime revenue from non-cancelled orders, last
//     order, the 10 most recent), open tickets (up to 20), leads by customer or email (up to 20) and
//     the last activity (newest of order, ticket and lead). Four statements whatever the history.
//   - PATCH (crm.customers.write) of name, email, phone, company, industry, region, notes needs
//     If-Match with the detail's ETag (428 without, 412 stale, nothing changed); the row is locked
//     (FOR UPDATE) while the ETag is compared. A duplicate email (the unique LOWER(email) index) is
//     409 email_taken. Audited with the changed fields before and after.
package crmcustomers

import (
	"database/sql"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "crm-customers"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Service serves the crm-customers routes.
type Service struct {
	db  *sql.DB
	log *slog.Logger
	now func() time.Time
}

// New returns the crm-customers function's HTTP handler.
func New(store *sql.DB, log *slog.Logger) (http.Handler, error) {
	s := &Service{db: store, log: log, now: time.Now}
	return web.NewRouter(Declaration(), log, map[string]web.HandlerFunc{
		"GET /api/crm/customers":        s.list,
		"GET /api/crm/customers/{id}":   s.get,
		"PATCH /api/crm/customers/{id}": s.patch,
	})
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func customerID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, errNotFound("crmcustomers.ID")
	}
	return id, nil
}

func errNotFound(op string) error { return apperr.E(op, apperr.NotFound, "customer not found") }

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "GET /api/crm/customers", Response: Page{}, Query: []string{"q", "industry", "cursor", "limit"}},
	{Route: "GET /api/crm/customers/{id}", Response: View{}, ETag: true},
	{Route: "PATCH /api/crm/customers/{id}", Request: Patch{}, Response: View{}, IfMatch: true, ETag: true, Errors: []int{409}},
}
