package crmorders

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/notify"
)

// The write paths' statements. Every write locks the order row first, then its shipment.
const (
	lockOrderSQL = `SELECT status, payment_status, COALESCE(coupon_id, 0), customer_id, updated_at
FROM orders WHERE id = :1 FOR UPDATE`

	lockFirstShipmentSQL = `SELECT id, status, carrier, tracking_number, shipped_at, delivered_at, updated_at
FROM shipments WHERE id = (SELECT MIN(s2.id) FROM shipments s2 WHERE s2.order_id = :1) FOR UPDATE`

	lockShipmentSQL = `SELECT id, status, carrier, tracking_number, shipped_at, delivered_at, updated_at
FROM shipments WHERE id = :1 AND order_id = :2 FOR UPDATE`

	// moveOrderSQL is conditional on the status the lock read, so it can never apply twice.
	moveOrderSQL = `UPDATE orders SET status = :1, payment_status = :2, updated_at = :3 WHERE id = :4 AND status = :5`

	// restockSQL returns every line's quantity to its product, in one statement.
	restockSQL = `UPDATE products SET stock = stock + (SELECT SUM(i.quantity) FROM order_items i
    WHERE i.order_id = :1 AND i.product_id = products.id), updated_at = :2
WHERE id IN (SELECT product_id FROM order_items WHERE order_id = :3)`

	// returnCouponSQL gives back the order's coupon use (never below zero).
	returnCouponSQL = `UPDATE coupons SET used_count = used_count - 1, updated_at = :1 WHERE id = :2 AND used_count > 0`

	insertHistorySQL = `INSERT INTO order_status_history (order_id, from_status, to_status, reason, actor, trace_id, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7)`

	updateShipmentSQL = `UPDATE shipments SET status = :1, carrier = :2, tracking_number = :3, shipped_at = :4, delivered_at = :5,
    updated_at = :6
WHERE id = :7`

	insertEventSQL = `INSERT INTO shipment_events (shipment_id, status, location, note, created_at) VALUES (:1, :2, :3, :4, :5)`

	customerEmailSQL = `SELECT email FROM customers WHERE id = :1`
)

// locked is an order read under its lock, with its shipment when it has one.
type locked struct {
	id         int64
	status     string
	payment    string
	couponID   int64
	customerID int64
	updatedAt  time.Time
	ship       *lockedShipment
}

type lockedShipment struct {
	id                     int64
	status                 string
	carrier, tracking      string
	shippedAt, deliveredAt *time.Time
	updatedAt              time.Time
}

func (l *locked) version() version {
	v := version{ID: l.id, Status: l.status, PaymentStatus: l.payment, UpdatedAt: stamp(l.updatedAt)}
	if sh := l.ship; sh != nil {
		v.ShipmentID, v.ShipmentStatus, v.Carrier, v.Tracking, v.ShipmentUpdatedAt = sh.id, sh.status, sh.carrier, sh.tracking, stamp(sh.updatedAt)
	}
	return v
}

// lock locks an order and then its shipment (the first one, or shipmentID when not zero).
func lock(ctx context.Context, tx *sql.Tx, orderID, shipmentID int64) (*locked, error) {
	const op = "crmorders.Lock"
	l := &locked{id: orderID}
	err := tx.QueryRowContext(ctx, lockOrderSQL, orderID).Scan(&l.status, &l.payment, &l.couponID, &l.customerID, &l.updatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.E(op, apperr.NotFound, "order not found")
	}
	if err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	query, args := lockFirstShipmentSQL, []any{orderID}
	if shipmentID != 0 {
		query, args = lockShipmentSQL, []any{shipmentID, orderID}
	}
	sh := &lockedShipment{}
	err = tx.QueryRowContext(ctx, query, args...).Scan(&sh.id, &sh.status, &sh.carrier, &sh.tracking, &sh.shippedAt, &sh.deliveredAt, &sh.updatedAt)
	switch {
	case errors.Is(err, sql.ErrNoRows) && shipmentID != 0:
		return nil, apperr.E(op, apperr.NotFound, "shipment not found")
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, apperr.Wrap(op, apperr.Internal, err)
	default:
		l.ship = sh
	}
	return l, nil
}

// moveOrder changes the locked order's status (and payment status), returns its stock and coupon use
// when the new status says so, and records the change in the order's history.
func (s *Service) moveOrder(ctx context.Context, tx *sql.Tx, l *locked, to, reason, actor string, now time.Time) error {
	const op = "crmorders.MoveOrder"
	payment := paymentAfter(l.payment, to)
	res, err := tx.ExecContext(ctx, moveOrderSQL, to, payment, now, l.id, l.status)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return apperr.Wrap(op, apperr.Internal, errors.New("the locked order did not change"))
	}
	if returnsGoods(to) {
		if _, err := tx.ExecContext(ctx, restockSQL, l.id, now, l.id); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if l.couponID != 0 {
			if _, err := tx.ExecContext(ctx, returnCouponSQL, now, l.couponID); err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, insertHistorySQL, l.id, l.status, to, db.NullIfEmpty(reason), actor, traceID(ctx), now); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	l.status, l.payment, l.updatedAt = to, payment, now
	return nil
}

// shipmentChange is a new state of the locked shipment and the event that records it.
type shipmentChange struct {
	status, carrier, tracking string
	location, note            string
}

// changeShipment writes the locked shipment's new state and its event; shipping sets shipped_at
// (once) and delivery delivered_at.
func changeShipment(ctx context.Context, tx *sql.Tx, sh *lockedShipment, c shipmentChange, now time.Time) error {
	const op = "crmorders.ChangeShipment"
	if c.status != sh.status {
		switch c.status {
		case ShipShipped:
			if sh.shippedAt == nil {
				sh.shippedAt = &now
			}
		case ShipDelivered:
			sh.deliveredAt = &now
		}
	}
	if _, err := tx.ExecContext(ctx, updateShipmentSQL, c.status, c.carrier, c.tracking, sh.shippedAt, sh.deliveredAt, now, sh.id); err != nil {
		if errors.Is(err, db.ErrUniqueViolation) {
			return apperr.E(op, apperr.Conflict, "tracking_number is already used by another shipment").WithCode("tracking_number_taken")
		}
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if _, err := tx.ExecContext(ctx, insertEventSQL, sh.id, c.status, db.NullIfEmpty(c.location), db.NullIfEmpty(c.note), now); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	sh.status, sh.carrier, sh.tracking, sh.updatedAt = c.status, c.carrier, c.tracking, now
	return nil
}

// mailStatus writes the customer's shipment_status email to the outbox in tx; it returns the outbox
// id to kick after the commit.
func (s *Service) mailStatus(ctx context.Context, tx *sql.Tx, l *locked) (int64, error) {
	const op = "crmorders.Mail"
	var email string
	if err := tx.QueryRowContext(ctx, customerEmailSQL, l.customerID).Scan(&email); err != nil {
		return 0, apperr.Wrap(op, apperr.Internal, err)
	}
	tracking := ""
	if l.ship != nil {
		tracking = l.ship.tracking
	}
	id := strconv.FormatInt(l.id, 10)
	qid, err := s.outbox.Enqueue(ctx, tx, notify.Notification{Template: notify.ShipmentStatus, To: email, Data: map[string]string{
		"order_id": id, "status": l.status, "tracking_number": tracking, "link": s.mail.PublicURL + "/account/orders/" + id}})
	if err != nil {
		return 0, apperr.Wrap(op, apperr.Internal, err)
	}
	return qid, nil
}
