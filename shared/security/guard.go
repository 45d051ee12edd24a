package security

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/shape"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// DefaultRecordTimeout bounds the write of one security event.
const DefaultRecordTimeout = 2 * time.Second

// Config is the security middleware's configuration.
type Config struct {
	// RecordTimeout bounds the write of one event (DefaultRecordTimeout when zero).
	RecordTimeout time.Duration
	// Now is the clock of the per-minute aggregation window (time.Now when nil).
	Now func() time.Time
}

// Guard is the security middleware of one function: see the package documentation.
type Guard struct {
	rec recorder
	log *slog.Logger
}

// New returns the Guard recording into store (nil for a function without a database: events then go
// to the span, the metric and the log only), counting events on inst (may be nil).
func New(cfg Config, store *sql.DB, inst *telemetry.Instruments, log *slog.Logger) *Guard {
	if log == nil {
		log = slog.Default()
	}
	if cfg.RecordTimeout <= 0 {
		cfg.RecordTimeout = DefaultRecordTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Guard{
		rec: recorder{store: store, inst: inst, log: log, timeout: cfg.RecordTimeout, now: cfg.Now},
		log: log,
	}
}

// request is what the Guard knows of the request being served; Report and Audit read it from the
// context.
type request struct {
	guard     *Guard
	method    string
	endpoint  string
	sourceIP  string
	userAgent string
	principal string
	userID    int64
	// Set by the inspector once the body is read.
	body      []byte
	productID int64
	session   string
}

type requestKey struct{}

func requestFrom(ctx context.Context) *request {
	rq, _ := ctx.Value(requestKey{}).(*request)
	return rq
}

// errRejected answers a request found carrying an attack.
func errRejected(op string) error {
	return apperr.E(op, apperr.Invalid, "the request contains a pattern used in attacks and was rejected")
}

// Middleware wraps a function's handler (the router): security headers on every response (no CORS:
// the gateway owns it, see package gateway and the API deployment's policy), the path and query inspected before the handler runs and the JSON body when
// the handler decodes it (web.Decode), and the request made known to Report and Audit.
func (g *Guard) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		principal := r.Header.Get(web.PrincipalHeader)
		setHeaders(w.Header(), principal != "")
		rq := &request{guard: g, method: db.CutBytes(r.Method, maxMethod), endpoint: db.CutBytes(excerpt(r.URL.Path, maxEndpoint), maxEndpoint),
			sourceIP: db.CutBytes(identity.ClientIP(r), maxIP), userAgent: db.CutBytes(excerpt(r.UserAgent(), maxUserAgent), maxUserAgent),
			principal: principal}
		if p, err := identity.FromRequest(r); err == nil {
			rq.userID = p.UserID
		}
		ctx := context.WithValue(r.Context(), requestKey{}, rq)
		r = r.WithContext(web.WithInspector(ctx, inspector{rq: rq}))
		w = &errorNoStore{ResponseWriter: w}
		if f, found := inspectURL(r.URL); found {
			g.rec.record(r.Context(), rq.finding(f))
			web.Error(w, r, g.log, errRejected("security.InspectURL"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// inspectURL looks for attacks in the path (decoded, and as sent, for double encoding) and in the
// query's names and values.
func inspectURL(u *url.URL) (finding, bool) {
	for _, p := range []string{u.Path, u.EscapedPath()} {
		if k, rule, ok := detect(p); ok {
			return finding{kind: k, rule: rule, location: "path", value: p}, true
		}
	}
	if u.RawQuery == "" {
		return finding{}, false
	}
	vals, err := url.ParseQuery(u.RawQuery)
	if f, found := inspectValues("query", vals); found {
		return f, true
	}
	if err != nil {
		if k, rule, ok := detect(u.RawQuery); ok {
			return finding{kind: k, rule: rule, location: "query", value: u.RawQuery}, true
		}
	}
	return finding{}, false
}

// event returns an event of the request with the kind and payload.
func (rq *request) event(kind Kind, payload string, details map[string]any) event {
	return event{kind: kind, endpoint: rq.endpoint, method: rq.method, sourceIP: rq.sourceIP, userAgent: rq.userAgent,
		payload: excerpt(payload, MaxPayload), productID: rq.productID, session: rq.session, details: details}
}

// finding returns the event of an attack found in the request.
func (rq *request) finding(f finding) event {
	d := map[string]any{"rule": f.rule, "location": f.location}
	if f.field != "" {
		d["field"] = f.field
	}
	return rq.event(f.kind, f.value, d)
}

// inspector is the web.Inspector of one request.
type inspector struct{ rq *request }

// InspectBody finds attacks in the strings of a JSON body and notes the product and session it
// concerns. A body that is not JSON is left to the decoder, which refuses it (and Rejected records
// that).
func (in inspector) InspectBody(r *http.Request, body []byte) error {
	in.rq.body = body
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	in.rq.productID, in.rq.session = subject(r, v)
	f, found := inspectJSON(v, "")
	if !found {
		return nil
	}
	in.rq.guard.rec.record(r.Context(), in.rq.finding(f))
	return errRejected("security.InspectBody")
}

// Rejected records a body the decoder refused: over the limit, malformed, or with unknown or
// wrongly typed fields (mass assignment).
func (in inspector) Rejected(r *http.Request, err error) {
	kind := MalformedBody
	reason := "malformed"
	switch {
	case errors.Is(err, web.ErrBodyTooLarge):
		kind, reason = OversizedBody, "too_large"
	case errors.Is(err, web.ErrUnknownField):
		kind, reason = MassAssignment, "unknown_field"
	case errors.Is(err, web.ErrWrongType):
		kind, reason = MassAssignment, "wrong_type"
	}
	msg := apperr.PublicOf(err).Message
	payload := msg
	if len(in.rq.body) > 0 {
		payload = string(in.rq.body)
	}
	in.rq.guard.rec.record(r.Context(), in.rq.event(kind, payload, map[string]any{"reason": reason, "message": msg}))
}

// subject returns the product and the session (cart) a request concerns, when it names them: the
// route's /products/{id} and {cart_id}, or the body's top-level product_id, session_id or cart_id.
// Values of the wrong shape are ignored: they are the attacker's, not a session.
func subject(r *http.Request, body any) (int64, string) {
	var product int64
	var session string
	if id := r.PathValue("cart_id"); shape.Token(id, 1, 128) {
		session = id
	}
	if strings.Contains(r.Pattern, "/products/{id}") {
		if v, err := strconv.ParseInt(r.PathValue("id"), 10, 64); err == nil && v > 0 {
			product = v
		}
	}
	obj, _ := body.(map[string]any)
	if n, ok := obj["product_id"].(json.Number); ok {
		if v, err := n.Int64(); err == nil && v > 0 {
			product = v
		}
	}
	for _, key := range []string{"session_id", "cart_id"} {
		if s, ok := obj[key].(string); ok && session == "" && shape.Token(s, 1, 128) {
			session = s
		}
	}
	return product, session
}

// Event is what a function knows about an event it reports.
type Event struct {
	Payload   string         // what was attempted, e.g. "order 42"; stored as an excerpt
	ProductID int64          // the product concerned, when known
	Session   string         // the session or cart concerned, when known
	Details   map[string]any // added to the details JSON (category, MITRE and OWASP keys are fixed)
}

// Report records an event a function detected itself: an IDOR attempt, a brute force, an invalid
// token. It adds to what the Guard knows of the request (source address, endpoint, the body's product
// and session), never fails and returns once the event is recorded (bounded by the record timeout).
// Call it outside a transaction: the event must survive the transaction's rollback. Outside the
// Guard's middleware (a handler tested on its own) it does nothing.
func Report(ctx context.Context, kind Kind, ev Event) {
	rq := requestFrom(ctx)
	if rq == nil {
		return
	}
	e := rq.event(kind, ev.Payload, ev.Details)
	if ev.ProductID > 0 {
		e.productID = ev.ProductID
	}
	if shape.Token(ev.Session, 1, 128) {
		e.session = ev.Session
	}
	rq.guard.rec.record(ctx, e)
}
