package checkout

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// Result is the answer of POST /api/checkout. OrderToken is only in the first answer (201).
type Result struct {
	Order      Order  `json:"order"`
	OrderToken string `json:"order_token,omitempty"`
}

// Order is a placed order as the checkout answers it.
type Order struct {
	ID                int64       `json:"id"`
	Status            string      `json:"status"`
	PaymentStatus     string      `json:"payment_status"`
	Items             []OrderItem `json:"items"`
	Subtotal          money.Cents `json:"subtotal"`
	Discount          money.Cents `json:"discount"`
	ShippingCost      money.Cents `json:"shipping_cost"`
	Total             money.Cents `json:"total"`
	Currency          string      `json:"currency"`
	CouponCode        *string     `json:"coupon_code"`
	TrackingNumber    string      `json:"tracking_number"`
	Carrier           string      `json:"carrier"`
	EstimatedDelivery *time.Time  `json:"estimated_delivery"`
	CreatedAt         time.Time   `json:"created_at"`
}

// OrderItem is one line of an order, at the price it was sold.
type OrderItem struct {
	ProductID int64       `json:"product_id"`
	Name      string      `json:"name"`
	Quantity  int64       `json:"quantity"`
	UnitPrice money.Cents `json:"unit_price"`
	LineTotal money.Cents `json:"line_total"`
}

// TrackingNumber is the tracking number of an order's shipment: OCTO- and the order id, zero-padded
// to six digits.
func TrackingNumber(orderID int64) string { return fmt.Sprintf("OCTO-%06d", orderID) }

const (
	// orderByKeySQL finds the order placed with an idempotency key, with what a replay answers.
	orderByKeySQL = `SELECT o.id, o.request_hash, o.status, o.payment_status, o.subtotal, o.discount, o.shipping_cost,
    o.total, o.currency, o.coupon_code, o.created_at, s.tracking_number, s.carrier, s.estimated_delivery
FROM orders o
LEFT JOIN shipments s ON s.order_id = o.id
WHERE o.idempotency_key = :1`

	orderItemsSQL = `SELECT product_id, product_name, quantity, unit_price, line_total
FROM order_items WHERE order_id = :1 ORDER BY id`
)

// errNoOrder reports that no order carries the key.
var errNoOrder = errors.New("checkout: no order with this idempotency key")

// placed is an order found by its idempotency key.
type placed struct {
	order Order
	hash  string
}

// orderByKey reads the order placed with key (header only); errNoOrder when there is none.
func orderByKey(ctx context.Context, q db.DBTX, key string) (placed, error) {
	const op = "checkout.OrderByKey"
	var (
		p placed
		// NULL strings scan as "" (godror does not support sql.NullString): no coupon is "",
		// which Oracle cannot store as a code.
		coupon, tracking  string
		carrier, reqHash  string
		estimatedDelivery sql.NullTime
	)
	o := &p.order
	err := q.QueryRowContext(ctx, orderByKeySQL, key).Scan(&o.ID, &reqHash, &o.Status, &o.PaymentStatus, &o.Subtotal,
		&o.Discount, &o.ShippingCost, &o.Total, &o.Currency, &coupon, &o.CreatedAt, &tracking, &carrier, &estimatedDelivery)
	if errors.Is(err, sql.ErrNoRows) {
		return placed{}, errNoOrder
	}
	if err != nil {
		return placed{}, apperr.Wrap(op, apperr.Internal, err)
	}
	p.hash = reqHash
	if coupon != "" {
		o.CouponCode = &coupon
	}
	o.TrackingNumber, o.Carrier = tracking, carrier
	if estimatedDelivery.Valid {
		o.EstimatedDelivery = &estimatedDelivery.Time
	}
	return p, nil
}

// replayOrder answers the order placed with key for a request with hash reqHash: the same order when the
// request is the same, 409 idempotency_key_reused when it is not.
func replayOrder(ctx context.Context, q db.DBTX, p placed, reqHash string) (Order, error) {
	const op = "checkout.Replay"
	if p.hash != reqHash {
		return Order{}, apperr.E(op, apperr.Conflict,
			"this Idempotency-Key was already used for a different request").WithCode("idempotency_key_reused")
	}
	rows, err := q.QueryContext(ctx, orderItemsSQL, p.order.ID)
	if err != nil {
		return Order{}, apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	o := p.order
	o.Items = []OrderItem{}
	for rows.Next() {
		var it OrderItem
		if err := rows.Scan(&it.ProductID, &it.Name, &it.Quantity, &it.UnitPrice, &it.LineTotal); err != nil {
			return Order{}, apperr.Wrap(op, apperr.Internal, err)
		}
		o.Items = append(o.Items, it)
	}
	if err := rows.Err(); err != nil {
		return Order{}, apperr.Wrap(op, apperr.Internal, err)
	}
	return o, nil
}
