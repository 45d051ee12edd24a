// Package pageview serves the storefront's page-view beacon, POST /api/page-views: one row in
// page_views per call, answered 204 with no body.
//
// Decisions:
//   - navigator.sendBeacon sends a string body as text/plain (a JSON Content-Type would make it a
//     CORS-preflighted request, which beacons cannot do), so the route declares accept: [text/plain]
//     and the body is decoded as the same strict JSON whatever of the two types it arrives as.
//     Unknown fields, wrong types and bodies over 4 KiB are refused like everywhere else.
//   - The client's address is identity.ClientIP (the address the gateway forwards), never a field of
//     the body; the user agent is the request's User-Agent header; the trace id is the request's.
//     customer_id stays NULL: the route is public, so it never knows who is signed in.
//   - page is required; load_time_ms, when given, must be 0..60000 (400 otherwise, as the column's
//     check constraint demands). Free text is not refused for being long: a beacon is best-effort
//     telemetry, so each value is cut to its column's size in bytes (page 500, session_id 128,
//     region 64, referrer 1000, user_agent 500) on a UTF-8 character boundary, and invalid UTF-8 in
//     the User-Agent header is replaced, so Oracle never sees a broken character. Empty optional
//     values are NULL.
//   - Exactly one statement per call (the INSERT; no RETURNING, no lookups), so the beacon costs one
//     round trip to the database.
package pageview

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "page-view"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// MaxLoadTimeMS is the largest load time a page view may report.
const MaxLoadTimeMS = 60000

// Column sizes of page_views, in bytes.
const (
	pageSize      = 500
	sessionSize   = 128
	regionSize    = 64
	referrerSize  = 1000
	userAgentSize = 500
	ipSize        = 45
)

// Beacon is the body of POST /api/page-views.
type Beacon struct {
	Page       string  `json:"page"`
	SessionID  *string `json:"session_id"`
	LoadTimeMS *int    `json:"load_time_ms"`
	Referrer   *string `json:"referrer"`
	Region     *string `json:"region"`
}

const insertPageViewSQL = `INSERT INTO page_views (page, session_id, load_time_ms, region, referrer, user_agent, visitor_ip,
    trace_id, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9)`

// Service serves the page-view route.
type Service struct {
	db  db.DBTX
	now func() time.Time
}

// New returns the page-view function's HTTP handler.
func New(store db.DBTX, log *slog.Logger) (http.Handler, error) {
	fn := Declaration()
	s := &Service{db: store, now: time.Now}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{"POST /api/page-views": s.record})
}

func (s *Service) record(w http.ResponseWriter, r *http.Request) error {
	const op = "pageview.Record"
	var b Beacon
	if err := web.Decode(r, &b); err != nil {
		return err
	}
	if strings.TrimSpace(b.Page) == "" {
		return apperr.E(op, apperr.Invalid, "page is required")
	}
	var loadTime any
	if b.LoadTimeMS != nil {
		if *b.LoadTimeMS < 0 || *b.LoadTimeMS > MaxLoadTimeMS {
			return apperr.E(op, apperr.Invalid, "load_time_ms must be an integer from 0 to 60000")
		}
		loadTime = *b.LoadTimeMS
	}
	var traceID any
	if sc := trace.SpanContextFromContext(r.Context()); sc.HasTraceID() {
		traceID = sc.TraceID().String()
	}
	_, err := s.db.ExecContext(r.Context(), insertPageViewSQL,
		db.CutBytes(b.Page, pageSize), optional(b.SessionID, sessionSize), loadTime, optional(b.Region, regionSize),
		optional(b.Referrer, referrerSize), orNull(db.CutBytes(strings.ToValidUTF8(r.UserAgent(), "\uFFFD"), userAgentSize)),
		db.CutBytes(identity.ClientIP(r), ipSize), traceID, s.now().UTC())
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// optional is the bind value of an optional text: NULL when absent or empty, else cut to n bytes.
func optional(s *string, n int) any {
	if s == nil {
		return nil
	}
	return orNull(db.CutBytes(*s, n))
}

// orNull is NULL for the empty string, s otherwise.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "POST /api/page-views", Request: Beacon{}, Status: []int{204}},
}
