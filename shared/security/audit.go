package security

import (
	"context"
	"encoding/json"
	"errors"

	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// insertAuditSQL writes one audit row. actor_user_id is stored only when the account exists, so an
// account deleted meanwhile cannot make the foreign key refuse the write being audited.
const insertAuditSQL = `INSERT INTO audit_logs (actor_user_id, actor, action, entity_type, entity_id, details, ip_address, trace_id)
VALUES ((SELECT u.id FROM users u WHERE u.id = :1), :2, :3, :4, :5, :6, :7, :8)`

// Column bounds of audit_logs, in bytes.
const (
	maxActor  = 128
	maxAction = 64
	maxEntity = 64
)

// Entry is one staff or admin write, as its handler describes it.
type Entry struct {
	Action     string         // what was done, e.g. "product.update" (required)
	EntityType string         // the resource's type, e.g. "product"
	EntityID   string         // the resource's id
	Details    map[string]any // what changed; stored as JSON with the caller's user agent and request id
	// Actor overrides the request's principal, for writes without one (a scheduled job: "scheduler").
	Actor string
}

// Audit writes e to audit_logs through tx, the transaction of the write it describes, so the write
// and its audit row commit or roll back together: return its error to roll back. Who (the principal
// the gateway vouches for, and its account), the client address, the user agent and the trace id come
// from the request the Guard's middleware serves; a write with neither a principal nor Entry.Actor is
// refused, since it could not say who did it.
func Audit(ctx context.Context, tx db.DBTX, e Entry) error {
	const op = "security.Audit"
	rq := requestFrom(ctx)
	actor := e.Actor
	var userID any
	if actor == "" && rq != nil && rq.principal != "" {
		actor = rq.principal
		if rq.userID > 0 {
			userID = rq.userID
		}
	}
	if actor == "" {
		return apperr.Wrap(op, apperr.Internal, errors.New("an audited write needs a principal or an Entry.Actor"))
	}
	if e.Action == "" {
		return apperr.Wrap(op, apperr.Internal, errors.New("an audited write needs an Action"))
	}
	details := map[string]any{}
	for k, v := range e.Details {
		details[k] = v
	}
	var ip any
	if rq != nil {
		details["user_agent"] = rq.userAgent
		ip = rq.sourceIP
	}
	if id := web.RequestID(ctx); id != "" {
		details["request_id"] = id
	}
	b, err := json.Marshal(details)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	var traceID any
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		traceID = sc.TraceID().String()
	}
	_, err = tx.ExecContext(ctx, insertAuditSQL, userID, db.CutBytes(actor, maxActor), db.CutBytes(e.Action, maxAction),
		db.NullIfEmpty(db.CutBytes(e.EntityType, maxEntity)), db.NullIfEmpty(db.CutBytes(e.EntityID, maxEntity)), string(b), ip, traceID)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	return nil
}
