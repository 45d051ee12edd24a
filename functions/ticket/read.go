package ticket

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Page and message bounds.
const (
	defaultLimit    = 20
	maxLimit        = 50
	defaultMessages = 100
	maxMessages     = 200
)

// Page is one page of the caller's tickets, newest activity first.
type Page struct {
	Items      []Ticket `json:"items"`
	NextCursor *string  `json:"next_cursor"`
}

const (
	ticketColumns = `SELECT t.id, t.subject, t.status, t.priority, t.product_id, t.service_id, t.resolved_at, t.closed_at,
    t.created_at, t.updated_at,
    (SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = t.id AND m.is_internal = 0) AS message_count
FROM tickets t`

	// listSQL is one page of the account's customer's tickets: :1 the user id, :2 = 1 on the first
	// page, :3..:5 the keyset (updated_at twice, id), :6 the page size (limit+1).
	listSQL = ticketColumns + `
WHERE t.customer_id = (SELECT u.customer_id FROM users u WHERE u.id = :1 AND u.is_active = 1)
  AND (:2 = 1 OR t.updated_at < :3 OR (t.updated_at = :4 AND t.id < :5))
ORDER BY t.updated_at DESC, t.id DESC
FETCH FIRST :6 ROWS ONLY`

	// ownTicketSQL reads the ticket only when it belongs to the account's customer.
	ownTicketSQL = ticketColumns + `
WHERE t.id = :1 AND t.customer_id = (SELECT u.customer_id FROM users u WHERE u.id = :2 AND u.is_active = 1)`

	// messagesSQL is the ticket's messages after message :2, oldest first, :3 at most. An agent's
	// internal note (is_internal = 1) never reaches the customer.
	messagesSQL = `SELECT id, sender_type, message, created_at
FROM ticket_messages
WHERE ticket_id = :1 AND id > :2 AND is_internal = 0
ORDER BY id
FETCH FIRST :3 ROWS ONLY`
)

func (s *Service) list(w http.ResponseWriter, r *http.Request) error {
	const op = "ticket.List"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	req, err := web.ParseNewestFirst(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	page := Page{Items: []Ticket{}}
	w.Header().Set("Cache-Control", "no-store")
	if p.UserID == 0 { // an external principal has no account here, hence no tickets
		web.JSON(w, http.StatusOK, page)
		return nil
	}
	first, at, afterID := req.Keyset()
	rows, err := s.db.QueryContext(r.Context(), listSQL, p.UserID, first, at, at, afterID, req.Limit+1)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTicket(rows.Scan)
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		page.Items = append(page.Items, t)
	}
	if err := rows.Err(); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	page.Items, page.NextCursor, err = web.Next(req, page.Items, func(t Ticket) (time.Time, int64) { return t.UpdatedAt, t.ID })
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusOK, page)
	return nil
}

func (s *Service) get(w http.ResponseWriter, r *http.Request) error {
	const op = "ticket.Get"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit, err := web.Limit(op, q, defaultMessages, maxMessages)
	if err != nil {
		return err
	}
	afterID := int64(0)
	if v := q.Get("after"); v != "" && v != "0" {
		var ok bool
		if afterID, ok = web.ID(v); !ok {
			return apperr.E(op, apperr.Invalid, "after must be a message id (canonical decimal) or 0")
		}
	}
	if p.UserID == 0 {
		return errNotFound(op)
	}
	ctx := r.Context()
	t, err := scanTicket(s.db.QueryRowContext(ctx, ownTicketSQL, id, p.UserID).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound(op)
	}
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	d := Detail{Ticket: t}
	if d.Messages, err = messages(ctx, s.db, id, afterID, limit+1); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if len(d.Messages) > limit {
		d.Messages = d.Messages[:limit]
		next := d.Messages[limit-1].ID
		d.NextMessagesAfter = &next
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, d)
	return nil
}

// messages reads up to n of the ticket's messages after message id after, oldest first.
func messages(ctx context.Context, q db.DBTX, ticketID, after int64, n int) ([]Message, error) {
	rows, err := q.QueryContext(ctx, messagesSQL, ticketID, after, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.SenderType, &m.Message, &m.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// scanTicket scans the ticketColumns.
func scanTicket(scan func(...any) error) (Ticket, error) {
	var (
		t                  Ticket
		product, service   sql.NullInt64
		resolved, closedAt sql.NullTime
	)
	err := scan(&t.ID, &t.Title, &t.Status, &t.Priority, &product, &service, &resolved, &closedAt, &t.CreatedAt, &t.UpdatedAt,
		&t.MessageCount)
	if err != nil {
		return Ticket{}, err
	}
	if product.Valid {
		t.ProductID = &product.Int64
	}
	if service.Valid {
		t.ServiceID = &service.Int64
	}
	if resolved.Valid {
		t.ResolvedAt = &resolved.Time
	}
	if closedAt.Valid {
		t.ClosedAt = &closedAt.Time
	}
	return t, nil
}
