// Package crmsupport serves the CRM portal's support desk to staff holding crm.support: the ticket
// queue, a ticket with its whole conversation (internal notes included), assignment, status and
// priority changes, and agent replies and internal notes.
//
// Decisions:
//   - The queue shows waiting work by default (open and in progress), unassigned tickets first, then
//     oldest first, each with its service level (shared/support: urgent 4 h, high 8 h, medium 24 h,
//     low 72 h) and whether it is breached. Filters: status (or all), priority, assignee (an id,
//     none, or me), older_than_hours. Keyset pages over (assigned, created_at, id), at most 100, one
//     statement a page (message count as a scalar subquery), over ix_tickets_queue.
//   - Status moves only through the ticket machine of shared/support (the customer's ticket function
//     uses the same one): an illegal change is 409 invalid_transition with the allowed ones.
//     Resolving sets resolved_at, reopening clears it, closing sets closed_at.
//   - PATCH needs If-Match with the ETag of the ticket detail (428 without, 412 stale, nothing
//     changed); assignment and messages are guarded by the machine instead (a closed ticket takes
//     neither: 409).
//   - An agent reply (internal false) is a ticket_messages row with sender_type agent, visible to the
//     customer in GET /api/tickets/{id}, and the customer is emailed (ticket_reply, through the outbox
//     in the same transaction). An internal note (internal true) is is_internal = 1: the customer's
//     ticket function never reads those rows, and no email is sent. A reply to an open ticket moves
//     it to in_progress.
//   - Every write locks the ticket row (SELECT ... FOR UPDATE) before deciding, and is audited
//     through security.Audit in its transaction (who, what, before/after, trace id).
//   - Assignees must be active staff accounts whose role holds crm.support (identity's role table).
package crmsupport

import (
	"database/sql"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "crm-support"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Service serves the crm-support routes.
type Service struct {
	db     *sql.DB
	log    *slog.Logger
	now    func() time.Time
	mail   notify.Config
	outbox notify.Outbox
	kick   notify.Kicker
}

// New returns the crm-support function's HTTP handler. Reply emails go to the outbox configured by
// mail, and kick starts their delivery after each commit.
func New(store *sql.DB, log *slog.Logger, mail notify.Config, kick notify.Kicker) (http.Handler, error) {
	if kick == nil {
		kick = notify.KickFunc(func(...int64) {})
	}
	s := &Service{db: store, log: log, now: time.Now, mail: mail, outbox: mail.Outbox(nil), kick: kick}
	return web.NewRouter(Declaration(), log, map[string]web.HandlerFunc{
		"GET /api/crm/tickets":                s.list,
		"GET /api/crm/tickets/{id}":           s.get,
		"PATCH /api/crm/tickets/{id}":         s.patch,
		"POST /api/crm/tickets/{id}/assign":   s.assign,
		"POST /api/crm/tickets/{id}/messages": s.message,
	})
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func ticketID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, errNotFound("crmsupport.ID")
	}
	return id, nil
}

func errNotFound(op string) error { return apperr.E(op, apperr.NotFound, "ticket not found") }

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "GET /api/crm/tickets", Response: Queue{},
		Query: []string{"status", "priority", "assignee", "older_than_hours", "cursor", "limit"}},
	{Route: "GET /api/crm/tickets/{id}", Response: Ticket{}, ETag: true},
	{Route: "PATCH /api/crm/tickets/{id}", Request: Patch{}, Response: Ticket{}, IfMatch: true, ETag: true, Errors: []int{409}},
	{Route: "POST /api/crm/tickets/{id}/assign", Request: Assignment{}, Response: Ticket{}, ETag: true, Errors: []int{409}},
	{Route: "POST /api/crm/tickets/{id}/messages", Request: Reply{}, Response: Ticket{}, ETag: true, Errors: []int{409}},
}
