package ticket

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// CreateRequest is the body of POST /api/tickets.
type CreateRequest struct {
	Title     string  `json:"title"`
	Message   string  `json:"message"`
	Priority  *string `json:"priority"`
	ProductID *int64  `json:"product_id"`
	ServiceID *int64  `json:"service_id"`
}

// MessageRequest is the body of POST /api/tickets/{id}/messages.
type MessageRequest struct {
	Message string `json:"message"`
}

func (req CreateRequest) validate(op string) (priority string, err error) {
	if err := (web.TextLimit{Field: "title", Bytes: 200, Required: true}).Check(op, req.Title); err != nil { // tickets.subject
		return "", err
	}
	if err := checkMessage(op, req.Message); err != nil {
		return "", err
	}
	priority = "medium"
	if req.Priority != nil {
		switch priority = *req.Priority; priority {
		case "low", "medium", "high", "urgent":
		default:
			return "", apperr.E(op, apperr.Invalid, "priority must be low, medium, high or urgent")
		}
	}
	if req.ProductID != nil && *req.ProductID < 1 || req.ServiceID != nil && *req.ServiceID < 1 {
		return "", apperr.E(op, apperr.Invalid, "product_id and service_id must be positive integers")
	}
	return priority, nil
}

func checkMessage(op, m string) error {
	return web.TextLimit{Field: "message", Bytes: 4000, Required: true, Multiline: true}.Check(op, m)
}

const (
	// customerSQL is the account's customer (NULL or no row: none).
	customerSQL = `SELECT customer_id FROM users WHERE id = :1 AND is_active = 1`

	// referencesSQL counts the product and the service a ticket names (:1 and :2 may be NULL).
	referencesSQL = `SELECT (SELECT COUNT(*) FROM products WHERE id = :1), (SELECT COUNT(*) FROM services WHERE id = :2) FROM dual`

	insertTicketSQL = `INSERT INTO tickets (customer_id, subject, description, status, priority, product_id, service_id,
    created_at, updated_at)
VALUES (:1, :2, :3, 'open', :4, :5, :6, :7, :8)
RETURNING id INTO :9`

	insertMessageSQL = `INSERT INTO ticket_messages (ticket_id, sender_type, author_user_id, message, created_at)
VALUES (:1, 'customer', :2, :3, :4)
RETURNING id INTO :5`
)

func (s *Service) create(w http.ResponseWriter, r *http.Request) error {
	const op = "ticket.Create"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	var req CreateRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	priority, err := req.validate(op)
	if err != nil {
		return err
	}
	if p.UserID == 0 {
		return errNoCustomer(op)
	}
	now := s.clock()
	d := Detail{Ticket: Ticket{Title: req.Title, Status: Open, Priority: priority, ProductID: req.ProductID,
		ServiceID: req.ServiceID, MessageCount: 1, CreatedAt: now, UpdatedAt: now}}
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		var customer sql.NullInt64
		err := tx.QueryRowContext(ctx, customerSQL, p.UserID).Scan(&customer)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !customer.Valid {
			return errNoCustomer(op)
		}
		if err != nil {
			return err
		}
		if req.ProductID != nil || req.ServiceID != nil {
			var products, services int
			if err := tx.QueryRowContext(ctx, referencesSQL, nullable(req.ProductID), nullable(req.ServiceID)).Scan(&products, &services); err != nil {
				return err
			}
			if req.ProductID != nil && products == 0 {
				return apperr.E(op, apperr.Invalid, "product_id names no product")
			}
			if req.ServiceID != nil && services == 0 {
				return apperr.E(op, apperr.Invalid, "service_id names no service")
			}
		}
		d.ID, err = db.InsertReturningID(ctx, tx, insertTicketSQL, customer.Int64, req.Title, req.Message, priority,
			nullable(req.ProductID), nullable(req.ServiceID), now, now)
		if err != nil {
			return err
		}
		m := Message{SenderType: "customer", Message: req.Message, CreatedAt: now}
		if m.ID, err = db.InsertReturningID(ctx, tx, insertMessageSQL, d.ID, p.UserID, req.Message, now); err != nil {
			return err
		}
		d.Messages = []Message{m}
		return nil
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	w.Header().Set("Location", "/api/tickets/"+strconv.FormatInt(d.ID, 10))
	web.JSON(w, http.StatusCreated, d)
	return nil
}

// nullable is the bind value of an optional field: NULL when absent.
func nullable[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
