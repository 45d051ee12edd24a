package security

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
)

// recordEventSQL adds one event to the row of its source address, attack type and minute, creating
// the row for the first (a unique index covers source_ip, attack_type, window_start): a
// flood updates a counter instead of filling the table. The row keeps the first event's payload and
// details. product_id is stored only when the product exists, so a made-up id cannot make the
// foreign key refuse the event.
const recordEventSQL = `MERGE INTO security_events e
USING (SELECT :1 AS attack_type, :2 AS severity, :3 AS endpoint, :4 AS http_method, :5 AS source_ip,
              :6 AS user_agent, :7 AS payload, (SELECT p.id FROM products p WHERE p.id = :8) AS product_id,
              :9 AS session_id, :10 AS trace_id, :11 AS details, :12 AS window_start FROM dual) s
ON (e.source_ip = s.source_ip AND e.attack_type = s.attack_type AND e.window_start = s.window_start)
WHEN MATCHED THEN UPDATE SET e.event_count = e.event_count + 1, e.updated_at = SYSTIMESTAMP
WHEN NOT MATCHED THEN INSERT (attack_type, severity, endpoint, http_method, source_ip, user_agent, payload, product_id,
    session_id, trace_id, details, window_start)
VALUES (s.attack_type, s.severity, s.endpoint, s.http_method, s.source_ip, s.user_agent, s.payload, s.product_id,
    s.session_id, s.trace_id, s.details, s.window_start)`

// Span event and attribute names of a security event.
const (
	spanEventName = "security_event"

	attrAttackType = attribute.Key("octo.security.attack_type")
	attrCategory   = attribute.Key("octo.security.category")
	attrSeverity   = attribute.Key("octo.security.severity")
	attrEndpoint   = attribute.Key("url.path")
	attrMethod     = attribute.Key("http.request.method")
	attrSourceIP   = attribute.Key("client.address")
	attrPayload    = attribute.Key("octo.security.payload")
	attrProductID  = attribute.Key("octo.security.product_id")
	attrSession    = attribute.Key("octo.security.session_id")
	attrTechnique  = attribute.Key("octo.security.mitre.technique")
	attrTactic     = attribute.Key("octo.security.mitre.tactic")
	attrOWASP      = attribute.Key("octo.security.owasp.category")
	attrDetails    = attribute.Key("octo.security.details")
)

// event is one security event, ready to record.
type event struct {
	kind      Kind
	endpoint  string
	method    string
	sourceIP  string
	userAgent string
	payload   string // already an excerpt
	productID int64
	session   string
	details   map[string]any
}

// recorder writes events to security_events (when there is a database), to the request's span, to
// the security events metric and, without a database, to the log.
type recorder struct {
	store   *sql.DB
	inst    *telemetry.Instruments
	log     *slog.Logger
	timeout time.Duration
	now     func() time.Time
}

// record records ev. It never fails the request: a failed write is logged, and the write has its own
// deadline (rc.timeout), detached from the request's, so a request that was cancelled or is about to
// time out still gets its event recorded and a slow database delays the answer at most that long.
func (rc *recorder) record(ctx context.Context, ev event) {
	c := ev.kind.classify()
	details := map[string]any{
		"category":        string(ev.kind),
		"mitre_technique": c.technique,
		"mitre_tactic":    c.tactic,
		"owasp_category":  c.owasp,
	}
	for k, v := range ev.details {
		if _, fixed := details[k]; !fixed {
			details[k] = v
		}
	}
	detailsJSON, err := json.Marshal(details)
	if err != nil {
		rc.log.ErrorContext(ctx, "security event details are not JSON", "error", err.Error(), "category", string(ev.kind))
		detailsJSON, _ = json.Marshal(map[string]any{"category": string(ev.kind), "mitre_technique": c.technique,
			"mitre_tactic": c.tactic, "owasp_category": c.owasp}) // strings always marshal
	}
	attrs := []attribute.KeyValue{
		attrAttackType.String(c.attackType), attrCategory.String(string(ev.kind)), attrSeverity.String(c.severity),
		attrEndpoint.String(ev.endpoint), attrMethod.String(ev.method), attrSourceIP.String(ev.sourceIP),
		attrPayload.String(ev.payload), attrTechnique.String(c.technique), attrTactic.String(c.tactic),
		attrOWASP.String(c.owasp), attrDetails.String(string(detailsJSON)),
	}
	if ev.productID > 0 {
		attrs = append(attrs, attrProductID.Int64(ev.productID))
	}
	if ev.session != "" {
		attrs = append(attrs, attrSession.String(ev.session))
	}
	trace.SpanFromContext(ctx).AddEvent(spanEventName, trace.WithAttributes(attrs...))
	if rc.inst != nil {
		rc.inst.RecordSecurityEvent(ctx, string(ev.kind))
	}
	if rc.store == nil {
		rc.log.WarnContext(ctx, "security event", "attack_type", c.attackType, "category", string(ev.kind),
			"severity", c.severity, "endpoint", ev.endpoint, "source_ip", ev.sourceIP, "payload", ev.payload,
			"details", string(detailsJSON))
		return
	}
	var traceID string
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		traceID = sc.TraceID().String()
	}
	var product any
	if ev.productID > 0 {
		product = ev.productID
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rc.timeout)
	defer cancel()
	args := []any{c.attackType, c.severity, db.NullIfEmpty(ev.endpoint), db.NullIfEmpty(ev.method), ev.sourceIP,
		db.NullIfEmpty(ev.userAgent), db.NullIfEmpty(ev.payload), product, db.NullIfEmpty(ev.session), db.NullIfEmpty(traceID),
		string(detailsJSON), rc.now().UTC().Truncate(time.Minute)}
	_, err = rc.store.ExecContext(wctx, recordEventSQL, args...)
	if errors.Is(err, db.ErrUniqueViolation) {
		// Two sessions inserted the window's first row at once (Oracle's MERGE is not atomic against
		// a concurrent insert): the row exists now, so the retry updates it.
		_, err = rc.store.ExecContext(wctx, recordEventSQL, args...)
	}
	if err != nil {
		rc.log.ErrorContext(ctx, "record security event", "error", err.Error(), "attack_type", c.attackType,
			"category", string(ev.kind), "source_ip", ev.sourceIP)
	}
}
