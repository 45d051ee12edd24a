// Package crmorders serves the CRM portal's order desk to staff: the order list with its filters
// (status, customer, date range, the stale backlog, suspicious totals), an order's detail (items,
// payment, shipment with its events, status history, trace id), order transitions through one state
// machine, and shipment updates.
//
// Decisions:
//   - Permissions, not just scope: reading needs crm.orders.read, transitions crm.orders.transition,
//     shipment updates crm.shipments.write (func.yaml; identity's role table decides who holds them).
//   - One state machine (machine.go): processing -> shipped -> delivered; pending, payment_pending,
//     paid, processing -> cancelled; paid, processing, shipped, delivered -> refunded. An illegal
//     transition is 409 invalid_transition with the allowed ones. Transitions are guarded by the
//     machine, not by If-Match: cancelled and refunded are final, so of any number of identical
//     concurrent cancels one succeeds and the rest are 409.
//   - Cancel and refund return the order's stock (one UPDATE over its lines) and its coupon use (one
//     conditional UPDATE) in the transition's transaction, after the order row is locked
//     (SELECT ... FOR UPDATE), so they happen exactly once, atomically with the status change.
//   - A shipment follows its order and the order its shipment: shipping or delivering an order moves
//     its parcel, cancelling it cancels an unshipped parcel; a parcel marked shipped or delivered
//     moves its order along the same machine (refused with 409 when the order may not). Every
//     shipment change is a shipment_events row; every order change an order_status_history row.
//   - The customer is emailed (notify outbox, in the same transaction) when the order becomes shipped
//     or delivered, by either route.
//   - Concurrency: every write locks the order row first, then its shipment, always in that order.
//     A shipment PATCH needs If-Match with the ETag of the order detail it was read from (the
//     shipment is part of that answer): 428 without, 412 when stale, nothing changed.
//   - Every write is audited through security.Audit in its transaction (who, what, before/after,
//     trace id).
//   - The list is keyset-paginated newest first on (created_at, id), at most 100 a page, one
//     statement a page (customer name, line count and shipment status as joins and scalar
//     subqueries), over ix_orders_created_at / ix_orders_status_created.
package crmorders

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "crm-orders"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Service serves the crm-orders routes.
type Service struct {
	db     *sql.DB
	log    *slog.Logger
	now    func() time.Time
	mail   notify.Config
	outbox notify.Outbox
	kick   notify.Kicker
}

// New returns the crm-orders function's HTTP handler. Shipment emails are written to the outbox
// configured by mail, and kick starts their delivery after each commit.
func New(store *sql.DB, log *slog.Logger, mail notify.Config, kick notify.Kicker) (http.Handler, error) {
	if kick == nil {
		kick = notify.KickFunc(func(...int64) {})
	}
	s := &Service{db: store, log: log, now: time.Now, mail: mail, outbox: mail.Outbox(nil), kick: kick}
	return web.NewRouter(Declaration(), log, map[string]web.HandlerFunc{
		"GET /api/crm/orders":                   s.list,
		"GET /api/crm/orders/{id}":              s.get,
		"POST /api/crm/orders/{id}/transitions": s.transition,
		"PATCH /api/crm/shipments/{id}":         s.patchShipment,
	})
}

// clock is the current time as the database stores it (UTC, milliseconds).
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// pathID reads the {id} path parameter; a malformed id names nothing (404).
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, apperr.E("crmorders.ID", apperr.NotFound, what+" not found")
	}
	return id, nil
}

// traceID is the request's trace id, or nil when there is none.
func traceID(ctx context.Context) any {
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return nil
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "GET /api/crm/orders", Response: ListPage{},
		Query: []string{"status", "customer_id", "from", "to", "backlog", "suspicious", "cursor", "limit"}},
	{Route: "GET /api/crm/orders/{id}", Response: Order{}, ETag: true},
	{Route: "POST /api/crm/orders/{id}/transitions", Request: TransitionRequest{}, Response: Order{}, ETag: true, Errors: []int{409}},
	{Route: "PATCH /api/crm/shipments/{id}", Request: ShipmentPatch{}, Response: Order{}, IfMatch: true, ETag: true, Errors: []int{409}},
}
