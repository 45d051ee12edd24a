package ticket

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// MessageAnswer is the answer to a new message: the message and the ticket's status after it.
type MessageAnswer struct {
	Message
	TicketStatus Status `json:"ticket_status"`
}

const (
	// lockOwnTicketSQL reads the ticket's status only when it belongs to the account's customer, and
	// locks the ticket until the transaction ends.
	lockOwnTicketSQL = `SELECT t.status FROM tickets t
WHERE t.id = :1 AND t.customer_id = (SELECT u.customer_id FROM users u WHERE u.id = :2 AND u.is_active = 1)
FOR UPDATE`

	touchTicketSQL = `UPDATE tickets SET updated_at = :1 WHERE id = :2`

	reopenTicketSQL = `UPDATE tickets SET status = :1, resolved_at = NULL, updated_at = :2 WHERE id = :3`
)

func (s *Service) addMessage(w http.ResponseWriter, r *http.Request) error {
	const op = "ticket.AddMessage"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var req MessageRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if err := checkMessage(op, req.Message); err != nil {
		return err
	}
	if p.UserID == 0 {
		return errNotFound(op)
	}
	now := s.clock()
	a := MessageAnswer{Message: Message{SenderType: "customer", Message: req.Message, CreatedAt: now}}
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		var status Status
		err := tx.QueryRowContext(ctx, lockOwnTicketSQL, id, p.UserID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound(op)
		}
		if err != nil {
			return err
		}
		if !AcceptsMessages(status) {
			return apperr.E(op, apperr.Conflict, "the ticket is "+string(status)+" and takes no more messages").WithCode("ticket_closed")
		}
		a.TicketStatus = afterCustomerMessage(status)
		if a.TicketStatus != status {
			_, err = tx.ExecContext(ctx, reopenTicketSQL, string(a.TicketStatus), now, id)
		} else {
			_, err = tx.ExecContext(ctx, touchTicketSQL, now, id)
		}
		if err != nil {
			return err
		}
		a.ID, err = db.InsertReturningID(ctx, tx, insertMessageSQL, id, p.UserID, req.Message, now)
		return err
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusCreated, a)
	return nil
}
