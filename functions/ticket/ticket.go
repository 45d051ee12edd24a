// Package ticket serves a signed-in customer's support tickets: opening one with its first message,
// listing them, reading one with its conversation, and writing to it.
//
// Decisions:
//   - Every route has scope customer, and the customer is never taken from the client: it is derived
//     from the principal the gateway vouches for (identity.FromRequest, "user:<id>") through
//     users.customer_id, inside the statement that reads or locks the ticket. Another customer's
//     ticket is 404, exactly like a ticket that does not exist, so ids cannot be probed. An account
//     without a customer record (staff, an external OpenID Connect subject) owns no tickets: its
//     list is empty, any ticket is 404, and opening one is 403 no_customer_profile.
//   - The status machine (open -> in_progress -> resolved -> closed, resolved -> open on a customer
//     message) is written once, in status.go. A customer message reopens a resolved ticket (clearing
//     resolved_at); a closed ticket refuses messages with 409 ticket_closed. The ticket row is locked
//     (FOR UPDATE; BEGIN IMMEDIATE on SQLite) while its status is decided, so a concurrent change by
//     an agent cannot be overwritten.
//   - Opening a ticket is one transaction: the ticket (subject = title, description = the opening
//     message, which the CRM's ticket list shows) and its first ticket_messages row. A product_id or
//     service_id must name an existing product or service (400 otherwise; the foreign keys are the
//     backstop). Priority low | medium | high | urgent, medium by default.
//   - Activity: every message moves tickets.updated_at, and the list is newest activity first with a
//     keyset cursor on (updated_at, id) over the index ix_tickets_customer_activity, at most 50 per
//     page, one statement per page (message counts as a correlated subquery, no N+1). A ticket's
//     messages come oldest first, at most 200 per answer, with next_messages_after to read on.
//   - Agents answer through the CRM (crm-support): an agent reply is a message with sender_type
//     agent and shows here; an internal note (is_internal = 1) is never read by this function, in
//     the conversation or in message_count.
//   - Text (title, message) is stored exactly as given and escaped only where rendered; the title is
//     one line without control characters, a message may hold line breaks and tabs. Sizes are the
//     columns': title 200, message 4000, in characters and in UTF-8 bytes.
package ticket

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
const Name = "ticket"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Service serves the ticket routes.
type Service struct {
	db  *sql.DB
	now func() time.Time
}

// New returns the ticket function's HTTP handler.
func New(store *sql.DB, log *slog.Logger) (http.Handler, error) {
	fn := Declaration()
	s := &Service{db: store, now: time.Now}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{
		"POST /api/tickets":               s.create,
		"GET /api/tickets":                s.list,
		"GET /api/tickets/{id}":           s.get,
		"POST /api/tickets/{id}/messages": s.addMessage,
	})
}

// clock is the current time as the database stores it (UTC, milliseconds: SQLite's precision), so
// what a write answers equals what a later read returns and keyset cursors match stored values.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Ticket is a ticket as its customer sees it.
type Ticket struct {
	ID           int64      `json:"id"`
	Title        string     `json:"title"`
	Status       Status     `json:"status"`
	Priority     string     `json:"priority"`
	ProductID    *int64     `json:"product_id"`
	ServiceID    *int64     `json:"service_id"`
	MessageCount int64      `json:"message_count"`
	ResolvedAt   *time.Time `json:"resolved_at"`
	ClosedAt     *time.Time `json:"closed_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Detail is a ticket with its messages, oldest first.
type Detail struct {
	Ticket
	Messages          []Message `json:"messages"`
	NextMessagesAfter *int64    `json:"next_messages_after"` // pass as ?after= for the next messages
}

// Message is one message of a ticket's conversation.
type Message struct {
	ID         int64     `json:"id"`
	SenderType string    `json:"sender_type"` // customer | agent
	Message    string    `json:"message"`
	CreatedAt  time.Time `json:"created_at"`
}

// ticketID reads the {id} path parameter; a malformed id names no ticket (404).
func ticketID(r *http.Request) (int64, error) {
	id, ok := web.PathID(r, "id")
	if !ok {
		return 0, errNotFound("ticket.ID")
	}
	return id, nil
}

func errNotFound(op string) error { return apperr.E(op, apperr.NotFound, "ticket not found") }

func errNoCustomer(op string) error {
	return apperr.E(op, apperr.Forbidden, "this account has no customer profile").WithCode("no_customer_profile")
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "POST /api/tickets", Request: CreateRequest{}, Response: Detail{}, Status: []int{201}, Location: true},
	{Route: "GET /api/tickets", Response: Page{}, Query: []string{"cursor", "limit"}},
	{Route: "GET /api/tickets/{id}", Response: Detail{}, Query: []string{"after", "limit"}},
	{Route: "POST /api/tickets/{id}/messages", Request: MessageRequest{}, Response: MessageAnswer{}, Status: []int{201}, Errors: []int{409}},
}
