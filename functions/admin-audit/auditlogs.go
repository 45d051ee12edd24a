package adminaudit

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// AuditLog is one audit row.
type AuditLog struct {
	ID          int64           `json:"id"`
	CreatedAt   time.Time       `json:"created_at"`
	Actor       string          `json:"actor"`
	ActorUserID *int64          `json:"actor_user_id"`
	Action      string          `json:"action"`
	EntityType  string          `json:"entity_type"`
	EntityID    string          `json:"entity_id"`
	IPAddress   string          `json:"ip_address"`
	TraceID     string          `json:"trace_id"`
	Details     json.RawMessage `json:"details"`
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Items      []AuditLog `json:"items"`
	NextCursor *string    `json:"next_cursor"`
}

// auditLogsSQL is one page or one export: :1..:14 the filters (each NULL when absent: actor, entity
// type, entity id, action, address, from, until), :15 = 1 from the newest row, :16 the id below which
// to start, :17 the row bound.
const auditLogsSQL = `SELECT id, created_at, actor, actor_user_id, action, entity_type, entity_id, ip_address, trace_id, details
FROM audit_logs
WHERE (:1 IS NULL OR actor = :2)
  AND (:3 IS NULL OR entity_type = :4)
  AND (:5 IS NULL OR entity_id = :6)
  AND (:7 IS NULL OR action = :8)
  AND (:9 IS NULL OR ip_address = :10)
  AND (:11 IS NULL OR created_at >= :12)
  AND (:13 IS NULL OR created_at < :14)
  AND (:15 = 1 OR id < :16)
ORDER BY id DESC
FETCH FIRST :17 ROWS ONLY`

var auditCSVHeader = []string{"id", "created_at", "actor", "actor_user_id", "action", "entity_type", "entity_id", "ip_address", "trace_id", "details"}

func (s *Service) auditLogs(w http.ResponseWriter, r *http.Request) error {
	const op = "adminaudit.AuditLogs"
	q, err := parseQuery(op, r)
	if err != nil {
		return err
	}
	var binds []any
	for _, f := range []struct {
		name  string
		bytes int
		shape func(string) bool
	}{{"actor", 128, nil}, {"entity_type", 64, nil}, {"entity_id", 64, nil}, {"action", 64, snake}} {
		v, err := q.text(op, f.name, f.bytes, f.shape)
		if err != nil {
			return err
		}
		binds = append(binds, v, v)
	}
	bound := q.limit
	if !q.csv {
		bound++
	}
	binds = append(binds, q.source, q.source, q.from, q.from, q.until, q.until, q.first, q.afterID, bound)
	scanRow := func(scan func(...any) error) (AuditLog, error) {
		var a AuditLog
		var details string
		err := scan(&a.ID, &a.CreatedAt, &a.Actor, &a.ActorUserID, &a.Action, &a.EntityType, &a.EntityID, &a.IPAddress, &a.TraceID, &details)
		a.CreatedAt = a.CreatedAt.UTC()
		a.Details = rawJSON(details)
		return a, err
	}
	if q.csv {
		return s.export(w, r, "audit-logs.csv", auditCSVHeader, auditLogsSQL, binds, func(scan func(...any) error, e *exporter) error {
			a, err := scanRow(scan)
			if err != nil {
				return err
			}
			uid := ""
			if a.ActorUserID != nil {
				uid = strconv.FormatInt(*a.ActorUserID, 10)
			}
			return e.row(strconv.FormatInt(a.ID, 10), a.CreatedAt.Format(time.RFC3339Nano), a.Actor, uid, a.Action, a.EntityType,
				a.EntityID, a.IPAddress, a.TraceID, string(a.Details))
		})
	}
	items := []AuditLog{}
	err = db.Each(r.Context(), s.db, auditLogsSQL, binds, func(scan func(...any) error) error {
		a, err := scanRow(scan)
		items = append(items, a)
		return err
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	page := AuditPage{}
	if page.Items, page.NextCursor, err = web.NextPage(items, q.limit, func(i int) any { return idCursor{I: items[i].ID} }); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.NoStore(w)
	web.JSON(w, http.StatusOK, page)
	return nil
}

// rawJSON is a stored JSON document as is (the columns CHECK IS JSON), or null.
func rawJSON(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}
