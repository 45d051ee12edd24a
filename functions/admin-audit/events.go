package adminaudit

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// SecurityEvent is one security event: an attack type from one source within one minute, counted.
type SecurityEvent struct {
	ID          int64           `json:"id"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	AttackType  string          `json:"attack_type"`
	Severity    string          `json:"severity"`
	SourceIP    string          `json:"source_ip"`
	HTTPMethod  string          `json:"http_method"`
	Endpoint    string          `json:"endpoint"`
	EventCount  int64           `json:"event_count"`
	Payload     string          `json:"payload"`
	UserAgent   string          `json:"user_agent"`
	ProductID   *int64          `json:"product_id"`
	SessionID   string          `json:"session_id"`
	TraceID     string          `json:"trace_id"`
	Details     json.RawMessage `json:"details"`
	WindowStart time.Time       `json:"window_start"`
}

// EventPage is one page of security events, newest first.
type EventPage struct {
	Items      []SecurityEvent `json:"items"`
	NextCursor *string         `json:"next_cursor"`
}

// severities are the schema's severity values (ck_security_events_severity).
var severities = []string{"info", "low", "medium", "high", "critical"}

// securityEventsSQL is one page or one export: :1..:10 the filters (attack type, severity, address,
// from, until; each NULL when absent), :11 = 1 from the newest row, :12 the id below which to start,
// :13 the row bound.
const securityEventsSQL = `SELECT id, created_at, updated_at, attack_type, severity, source_ip, http_method, endpoint, event_count,
    payload, user_agent, product_id, session_id, trace_id, details, window_start
FROM security_events
WHERE (:1 IS NULL OR attack_type = :2)
  AND (:3 IS NULL OR severity = :4)
  AND (:5 IS NULL OR source_ip = :6)
  AND (:7 IS NULL OR created_at >= :8)
  AND (:9 IS NULL OR created_at < :10)
  AND (:11 = 1 OR id < :12)
ORDER BY id DESC
FETCH FIRST :13 ROWS ONLY`

var eventCSVHeader = []string{"id", "created_at", "updated_at", "attack_type", "severity", "source_ip", "http_method", "endpoint",
	"event_count", "payload", "user_agent", "product_id", "session_id", "trace_id", "details", "window_start"}

func (s *Service) securityEvents(w http.ResponseWriter, r *http.Request) error {
	const op = "adminaudit.SecurityEvents"
	q, err := parseQuery(op, r)
	if err != nil {
		return err
	}
	attack, err := q.text(op, "type", 40, snake)
	if err != nil {
		return err
	}
	severity, err := q.text(op, "severity", 10, func(v string) bool { return slices.Contains(severities, v) })
	if err != nil {
		return err
	}
	bound := q.limit
	if !q.csv {
		bound++
	}
	binds := []any{attack, attack, severity, severity, q.source, q.source, q.from, q.from, q.until, q.until, q.first, q.afterID, bound}
	scanRow := func(scan func(...any) error) (SecurityEvent, error) {
		var e SecurityEvent
		var details string
		err := scan(&e.ID, &e.CreatedAt, &e.UpdatedAt, &e.AttackType, &e.Severity, &e.SourceIP, &e.HTTPMethod, &e.Endpoint, &e.EventCount,
			&e.Payload, &e.UserAgent, &e.ProductID, &e.SessionID, &e.TraceID, &details, &e.WindowStart)
		e.CreatedAt, e.UpdatedAt, e.WindowStart = e.CreatedAt.UTC(), e.UpdatedAt.UTC(), e.WindowStart.UTC()
		e.Details = rawJSON(details)
		return e, err
	}
	if q.csv {
		return s.export(w, r, "security-events.csv", eventCSVHeader, securityEventsSQL, binds, func(scan func(...any) error, x *exporter) error {
			e, err := scanRow(scan)
			if err != nil {
				return err
			}
			product := ""
			if e.ProductID != nil {
				product = strconv.FormatInt(*e.ProductID, 10)
			}
			return x.row(strconv.FormatInt(e.ID, 10), e.CreatedAt.Format(time.RFC3339Nano), e.UpdatedAt.Format(time.RFC3339Nano), e.AttackType,
				e.Severity, e.SourceIP, e.HTTPMethod, e.Endpoint, strconv.FormatInt(e.EventCount, 10), e.Payload, e.UserAgent, product,
				e.SessionID, e.TraceID, string(e.Details), e.WindowStart.Format(time.RFC3339Nano))
		})
	}
	items := []SecurityEvent{}
	err = db.Each(r.Context(), s.db, securityEventsSQL, binds, func(scan func(...any) error) error {
		e, err := scanRow(scan)
		items = append(items, e)
		return err
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	page := EventPage{}
	if page.Items, page.NextCursor, err = web.NextPage(items, q.limit, func(i int) any { return idCursor{I: items[i].ID} }); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.NoStore(w)
	web.JSON(w, http.StatusOK, page)
	return nil
}
