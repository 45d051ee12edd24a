package crmsupport

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/support"
	"github.com/octo-drone-shop/serverless/shared/web"
)

const (
	defaultLimit = 20
	maxLimit     = 100
)

// QueueItem is one ticket of the queue.
type QueueItem struct {
	ID           int64          `json:"id"`
	Subject      string         `json:"subject"`
	Status       support.Status `json:"status"`
	Priority     string         `json:"priority"`
	CustomerID   int64          `json:"customer_id"`
	CustomerName string         `json:"customer_name"`
	AssigneeID   *int64         `json:"assignee_id"`
	Assignee     *string        `json:"assignee"`
	MessageCount int64          `json:"message_count"`
	AgeHours     float64        `json:"age_hours"`
	SLADueAt     time.Time      `json:"sla_due_at"`
	SLABreached  bool           `json:"sla_breached"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

// Queue is one page of the ticket queue.
type Queue struct {
	Items      []QueueItem `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

// queueCursor is the position after a page's last ticket: assigned (0 or 1), created_at, id.
type queueCursor struct {
	A int       `json:"a"`
	T time.Time `json:"t"`
	I int64     `json:"i"`
}

// queueSQL is one page of the queue, unassigned first, then oldest first. :1..:3 the status mode
// ('queue' for open and in progress, 'all', or one status), :4/:5 priority, :6 the assignee mode
// (0 any, 1 none, 2 one user) and :7 the user, :8/:9 created before, :10 = 1 on the first page,
// :11..:15 the keyset (assigned, assigned, created_at twice, id), :16 the page size (limit+1).
const queueSQL = `SELECT t.id, t.subject, t.status, t.priority, t.customer_id, c.name, COALESCE(t.assigned_to, 0) AS assignee_id,
    u.username, t.created_at, t.updated_at,
    (SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = t.id) AS message_count,
    CASE WHEN t.assigned_to IS NULL THEN 0 ELSE 1 END AS assigned
FROM tickets t
JOIN customers c ON c.id = t.customer_id
LEFT JOIN users u ON u.id = t.assigned_to
WHERE ((:1 = 'queue' AND t.status IN ('open', 'in_progress')) OR :2 = 'all' OR t.status = :3)
  AND (:4 IS NULL OR t.priority = :5)
  AND (:6 = 0 OR (:7 = 1 AND t.assigned_to IS NULL) OR t.assigned_to = :8)
  AND (:9 IS NULL OR t.created_at < :10)
  AND (:11 = 1 OR CASE WHEN t.assigned_to IS NULL THEN 0 ELSE 1 END > :12
       OR (CASE WHEN t.assigned_to IS NULL THEN 0 ELSE 1 END = :13 AND (t.created_at > :14 OR (t.created_at = :15 AND t.id > :16))))
ORDER BY assigned, t.created_at, t.id
FETCH FIRST :17 ROWS ONLY`

func (s *Service) list(w http.ResponseWriter, r *http.Request) error {
	const op = "crmsupport.List"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit, err := web.Limit(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	mode := "queue"
	if v := q.Get("status"); v != "" {
		if v != "all" && !support.Status(v).Valid() {
			return apperr.E(op, apperr.Invalid, "status must be open, in_progress, resolved, closed or all")
		}
		mode = v
	}
	var priority any
	if v := q.Get("priority"); v != "" {
		if !support.ValidPriority(v) {
			return apperr.E(op, apperr.Invalid, "priority must be low, medium, high or urgent")
		}
		priority = v
	}
	assigneeMode, none, assignee := 0, 0, int64(0)
	switch v := q.Get("assignee"); v {
	case "":
	case "none":
		assigneeMode, none = 1, 1
	case "me":
		assigneeMode, assignee = 2, p.UserID
	default:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return apperr.E(op, apperr.Invalid, "assignee must be a user id, none or me")
		}
		assigneeMode, assignee = 2, n
	}
	now := s.clock()
	var before any
	if v := q.Get("older_than_hours"); v != "" {
		h, err := strconv.Atoi(v)
		if err != nil || h < 0 || h > 24*365 {
			return apperr.E(op, apperr.Invalid, "older_than_hours must be an integer from 0 to 8760")
		}
		before = now.Add(-time.Duration(h) * time.Hour)
	}
	first, c := 1, queueCursor{}
	if v := q.Get("cursor"); v != "" {
		if err := web.DecodeCursor(op, v, &c, func() bool { return (c.A == 0 || c.A == 1) && c.I >= 1 && !c.T.IsZero() }); err != nil {
			return err
		}
		first = 0
	}
	var at any
	if first == 0 {
		at = c.T
	}
	var items []QueueItem
	var assigned []int
	err = db.Each(r.Context(), s.db, queueSQL, []any{mode, mode, mode, priority, priority, assigneeMode, none, assignee,
		before, before, first, c.A, c.A, at, at, c.I, limit + 1}, func(scan func(...any) error) error {
		var it QueueItem
		var aid int64
		var username string
		var a int
		if err := scan(&it.ID, &it.Subject, &it.Status, &it.Priority, &it.CustomerID, &it.CustomerName, &aid, &username,
			&it.CreatedAt, &it.UpdatedAt, &it.MessageCount, &a); err != nil {
			return err
		}
		if aid != 0 {
			it.AssigneeID, it.Assignee = &aid, &username
		}
		it.CreatedAt, it.UpdatedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC()
		it.AgeHours = float64(now.Sub(it.CreatedAt).Milliseconds()) / 3.6e6
		it.SLADueAt = it.CreatedAt.Add(support.ResponseTime(it.Priority))
		it.SLABreached = support.Breached(it.Status, it.Priority, it.CreatedAt, now)
		items, assigned = append(items, it), append(assigned, a)
		return nil
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	page := Queue{Items: []QueueItem{}}
	if items, page.NextCursor, err = web.NextPage(items, limit, func(i int) any {
		return queueCursor{A: assigned[i], T: items[i].CreatedAt, I: items[i].ID}
	}); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if items != nil {
		page.Items = items
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, page)
	return nil
}
