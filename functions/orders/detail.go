package orders

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Order is an order with its items and shipment.
type Order struct {
	ID              int64       `json:"id"`
	Status          string      `json:"status"`
	PaymentStatus   string      `json:"payment_status"`
	PaymentMethod   string      `json:"payment_method"`
	Items           []Item      `json:"items"`
	Subtotal        money.Cents `json:"subtotal"`
	Discount        money.Cents `json:"discount"`
	ShippingCost    money.Cents `json:"shipping_cost"`
	Total           money.Cents `json:"total"`
	Currency        string      `json:"currency"`
	CouponCode      *string     `json:"coupon_code"`
	ShippingAddress string      `json:"shipping_address"`
	Shipment        *Shipment   `json:"shipment"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
}

// Item is one line of an order, at the price it was sold.
type Item struct {
	ProductID int64       `json:"product_id"`
	Name      string      `json:"name"`
	Quantity  int64       `json:"quantity"`
	UnitPrice money.Cents `json:"unit_price"`
	LineTotal money.Cents `json:"line_total"`
}

// Shipment is an order's shipment with its status history, oldest first.
type Shipment struct {
	TrackingNumber    string     `json:"tracking_number"`
	Carrier           string     `json:"carrier"`
	Status            string     `json:"status"`
	WeightKg          float64    `json:"weight_kg"`
	EstimatedDelivery *time.Time `json:"estimated_delivery"`
	ShippedAt         *time.Time `json:"shipped_at"`
	DeliveredAt       *time.Time `json:"delivered_at"`
	History           []Event    `json:"history"`
}

// Event is one status change of a shipment.
type Event struct {
	Status    string    `json:"status"`
	Location  string    `json:"location"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

const (
	// orderColumns aliases o.status and s.status: under FETCH FIRST Oracle selects from an inline
	// view of this list, where two STATUS columns are ambiguous (ORA-00918).
	orderColumns = `SELECT o.id, o.order_token_hash, o.status AS order_status, o.payment_status, o.payment_method, o.subtotal, o.discount,
    o.shipping_cost, o.total, o.currency, o.coupon_code, o.shipping_address, o.created_at, o.updated_at,
    s.tracking_number, s.carrier, s.status AS shipment_status, s.weight_kg, s.estimated_delivery, s.shipped_at, s.delivered_at
FROM orders o
LEFT JOIN shipments s ON s.order_id = o.id`

	orderByIDSQL = orderColumns + `
WHERE o.id = :1
ORDER BY s.id
FETCH FIRST 1 ROWS ONLY`

	// ownOrderSQL reads the order only when it belongs to the account's customer.
	ownOrderSQL = orderColumns + `
WHERE o.id = :1 AND o.customer_id = (SELECT u.customer_id FROM users u WHERE u.id = :2 AND u.is_active = 1)
ORDER BY s.id
FETCH FIRST 1 ROWS ONLY`

	orderExistsSQL = `SELECT COUNT(*) FROM orders WHERE id = :1`

	itemsSQL = `SELECT product_id, product_name, quantity, unit_price, line_total
FROM order_items WHERE order_id = :1 ORDER BY id`

	eventsSQL = `SELECT e.status, e.location, e.note, e.created_at
FROM shipment_events e JOIN shipments s ON s.id = e.shipment_id
WHERE s.order_id = :1
ORDER BY e.created_at, e.id`
)

func (s *Service) getByToken(w http.ResponseWriter, r *http.Request) error {
	const op = "orders.GetByToken"
	id, err := orderID(r)
	if err != nil {
		return err
	}
	token := r.Header.Get(TokenHeader)
	if token == "" {
		return errNotFound(op)
	}
	o, hash, err := s.header(r.Context(), orderByIDSQL, id)
	if err != nil {
		return err
	}
	if !commerce.OrderTokenMatches(token, hash) {
		security.Report(r.Context(), security.IDOR, security.Event{Payload: "order " + strconv.FormatInt(id, 10),
			Details: map[string]any{"resource": "order", "order_id": id, "reason": "wrong_order_token"}})
		return errNotFound(op)
	}
	return s.answer(w, r, o)
}

func (s *Service) getOwn(w http.ResponseWriter, r *http.Request) error {
	const op = "orders.GetOwn"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	id, err := orderID(r)
	if err != nil {
		return err
	}
	if p.UserID == 0 {
		return errNotFound(op)
	}
	o, _, err := s.header(r.Context(), ownOrderSQL, id, p.UserID)
	if apperr.KindOf(err) == apperr.NotFound {
		s.reportIfSomeoneElses(r, id, p.ID)
	}
	if err != nil {
		return err
	}
	return s.answer(w, r, o)
}

// reportIfSomeoneElses reports an IDOR attempt when the order a customer asked for and could not
// read exists: it is someone else's. The answer stays 404 either way, so the caller learns nothing.
func (s *Service) reportIfSomeoneElses(r *http.Request, id int64, principal string) {
	var n int
	if err := s.db.QueryRowContext(r.Context(), orderExistsSQL, id).Scan(&n); err != nil {
		s.log.ErrorContext(r.Context(), "check order existence for the IDOR report", "error", err.Error())
		return
	}
	if n > 0 {
		security.Report(r.Context(), security.IDOR, security.Event{Payload: "order " + strconv.FormatInt(id, 10),
			Details: map[string]any{"resource": "order", "order_id": id, "principal": principal, "reason": "not_the_owner"}})
	}
}

// header reads an order and its shipment; 404 when query finds nothing.
func (s *Service) header(ctx context.Context, query string, args ...any) (Order, string, error) {
	const op = "orders.Header"
	var (
		o Order
		// NULL strings scan as "" (godror does not support sql.NullString): a missing coupon or
		// shipment is told by "", which no stored coupon code or tracking number can be (Oracle
		// stores '' as NULL).
		tokenHash, method, coupon, address string
		tracking, carrier, shipStatus      string
		weight                             sql.NullFloat64
		estimated, shipped, delivered      sql.NullTime
	)
	err := s.db.QueryRowContext(ctx, query, args...).Scan(&o.ID, &tokenHash, &o.Status, &o.PaymentStatus, &method,
		&o.Subtotal, &o.Discount, &o.ShippingCost, &o.Total, &o.Currency, &coupon, &address, &o.CreatedAt, &o.UpdatedAt,
		&tracking, &carrier, &shipStatus, &weight, &estimated, &shipped, &delivered)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, "", errNotFound(op)
	}
	if err != nil {
		return Order{}, "", apperr.Wrap(op, apperr.Internal, err)
	}
	o.PaymentMethod, o.ShippingAddress = method, address
	if coupon != "" {
		o.CouponCode = &coupon
	}
	if tracking != "" {
		o.Shipment = &Shipment{TrackingNumber: tracking, Carrier: carrier, Status: shipStatus,
			WeightKg: weight.Float64, EstimatedDelivery: timePtr(estimated), ShippedAt: timePtr(shipped),
			DeliveredAt: timePtr(delivered), History: []Event{}}
	}
	return o, tokenHash, nil
}

// answer completes the order with its items and shipment history (two statements) and writes it.
func (s *Service) answer(w http.ResponseWriter, r *http.Request, o Order) error {
	const op = "orders.Detail"
	ctx := r.Context()
	o.Items = []Item{}
	err := db.Each(ctx, s.db, itemsSQL, []any{o.ID}, func(scan func(...any) error) error {
		var it Item
		if err := scan(&it.ProductID, &it.Name, &it.Quantity, &it.UnitPrice, &it.LineTotal); err != nil {
			return err
		}
		o.Items = append(o.Items, it)
		return nil
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if o.Shipment != nil {
		err = db.Each(ctx, s.db, eventsSQL, []any{o.ID}, func(scan func(...any) error) error {
			var (
				e              Event
				location, note string // NULL is "" (godror)
			)
			if err := scan(&e.Status, &location, &note, &e.CreatedAt); err != nil {
				return err
			}
			e.Location, e.Note = location, note
			o.Shipment.History = append(o.Shipment.History, e)
			return nil
		})
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, o)
	return nil
}

func orderID(r *http.Request) (int64, error) {
	id, ok := web.PathID(r, "id")
	if !ok {
		return 0, errNotFound("orders.ID")
	}
	return id, nil
}

func errNotFound(op string) error { return apperr.E(op, apperr.NotFound, "order not found") }

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}
