package crmsupport

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/support"
	"github.com/octo-drone-shop/serverless/shared/web"
)

const (
	lockTicketSQL = `SELECT status, priority, COALESCE(assigned_to, 0), updated_at, resolved_at, closed_at, customer_id, subject
FROM tickets WHERE id = :1 FOR UPDATE`

	updateTicketSQL = `UPDATE tickets SET status = :1, priority = :2, assigned_to = :3, resolved_at = :4, closed_at = :5, updated_at = :6
WHERE id = :7`

	assigneeRoleSQL = `SELECT role FROM users WHERE id = :1 AND is_active = 1`

	insertAgentMessageSQL = `INSERT INTO ticket_messages (ticket_id, sender_type, author_user_id, message, is_internal, created_at)
VALUES (:1, 'agent', :2, :3, :4, :5) RETURNING id INTO :6`

	customerEmailSQL = `SELECT email FROM customers WHERE id = :1`
)

// locked is a ticket read under its lock.
type locked struct {
	id                   int64
	status               support.Status
	priority             string
	assignee             int64
	updatedAt            time.Time
	resolvedAt, closedAt *time.Time
	customerID           int64
	subject              string
}

func lock(ctx context.Context, tx *sql.Tx, id int64) (*locked, error) {
	const op = "crmsupport.Lock"
	l := &locked{id: id}
	err := tx.QueryRowContext(ctx, lockTicketSQL, id).Scan(&l.status, &l.priority, &l.assignee, &l.updatedAt, &l.resolvedAt,
		&l.closedAt, &l.customerID, &l.subject)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound(op)
	}
	if err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	return l, nil
}

func (l *locked) etag() (string, error) {
	return web.ETag(version{ID: l.id, Status: string(l.status), Priority: l.priority, Assignee: l.assignee, UpdatedAt: stamp(l.updatedAt)})
}

func (l *locked) snapshot() map[string]any {
	var a any
	if l.assignee != 0 {
		a = l.assignee
	}
	return map[string]any{"status": string(l.status), "priority": l.priority, "assignee_id": a}
}

// save writes the locked ticket's state back.
func (l *locked) save(ctx context.Context, tx *sql.Tx, now time.Time) error {
	var a any
	if l.assignee != 0 {
		a = l.assignee
	}
	l.updatedAt = now
	if _, err := tx.ExecContext(ctx, updateTicketSQL, string(l.status), l.priority, a, l.resolvedAt, l.closedAt, now, l.id); err != nil {
		return apperr.Wrap("crmsupport.Save", apperr.Internal, err)
	}
	return nil
}

// setStatus moves the ticket through the machine, keeping resolved_at and closed_at with it.
func (l *locked) setStatus(op string, to support.Status, now time.Time) error {
	if to == l.status {
		return nil
	}
	if !support.CanTransition(l.status, to) {
		return apperr.E(op, apperr.Conflict, "ticket cannot move from "+string(l.status)+" to "+string(to)).
			WithCode("invalid_transition").WithDetails(map[string]any{"from": l.status, "to": to, "allowed": support.NextStatuses(l.status)})
	}
	switch to {
	case support.Resolved:
		l.resolvedAt = &now
	case support.Open:
		l.resolvedAt = nil
	case support.Closed:
		l.closedAt = &now
	}
	l.status = to
	return nil
}

// write runs one staff write of ticket id: lock, change, save, audit, and answer the new detail.
func (s *Service) write(w http.ResponseWriter, r *http.Request, action string, change func(ctx context.Context, tx *sql.Tx, l *locked, now time.Time) (map[string]any, error)) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var out Ticket
	var mail []int64
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		now := s.clock()
		l, err := lock(ctx, tx, id)
		if err != nil {
			return err
		}
		before := l.snapshot()
		extra, err := change(ctx, tx, l, now)
		if err != nil {
			return err
		}
		if qid, ok := extra["outbox_id"].(int64); ok {
			mail = append(mail, qid)
			delete(extra, "outbox_id")
		}
		if err := l.save(ctx, tx, now); err != nil {
			return err
		}
		details := security.Changes(before, l.snapshot())
		for k, v := range extra {
			details[k] = v
		}
		if err := security.Audit(ctx, tx, security.Entry{Action: action, EntityType: "ticket", EntityID: strconv.FormatInt(id, 10), Details: details}); err != nil {
			return err
		}
		out, err = s.load(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	if len(mail) > 0 {
		s.kick.Kick(mail...)
	}
	return answer(w, out)
}

// Patch is the body of PATCH /api/crm/tickets/{id}.
type Patch struct {
	Status   *string `json:"status"`
	Priority *string `json:"priority"`
}

func (s *Service) patch(w http.ResponseWriter, r *http.Request) error {
	const op = "crmsupport.Patch"
	var req Patch
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.Status == nil && req.Priority == nil:
		return apperr.E(op, apperr.Invalid, "send status, priority or both")
	case req.Status != nil && !support.Status(*req.Status).Valid():
		return apperr.E(op, apperr.Invalid, "status must be open, in_progress, resolved or closed")
	case req.Priority != nil && !support.ValidPriority(*req.Priority):
		return apperr.E(op, apperr.Invalid, "priority must be low, medium, high or urgent")
	}
	return s.write(w, r, "ticket.update", func(ctx context.Context, tx *sql.Tx, l *locked, now time.Time) (map[string]any, error) {
		tag, err := l.etag()
		if err != nil {
			return nil, apperr.Wrap(op, apperr.Internal, err)
		}
		if err := web.CheckIfMatch(op, r, tag); err != nil {
			return nil, err
		}
		if req.Status != nil {
			if err := l.setStatus(op, support.Status(*req.Status), now); err != nil {
				return nil, err
			}
		}
		if req.Priority != nil {
			l.priority = *req.Priority
		}
		return map[string]any{}, nil
	})
}

// Assignment is the body of POST /api/crm/tickets/{id}/assign: a staff user holding crm.support, or
// null to unassign.
type Assignment struct {
	AssigneeID *int64 `json:"assignee_id"`
}

func (s *Service) assign(w http.ResponseWriter, r *http.Request) error {
	const op = "crmsupport.Assign"
	var req Assignment
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	return s.write(w, r, "ticket.assign", func(ctx context.Context, tx *sql.Tx, l *locked, now time.Time) (map[string]any, error) {
		if !support.AcceptsMessages(l.status) {
			return nil, apperr.E(op, apperr.Conflict, "a closed ticket cannot be assigned").WithCode("ticket_closed")
		}
		if req.AssigneeID == nil {
			l.assignee = 0
			return map[string]any{}, nil
		}
		var role string
		err := tx.QueryRowContext(ctx, assigneeRoleSQL, *req.AssigneeID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !identity.RoleHolds(role, manifest.CRMSupport)) {
			return nil, apperr.E(op, apperr.Invalid, "assignee_id must be an active staff account of the support desk")
		}
		if err != nil {
			return nil, apperr.Wrap(op, apperr.Internal, err)
		}
		l.assignee = *req.AssigneeID
		return map[string]any{}, nil
	})
}

// Reply is the body of POST /api/crm/tickets/{id}/messages.
type Reply struct {
	Message  string `json:"message"`
	Internal bool   `json:"internal"`
}

var messageLimit = web.TextLimit{Field: "message", Chars: 4000, Bytes: 4000, Multiline: true}

func (s *Service) message(w http.ResponseWriter, r *http.Request) error {
	const op = "crmsupport.Message"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	var req Reply
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if req.Message == "" {
		return apperr.E(op, apperr.Invalid, "message must not be empty")
	}
	if err := messageLimit.Check(op, req.Message); err != nil {
		return err
	}
	return s.write(w, r, "ticket.message", func(ctx context.Context, tx *sql.Tx, l *locked, now time.Time) (map[string]any, error) {
		if !support.AcceptsMessages(l.status) {
			return nil, apperr.E(op, apperr.Conflict, "a closed ticket takes no messages").WithCode("ticket_closed")
		}
		internal := 0
		if req.Internal {
			internal = 1
		}
		var author any
		if p.UserID != 0 {
			author = p.UserID
		}
		mid, err := db.InsertReturningID(ctx, tx, insertAgentMessageSQL, l.id, author, req.Message, internal, now)
		if err != nil {
			return nil, apperr.Wrap(op, apperr.Internal, err)
		}
		extra := map[string]any{"message_id": mid, "internal": req.Internal, "message_bytes": len(req.Message)}
		if req.Internal {
			return extra, nil
		}
		l.status = support.AfterAgentReply(l.status)
		var email string
		if err := tx.QueryRowContext(ctx, customerEmailSQL, l.customerID).Scan(&email); err != nil {
			return nil, apperr.Wrap(op, apperr.Internal, err)
		}
		id := strconv.FormatInt(l.id, 10)
		qid, err := s.outbox.Enqueue(ctx, tx, notify.Notification{Template: notify.TicketReply, To: email, Data: map[string]string{
			"ticket_id": id, "subject": l.subject, "link": s.mail.PublicURL + "/account/tickets/" + id}})
		if err != nil {
			return nil, apperr.Wrap(op, apperr.Internal, err)
		}
		extra["outbox_id"] = qid
		return extra, nil
	})
}
