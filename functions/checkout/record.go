package checkout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
)

// upsertCustomerSQL creates the customer unless one has this email (case-insensitively); an existing
// customer is never updated.
const upsertCustomerSQL = `MERGE INTO customers c
USING (SELECT :1 AS email, :2 AS name, :3 AS phone, :4 AS company, :5 AS ts FROM dual) s
ON (LOWER(c.email) = LOWER(s.email))
WHEN NOT MATCHED THEN INSERT (name, email, phone, company, created_at, updated_at)
VALUES (s.name, s.email, s.phone, s.company, s.ts, s.ts)`

// ensureCustomer makes sure a customer with c's email exists, creating it from c if not.
func ensureCustomer(ctx context.Context, tx db.DBTX, c Customer, now time.Time) error {
	_, err := tx.ExecContext(ctx, upsertCustomerSQL, c.Email, c.Name, db.NullIfEmpty(c.Phone), db.NullIfEmpty(c.Company), now)
	if err != nil && !errors.Is(err, db.ErrUniqueViolation) {
		// A unique violation means a concurrent checkout created the customer first (Oracle's MERGE
		// is not atomic against concurrent inserts): the row exists, which is all that is needed.
		return apperr.Wrap("checkout.EnsureCustomer", apperr.Internal, err)
	}
	return nil
}

// insertOrderSQL inserts the order of the customer with the email.
const insertOrderSQL = `INSERT INTO orders (customer_id, subtotal, discount, shipping_cost, total, currency, coupon_id, coupon_code,
    status, payment_method, payment_status, shipping_address, idempotency_key, request_hash, order_token_hash, trace_id,
    created_at, updated_at)
VALUES ((SELECT id FROM customers WHERE LOWER(email) = LOWER(:1)), :2, :3, :4, :5, 'USD', :6, :7,
    'processing', :8, 'paid', :9, :10, :11, :12, :13, :14, :15)
RETURNING id INTO :16`

// newOrder is what insertOrder stores.
type newOrder struct {
	req                     Request
	key, reqHash, tokenHash string
	totals                  commerce.Totals
	coupon                  *commerce.Coupon // nil without a coupon
	now                     time.Time
}

// insertOrder inserts the order (its items are inserted apart) and returns it with its id; errKeyTaken
// when a concurrent request stored the same idempotency key first.
func insertOrder(ctx context.Context, tx db.DBTX, n newOrder) (Order, error) {
	const op = "checkout.InsertOrder"
	var couponID, couponCode any
	if n.coupon != nil {
		couponID, couponCode = n.coupon.ID, n.coupon.Code
	}
	traceID := ""
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		traceID = sc.TraceID().String()
	}
	t := n.totals
	id, err := db.InsertReturningID(ctx, tx, insertOrderSQL, n.req.Customer.Email, t.Subtotal, t.Discount, t.Shipping,
		t.Total, couponID, couponCode, n.req.PaymentMethod, n.req.ShippingAddress, n.key, n.reqHash, n.tokenHash,
		db.NullIfEmpty(traceID), n.now, n.now)
	if errors.Is(err, db.ErrUniqueViolation) {
		return Order{}, errKeyTaken
	}
	if err != nil {
		return Order{}, apperr.Wrap(op, apperr.Internal, err)
	}
	eta := n.now.Add(DeliveryTime)
	o := Order{ID: id, Status: "processing", PaymentStatus: "paid", Subtotal: t.Subtotal, Discount: t.Discount,
		ShippingCost: t.Shipping, Total: t.Total, Currency: commerce.Currency, TrackingNumber: TrackingNumber(id),
		Carrier: Carrier, EstimatedDelivery: &eta, CreatedAt: n.now}
	if n.req.CouponCode != "" {
		code := n.req.CouponCode
		o.CouponCode = &code
	}
	return o, nil
}

const insertOrderItemSQL = `INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price, line_total, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7)`

// insertItems inserts the order's items in one batch, sets them on o and returns the units ordered.
func insertItems(ctx context.Context, tx db.DBTX, o *Order, lines []line, priced []commerce.Line) (int64, error) {
	o.Items = make([]OrderItem, len(lines))
	rows := make([][]any, len(lines))
	var units int64
	for i, l := range lines {
		o.Items[i] = OrderItem{ProductID: l.productID, Name: l.name, Quantity: l.quantity, UnitPrice: l.price,
			LineTotal: priced[i].Total()}
		rows[i] = []any{o.ID, l.productID, l.name, l.quantity, l.price, o.Items[i].LineTotal, o.CreatedAt}
		units += l.quantity
	}
	if _, err := db.ExecBatch(ctx, tx, insertOrderItemSQL, rows); err != nil {
		return 0, apperr.Wrap("checkout.InsertItems", apperr.Internal, err)
	}
	return units, nil
}

const (
	insertShipmentSQL = `INSERT INTO shipments (order_id, tracking_number, carrier, status, weight_kg, origin_region,
    estimated_delivery, created_at, updated_at)
VALUES (:1, :2, :3, 'processing', :4, :5, :6, :7, :8)
RETURNING id INTO :9`

	insertShipmentEventSQL = `INSERT INTO shipment_events (shipment_id, status, location, note, created_at)
VALUES (:1, 'processing', :2, :3, :4)`
)

// insertShipment creates the order's shipment (units weigh GramsPerUnit each) and its first event.
func insertShipment(ctx context.Context, tx db.DBTX, o Order, units int64, now time.Time) error {
	const op = "checkout.InsertShipment"
	id, err := db.InsertReturningID(ctx, tx, insertShipmentSQL, o.ID, o.TrackingNumber, Carrier,
		kilograms(units*GramsPerUnit), OriginRegion, *o.EstimatedDelivery, now, now)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if _, err := tx.ExecContext(ctx, insertShipmentEventSQL, id, OriginRegion, "Order received", now); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	return nil
}

// kilograms renders grams as the decimal NUMBER(10,3) stores exactly, bound as a number on Oracle
// (db.Decimal: never text the server would convert under NLS_NUMERIC_CHARACTERS).
func kilograms(grams int64) db.Decimal {
	return db.Decimal(fmt.Sprintf("%d.%03d", grams/1000, grams%1000))
}
