package crmsupport

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/support"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// maxMessages bounds the conversation a detail answer carries.
const maxMessages = 500

// Ticket is a ticket as staff see it, with its whole conversation.
type Ticket struct {
	ID          int64            `json:"id"`
	Subject     string           `json:"subject"`
	Description string           `json:"description"`
	Status      support.Status   `json:"status"`
	Allowed     []support.Status `json:"allowed_statuses"`
	Priority    string           `json:"priority"`
	Customer    Customer         `json:"customer"`
	AssigneeID  *int64           `json:"assignee_id"`
	Assignee    *string          `json:"assignee"`
	SLADueAt    time.Time        `json:"sla_due_at"`
	SLABreached bool             `json:"sla_breached"`
	ResolvedAt  *time.Time       `json:"resolved_at"`
	ClosedAt    *time.Time       `json:"closed_at"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
	Messages    []Message        `json:"messages"`
}

// Customer is who opened the ticket.
type Customer struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Message is one message of the conversation; internal notes are marked.
type Message struct {
	ID         int64     `json:"id"`
	SenderType string    `json:"sender_type"`
	Author     string    `json:"author"`
	Internal   bool      `json:"internal"`
	Message    string    `json:"message"`
	CreatedAt  time.Time `json:"created_at"`
}

// version is what a ticket's ETag is computed from; the write paths' lock reads the same fields.
type version struct {
	ID        int64  `json:"i"`
	Status    string `json:"s"`
	Priority  string `json:"p"`
	Assignee  int64  `json:"a"`
	UpdatedAt string `json:"u"`
}

const (
	ticketSQL = `SELECT t.id, t.subject, t.description, t.status, t.priority, c.id AS customer_id, c.name, c.email,
    COALESCE(t.assigned_to, 0) AS assignee_id, u.username, t.resolved_at, t.closed_at, t.created_at, t.updated_at
FROM tickets t
JOIN customers c ON c.id = t.customer_id
LEFT JOIN users u ON u.id = t.assigned_to
WHERE t.id = :1`

	messagesSQL = `SELECT m.id, m.sender_type, u.username, m.is_internal, m.message, m.created_at
FROM ticket_messages m
LEFT JOIN users u ON u.id = m.author_user_id
WHERE m.ticket_id = :1
ORDER BY m.id
FETCH FIRST :2 ROWS ONLY`
)

func (s *Service) get(w http.ResponseWriter, r *http.Request) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	t, err := s.load(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return answer(w, t)
}

func answer(w http.ResponseWriter, t Ticket) error {
	var a int64
	if t.AssigneeID != nil {
		a = *t.AssigneeID
	}
	tag, err := web.ETag(version{ID: t.ID, Status: string(t.Status), Priority: t.Priority, Assignee: a, UpdatedAt: stamp(t.UpdatedAt)})
	if err != nil {
		return apperr.Wrap("crmsupport.Answer", apperr.Internal, err)
	}
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, t)
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// load reads a ticket and its conversation: two statements.
func (s *Service) load(ctx context.Context, q db.DBTX, id int64) (Ticket, error) {
	const op = "crmsupport.Load"
	var t Ticket
	var aid int64
	var username string
	err := q.QueryRowContext(ctx, ticketSQL, id).Scan(&t.ID, &t.Subject, &t.Description, &t.Status, &t.Priority,
		&t.Customer.ID, &t.Customer.Name, &t.Customer.Email, &aid, &username, &t.ResolvedAt, &t.ClosedAt, &t.CreatedAt, &t.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Ticket{}, errNotFound(op)
	}
	if err != nil {
		return Ticket{}, apperr.Wrap(op, apperr.Internal, err)
	}
	if aid != 0 {
		t.AssigneeID, t.Assignee = &aid, &username
	}
	t.CreatedAt, t.UpdatedAt, t.ResolvedAt, t.ClosedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC(), db.UTC(t.ResolvedAt), db.UTC(t.ClosedAt)
	t.Allowed = support.NextStatuses(t.Status)
	t.SLADueAt = t.CreatedAt.Add(support.ResponseTime(t.Priority))
	t.SLABreached = support.Breached(t.Status, t.Priority, t.CreatedAt, s.clock())
	t.Messages = []Message{}
	err = db.Each(ctx, q, messagesSQL, []any{id, maxMessages}, func(scan func(...any) error) error {
		var m Message
		var internal int
		if err := scan(&m.ID, &m.SenderType, &m.Author, &internal, &m.Message, &m.CreatedAt); err != nil {
			return err
		}
		m.Internal, m.CreatedAt = internal == 1, m.CreatedAt.UTC()
		t.Messages = append(t.Messages, m)
		return nil
	})
	if err != nil {
		return Ticket{}, apperr.Wrap(op, apperr.Internal, err)
	}
	return t, nil
}
