package crmcustomers

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Bounds of the 360 view's lists.
const (
	recentOrders = 10
	maxTickets   = 20
	maxLeads     = 20
)

// Contact is a customer's editable contact record.
type Contact struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	Company  string `json:"company"`
	Industry string `json:"industry"`
	Region   string `json:"region"`
	Notes    string `json:"notes"`
}

// View is the 360 view of a customer.
type View struct {
	ID           int64      `json:"id"`
	Contact      Contact    `json:"contact"`
	Orders       Orders     `json:"orders"`
	OpenTickets  []Ticket   `json:"open_tickets"`
	Leads        []Lead     `json:"leads"`
	LastActivity *time.Time `json:"last_activity"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Orders summarises a customer's orders.
type Orders struct {
	Count           int64        `json:"count"`
	LifetimeRevenue money.Cents  `json:"lifetime_revenue"` // sum of the totals of non-cancelled orders
	LastOrderAt     *time.Time   `json:"last_order_at"`
	Recent          []OrderBrief `json:"recent"`
}

// OrderBrief is one recent order.
type OrderBrief struct {
	ID        int64       `json:"id"`
	Status    string      `json:"status"`
	Total     money.Cents `json:"total"`
	CreatedAt time.Time   `json:"created_at"`
}

// Ticket is one open ticket.
type Ticket struct {
	ID        int64     `json:"id"`
	Subject   string    `json:"subject"`
	Status    string    `json:"status"`
	Priority  string    `json:"priority"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Lead is one marketing lead of the customer (by customer or by email).
type Lead struct {
	ID        int64     `json:"id"`
	Campaign  string    `json:"campaign"`
	Status    string    `json:"status"`
	Score     int64     `json:"score"`
	UpdatedAt time.Time `json:"updated_at"`
}

const (
	// customerSQL reads the contact and the aggregates, each a scalar subquery over an index.
	customerSQL = `SELECT c.id, c.name, c.email, c.phone, c.company, c.industry, c.region, c.notes, c.created_at, c.updated_at,
    (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS order_count,
    (SELECT COALESCE(SUM(o.total), 0) FROM orders o WHERE o.customer_id = c.id AND o.status <> 'cancelled') AS lifetime_revenue,
    (SELECT MAX(o.created_at) FROM orders o WHERE o.customer_id = c.id) AS last_order_at,
    (SELECT MAX(t.updated_at) FROM tickets t WHERE t.customer_id = c.id) AS last_ticket_at,
    (SELECT MAX(l.updated_at) FROM leads l WHERE l.customer_id = c.id) AS last_lead_at
FROM customers c
WHERE c.id = :1`

	recentOrdersSQL = `SELECT id, status, total, created_at FROM orders WHERE customer_id = :1
ORDER BY created_at DESC, id DESC
FETCH FIRST :2 ROWS ONLY`

	openTicketsSQL = `SELECT id, subject, status, priority, updated_at FROM tickets
WHERE customer_id = :1 AND status IN ('open', 'in_progress')
ORDER BY updated_at DESC, id DESC
FETCH FIRST :2 ROWS ONLY`

	leadsSQL = `SELECT l.id, cp.name, l.status, l.score, l.updated_at
FROM leads l
LEFT JOIN campaigns cp ON cp.id = l.campaign_id
WHERE l.customer_id = :1 OR LOWER(l.email) = LOWER(:2)
ORDER BY l.updated_at DESC, l.id DESC
FETCH FIRST :3 ROWS ONLY`
)

// version is what a customer's ETag is computed from: the contact and updated_at.
type version struct {
	ID        int64   `json:"i"`
	Contact   Contact `json:"c"`
	UpdatedAt string  `json:"u"`
}

func etag(id int64, c Contact, updated time.Time) (string, error) {
	return web.ETag(version{ID: id, Contact: c, UpdatedAt: updated.UTC().Format(time.RFC3339Nano)})
}

func (s *Service) get(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	if err != nil {
		return err
	}
	v, err := s.load(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return answer(w, v)
}

func answer(w http.ResponseWriter, v View) error {
	tag, err := etag(v.ID, v.Contact, v.UpdatedAt)
	if err != nil {
		return apperr.Wrap("crmcustomers.Answer", apperr.Internal, err)
	}
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, v)
	return nil
}

// load reads the 360 view: four statements.
func (s *Service) load(ctx context.Context, q db.DBTX, id int64) (View, error) {
	const op = "crmcustomers.Load"
	var v View
	var lastOrder, lastTicket, lastLead *time.Time
	err := q.QueryRowContext(ctx, customerSQL, id).Scan(&v.ID, &v.Contact.Name, &v.Contact.Email, &v.Contact.Phone, &v.Contact.Company,
		&v.Contact.Industry, &v.Contact.Region, &v.Contact.Notes, &v.CreatedAt, &v.UpdatedAt, &v.Orders.Count, &v.Orders.LifetimeRevenue,
		&lastOrder, &lastTicket, &lastLead)
	if errors.Is(err, sql.ErrNoRows) {
		return View{}, errNotFound(op)
	}
	if err != nil {
		return View{}, apperr.Wrap(op, apperr.Internal, err)
	}
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	v.Orders.LastOrderAt = db.UTC(lastOrder)
	for _, t := range []*time.Time{lastOrder, lastTicket, lastLead} {
		if t != nil && (v.LastActivity == nil || t.After(*v.LastActivity)) {
			v.LastActivity = db.UTC(t)
		}
	}
	v.Orders.Recent, v.OpenTickets, v.Leads = []OrderBrief{}, []Ticket{}, []Lead{}
	err = db.Each(ctx, q, recentOrdersSQL, []any{id, recentOrders}, func(scan func(...any) error) error {
		var o OrderBrief
		if err := scan(&o.ID, &o.Status, &o.Total, &o.CreatedAt); err != nil {
			return err
		}
		o.CreatedAt = o.CreatedAt.UTC()
		v.Orders.Recent = append(v.Orders.Recent, o)
		return nil
	})
	if err == nil {
		err = db.Each(ctx, q, openTicketsSQL, []any{id, maxTickets}, func(scan func(...any) error) error {
			var t Ticket
			if err := scan(&t.ID, &t.Subject, &t.Status, &t.Priority, &t.UpdatedAt); err != nil {
				return err
			}
			t.UpdatedAt = t.UpdatedAt.UTC()
			v.OpenTickets = append(v.OpenTickets, t)
			return nil
		})
	}
	if err == nil {
		err = db.Each(ctx, q, leadsSQL, []any{id, v.Contact.Email, maxLeads}, func(scan func(...any) error) error {
			var l Lead
			if err := scan(&l.ID, &l.Campaign, &l.Status, &l.Score, &l.UpdatedAt); err != nil {
				return err
			}
			l.UpdatedAt = l.UpdatedAt.UTC()
			v.Leads = append(v.Leads, l)
			return nil
		})
	}
	if err != nil {
		return View{}, apperr.Wrap(op, apperr.Internal, err)
	}
	return v, nil
}
