package crmorders

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

// Order is an order's staff detail.
type Order struct {
	ID              int64         `json:"id"`
	Customer        Customer      `json:"customer"`
	Status          string        `json:"status"`
	AllowedNext     []string      `json:"allowed_transitions"`
	Payment         Payment       `json:"payment"`
	Items           []Item        `json:"items"`
	Subtotal        money.Cents   `json:"subtotal"`
	Discount        money.Cents   `json:"discount"`
	ShippingCost    money.Cents   `json:"shipping_cost"`
	Total           money.Cents   `json:"total"`
	Currency        string        `json:"currency"`
	CouponCode      *string       `json:"coupon_code"`
	ShippingAddress string        `json:"shipping_address"`
	Region          string        `json:"region"`
	Shipment        *Shipment     `json:"shipment"`
	History         []StatusEntry `json:"status_history"`
	TraceID         string        `json:"trace_id"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// Customer is who placed the order.
type Customer struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Payment is the order's payment.
type Payment struct {
	Method string `json:"method"`
	Status string `json:"status"`
}

// Item is one line of an order, at the price it was sold.
type Item struct {
	ProductID int64       `json:"product_id"`
	Name      string      `json:"name"`
	Quantity  int64       `json:"quantity"`
	UnitPrice money.Cents `json:"unit_price"`
	LineTotal money.Cents `json:"line_total"`
}

// Shipment is the order's shipment with its events, oldest first.
type Shipment struct {
	ID             int64      `json:"id"`
	TrackingNumber string     `json:"tracking_number"`
	Carrier        string     `json:"carrier"`
	Status         string     `json:"status"`
	AllowedNext    []string   `json:"allowed_statuses"`
	WeightKg       float64    `json:"weight_kg"`
	ShippedAt      *time.Time `json:"shipped_at"`
	DeliveredAt    *time.Time `json:"delivered_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Events         []Event    `json:"events"`
}

// Event is one status change of a shipment.
type Event struct {
	Status    string    `json:"status"`
	Location  string    `json:"location"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// StatusEntry is one staff transition of the order.
type StatusEntry struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason"`
	Actor     string    `json:"actor"`
	TraceID   string    `json:"trace_id"`
	CreatedAt time.Time `json:"created_at"`
}

// version is what an order detail's ETag is computed from: the order and shipment fields a staff
// write changes, with their updated_at. The locks of the write paths read the same fields.
type version struct {
	ID                int64  `json:"i"`
	Status            string `json:"s"`
	PaymentStatus     string `json:"p"`
	UpdatedAt         string `json:"u"`
	ShipmentID        int64  `json:"si"`
	ShipmentStatus    string `json:"ss"`
	Carrier           string `json:"sc"`
	Tracking          string `json:"st"`
	ShipmentUpdatedAt string `json:"su"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func (v version) etag() (string, error) { return web.ETag(v) }

func (o Order) version() version {
	v := version{ID: o.ID, Status: o.Status, PaymentStatus: o.Payment.Status, UpdatedAt: stamp(o.UpdatedAt)}
	if sh := o.Shipment; sh != nil {
		v.ShipmentID, v.ShipmentStatus, v.Carrier, v.Tracking, v.ShipmentUpdatedAt = sh.ID, sh.Status, sh.Carrier, sh.TrackingNumber, stamp(sh.UpdatedAt)
	}
	return v
}

const (
	// orderSQL reads an order, its customer and its first shipment; statuses are aliased, as two
	// STATUS columns would be ambiguous in Oracle's inline view (ORA-00918).
	orderSQL = `SELECT o.id, c.id AS customer_id, c.name, c.email, o.status AS order_status, o.payment_method, o.payment_status,
    o.subtotal, o.discount, o.shipping_cost, o.total, o.currency, o.coupon_code, o.shipping_address, o.region, o.trace_id,
    o.created_at, o.updated_at,
    COALESCE(s.id, 0) AS shipment_id, s.tracking_number, s.carrier, s.status AS shipment_status, s.weight_kg, s.shipped_at,
    s.delivered_at, s.updated_at AS shipment_updated_at
FROM orders o
JOIN customers c ON c.id = o.customer_id
LEFT JOIN shipments s ON s.id = (SELECT MIN(s2.id) FROM shipments s2 WHERE s2.order_id = o.id)
WHERE o.id = :1`

	itemsSQL = `SELECT product_id, product_name, quantity, unit_price, line_total
FROM order_items WHERE order_id = :1 ORDER BY id`

	eventsSQL = `SELECT status, location, note, created_at
FROM shipment_events WHERE shipment_id = :1
ORDER BY created_at, id`

	historySQL = `SELECT from_status, to_status, reason, actor, trace_id, created_at
FROM order_status_history WHERE order_id = :1
ORDER BY created_at, id`
)

func (s *Service) get(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "order")
	if err != nil {
		return err
	}
	o, err := s.load(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return answer(w, http.StatusOK, o)
}

// answer writes an order detail with its ETag.
func answer(w http.ResponseWriter, status int, o Order) error {
	tag, err := o.version().etag()
	if err != nil {
		return apperr.Wrap("crmorders.Answer", apperr.Internal, err)
	}
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, status, o)
	return nil
}

// load reads an order's detail: four statements (order with customer and shipment, items, shipment
// events, status history), whatever its size.
func (s *Service) load(ctx context.Context, q db.DBTX, id int64) (Order, error) {
	const op = "crmorders.Load"
	var (
		o                          Order
		coupon                     string
		shipID                     int64
		tracking, carrier, shipSt  string
		weight                     *float64
		shipped, delivered, shipUp *time.Time
	)
	err := q.QueryRowContext(ctx, orderSQL, id).Scan(&o.ID, &o.Customer.ID, &o.Customer.Name, &o.Customer.Email, &o.Status,
		&o.Payment.Method, &o.Payment.Status, &o.Subtotal, &o.Discount, &o.ShippingCost, &o.Total, &o.Currency, &coupon,
		&o.ShippingAddress, &o.Region, &o.TraceID, &o.CreatedAt, &o.UpdatedAt,
		&shipID, &tracking, &carrier, &shipSt, &weight, &shipped, &delivered, &shipUp)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, apperr.E(op, apperr.NotFound, "order not found")
	}
	if err != nil {
		return Order{}, apperr.Wrap(op, apperr.Internal, err)
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	o.AllowedNext = allowedOrder(o.Status)
	if coupon != "" {
		o.CouponCode = &coupon
	}
	o.Items, o.History = []Item{}, []StatusEntry{}
	if shipID != 0 {
		o.Shipment = &Shipment{ID: shipID, TrackingNumber: tracking, Carrier: carrier, Status: shipSt,
			AllowedNext: allowedShipment(shipSt), ShippedAt: db.UTC(shipped), DeliveredAt: db.UTC(delivered), Events: []Event{}}
		if weight != nil {
			o.Shipment.WeightKg = *weight
		}
		if shipUp != nil {
			o.Shipment.UpdatedAt = shipUp.UTC()
		}
	}
	err = db.Each(ctx, q, itemsSQL, []any{id}, func(scan func(...any) error) error {
		var it Item
		if err := scan(&it.ProductID, &it.Name, &it.Quantity, &it.UnitPrice, &it.LineTotal); err != nil {
			return err
		}
		o.Items = append(o.Items, it)
		return nil
	})
	if err == nil && o.Shipment != nil {
		err = db.Each(ctx, q, eventsSQL, []any{shipID}, func(scan func(...any) error) error {
			var e Event
			if err := scan(&e.Status, &e.Location, &e.Note, &e.CreatedAt); err != nil {
				return err
			}
			e.CreatedAt = e.CreatedAt.UTC()
			o.Shipment.Events = append(o.Shipment.Events, e)
			return nil
		})
	}
	if err == nil {
		err = db.Each(ctx, q, historySQL, []any{id}, func(scan func(...any) error) error {
			var h StatusEntry
			if err := scan(&h.From, &h.To, &h.Reason, &h.Actor, &h.TraceID, &h.CreatedAt); err != nil {
				return err
			}
			h.CreatedAt = h.CreatedAt.UTC()
			o.History = append(o.History, h)
			return nil
		})
	}
	if err != nil {
		return Order{}, apperr.Wrap(op, apperr.Internal, err)
	}
	return o, nil
}
