package checkout

import (
	"go.opentelemetry.io/otel/attribute"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// The statements of a checkout, in the order they run (see the package documentation).
const (
	lockCartSQL = `UPDATE carts SET updated_at = :1 WHERE id = :2 AND expires_at > :3`

	// cartLinesSQL locks the lines' products. Oracle locks the rows in the order the plan visits
	// them, not in ORDER BY's, so two checkouts of overlapping carts can deadlock (ORA-00060): the
	// database rolls one statement back and the transaction is retried once (retryDeadlock).
	cartLinesSQL = `SELECT i.product_id, i.quantity, p.name, p.price, p.stock, p.is_active
FROM cart_items i JOIN products p ON p.id = i.product_id
WHERE i.cart_id = :1
ORDER BY i.product_id
FOR UPDATE OF p.stock`

	decrementStockSQL = `UPDATE products SET stock = stock - :1, updated_at = :2
WHERE id = :3 AND stock >= :4 AND is_active = 1`

	// upsertCustomerSQL creates the customer unless one has this email (case-insensitively); an
	// existing customer is never updated.
	upsertCustomerSQL = `MERGE INTO customers c
USING (SELECT :1 AS email, :2 AS name, :3 AS phone, :4 AS company, :5 AS ts FROM dual) s
ON (LOWER(c.email) = LOWER(s.email))
WHEN NOT MATCHED THEN INSERT (name, email, phone, company, created_at, updated_at)
VALUES (s.name, s.email, s.phone, s.company, s.ts, s.ts)`

	insertOrderSQL = `INSERT INTO orders (customer_id, subtotal, discount, shipping_cost, total, currency, coupon_id, coupon_code,
    status, payment_method, payment_status, shipping_address, idempotency_key, request_hash, order_token_hash, trace_id,
    created_at, updated_at)
VALUES ((SELECT id FROM customers WHERE LOWER(email) = LOWER(:1)), :2, :3, :4, :5, 'USD', :6, :7,
    'processing', :8, 'paid', :9, :10, :11, :12, :13, :14, :15)
RETURNING id INTO :16`

	insertOrderItemSQL = `INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price, line_total, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7)`

	insertShipmentSQL = `INSERT INTO shipments (order_id, tracking_number, carrier, status, weight_kg, origin_region,
    estimated_delivery, created_at, updated_at)
VALUES (:1, :2, :3, 'processing', :4, :5, :6, :7, :8)
RETURNING id INTO :9`

	insertShipmentEventSQL = `INSERT INTO shipment_events (shipment_id, status, location, note, created_at)
VALUES (:1, 'processing', :2, :3, :4)`

	insertAuditSQL = `INSERT INTO audit_logs (actor, action, entity_type, entity_id, details, ip_address, trace_id, created_at)
VALUES ('checkout', 'order.placed', 'order', :1, :2, :3, :4, :5)`

	emptyCartSQL = `DELETE FROM cart_items WHERE cart_id = :1`
)

// line is a cart line read under the lock.
type line struct {
	productID, quantity, stock int64
	name                       string
	price                      money.Cents
	active                     bool
}

// errKeyTaken reports that another request placed an order with the same key first (Oracle race).
var errKeyTaken = errors.New("checkout: idempotency key taken concurrently")

func (s *Service) checkout(w http.ResponseWriter, r *http.Request) error {
	const op = "checkout.PlaceOrder"
	key, err := idempotencyKey(r.Header)
	if err != nil {
		return err
	}
	var req Request
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if req, err = req.normalize(); err != nil {
		return err
	}
	reqHash := req.hash()
	ctx := r.Context()

	answerReplay := func(p placed) error {
		o, err := replay(ctx, s.db, p, reqHash)
		if err != nil {
			return err
		}
		w.Header().Set("Idempotent-Replayed", "true")
		web.NoStore(w)
		web.JSON(w, http.StatusOK, Result{Order: o})
		return nil
	}
	if p, err := orderByKey(ctx, s.db, key); err == nil {
		return answerReplay(p)
	} else if !errors.Is(err, errNoOrder) {
		return err
	}

	token, tokenHash := commerce.NewOrderToken()
	var (
		o      Order
		before *placed // set when the key turned out to be taken inside the transaction
	)
	var queued int64
	err = retryDeadlock(func() error {
		return s.db.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			var err error
			o, before, err = s.place(ctx, tx, r, key, req, reqHash, tokenHash)
			if err != nil || before != nil {
				return err
			}
			queued, err = s.confirm(ctx, tx, req, o, token)
			return err
		})
	})
	if errors.Is(err, errKeyTaken) {
		p, lerr := orderByKey(ctx, s.db, key)
		if lerr != nil {
			return apperr.Wrap(op, apperr.Internal, errors.Join(err, lerr))
		}
		return answerReplay(p)
	}
	if err != nil {
		return err
	}
	if before != nil {
		return answerReplay(*before)
	}
	if s.metrics != nil {
		s.metrics.RecordOrder(ctx, float64(o.Total)/100, attribute.String("payment_method", req.PaymentMethod),
			attribute.Bool("coupon", o.CouponCode != nil))
	}
	if queued != 0 {
		s.kick.Kick(queued)
	}
	w.Header().Set("Location", "/api/orders/"+strconv.FormatInt(o.ID, 10))
	web.NoStore(w) // order_token reads the order and its address
	web.JSON(w, http.StatusCreated, Result{Order: o, OrderToken: token})
	return nil
}

// place runs steps 2 to 10 of a checkout in tx. When the key is found taken under the cart lock it
// returns that order as before and changes nothing.
func (s *Service) place(ctx context.Context, tx *db.Tx, r *http.Request, key string, req Request,
	reqHash, tokenHash string) (Order, *placed, error) {
	const op = "checkout.PlaceOrder"
	now := s.now().UTC().Truncate(time.Millisecond)
	fail := func(err error) (Order, *placed, error) { return Order{}, nil, err }

	res, err := tx.ExecContext(ctx, lockCartSQL, now, req.CartID, now)
	if err != nil {
		return fail(apperr.Wrap(op, apperr.Internal, err))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return fail(apperr.Wrap(op, apperr.Internal, err))
		}
		return fail(apperr.E(op, apperr.NotFound, "cart not found (unknown or expired)"))
	}
	if p, err := orderByKey(ctx, tx, key); err == nil {
		return Order{}, &p, nil
	} else if !errors.Is(err, errNoOrder) {
		return fail(err)
	}

	lines, err := readLines(ctx, tx, req.CartID)
	if err != nil {
		return fail(err)
	}
	if len(lines) == 0 {
		return fail(apperr.E(op, apperr.Unprocessable, "the cart is empty").WithCode("empty_cart"))
	}
	priced := make([]commerce.Line, len(lines))
	var gone []map[string]any
	for i, l := range lines {
		priced[i] = commerce.Line{UnitPrice: l.price, Quantity: l.quantity}
		if !l.active {
			gone = append(gone, map[string]any{"product_id": l.productID, "name": l.name})
		}
	}
	if gone != nil {
		return fail(apperr.E(op, apperr.Unprocessable, "some products are no longer sold; remove them from the cart").
			WithCode("product_unavailable").WithDetails(map[string]any{"products": gone}))
	}

	var (
		discount commerce.Discount
		couponID any
		coupon   any
	)
	if req.CouponCode != "" {
		c, err := commerce.Redeem(ctx, tx, req.CouponCode,
			commerce.Redemption{Email: req.Customer.Email, Subtotal: commerce.Subtotal(priced), Now: now})
		if err != nil {
			return fail(err)
		}
		discount, couponID, coupon = c.Discount, c.ID, c.Code
	}
	totals := commerce.Price(commerce.Subtotal(priced), discount)

	if err := decrementStock(ctx, tx, lines, now); err != nil {
		return fail(err)
	}
	if _, err := tx.ExecContext(ctx, upsertCustomerSQL, req.Customer.Email, req.Customer.Name,
		nullable(req.Customer.Phone), nullable(req.Customer.Company), now); err != nil && !errors.Is(err, db.ErrUniqueViolation) {
		// A unique violation means a concurrent checkout created the customer first (Oracle's MERGE
		// is not atomic against concurrent inserts): the row exists, which is all that is needed.
		return fail(apperr.Wrap(op, apperr.Internal, err))
	}
	traceID := ""
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		traceID = sc.TraceID().String()
	}
	orderID, err := tx.InsertReturningID(ctx, insertOrderSQL, req.Customer.Email, totals.Subtotal, totals.Discount,
		totals.Shipping, totals.Total, couponID, coupon, req.PaymentMethod, req.ShippingAddress, key, reqHash,
		tokenHash, nullable(traceID), now, now)
	if errors.Is(err, db.ErrUniqueViolation) {
		return fail(errKeyTaken)
	}
	if err != nil {
		return fail(apperr.Wrap(op, apperr.Internal, err))
	}

	o := Order{ID: orderID, Status: "processing", PaymentStatus: "paid", Items: make([]OrderItem, len(lines)),
		Subtotal: totals.Subtotal, Discount: totals.Discount, ShippingCost: totals.Shipping, Total: totals.Total,
		Currency: commerce.Currency, TrackingNumber: TrackingNumber(orderID), Carrier: Carrier, CreatedAt: now}
	if req.CouponCode != "" {
		o.CouponCode = &req.CouponCode
	}
	eta := now.Add(DeliveryTime)
	o.EstimatedDelivery = &eta
	rows := make([][]any, len(lines))
	var units int64
	for i, l := range lines {
		o.Items[i] = OrderItem{ProductID: l.productID, Name: l.name, Quantity: l.quantity, UnitPrice: l.price,
			LineTotal: priced[i].Total()}
		rows[i] = []any{orderID, l.productID, l.name, l.quantity, l.price, o.Items[i].LineTotal, now}
		units += l.quantity
	}
	if _, err := tx.ExecBatch(ctx, insertOrderItemSQL, rows); err != nil {
		return fail(apperr.Wrap(op, apperr.Internal, err))
	}
	shipmentID, err := tx.InsertReturningID(ctx, insertShipmentSQL, orderID, o.TrackingNumber, Carrier,
		kilograms(units*GramsPerUnit), OriginRegion, eta, now, now)
	if err != nil {
		return fail(apperr.Wrap(op, apperr.Internal, err))
	}
	if _, err := tx.ExecContext(ctx, insertShipmentEventSQL, shipmentID, OriginRegion, "Order received", now); err != nil {
		return fail(apperr.Wrap(op, apperr.Internal, err))
	}
	details, err := json.Marshal(map[string]any{"idempotency_key": key, "lines": len(lines), "units": units,
		"total": totals.Total, "coupon_code": coupon})
	if err != nil {
		return fail(apperr.Wrap(op, apperr.Internal, err))
	}
	if _, err := tx.ExecContext(ctx, insertAuditSQL, strconv.FormatInt(orderID, 10), string(details),
		identity.ClientIP(r), nullable(traceID), now); err != nil {
		return fail(apperr.Wrap(op, apperr.Internal, err))
	}
	if _, err := tx.ExecContext(ctx, emptyCartSQL, req.CartID); err != nil {
		return fail(apperr.Wrap(op, apperr.Internal, err))
	}
	return o, nil, nil
}

// readLines reads the cart's lines and their products, locking the product rows on Oracle.
func readLines(ctx context.Context, tx *db.Tx, cartID string) ([]line, error) {
	const op = "checkout.ReadLines"
	rows, err := tx.QueryContext(ctx, cartLinesSQL, cartID)
	if err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	var lines []line
	for rows.Next() {
		var (
			l      line
			active int64
		)
		if err := rows.Scan(&l.productID, &l.quantity, &l.name, &l.price, &l.stock, &active); err != nil {
			return nil, apperr.Wrap(op, apperr.Internal, err)
		}
		l.active = active == 1
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	return lines, nil
}

// decrementStock takes every line's quantity off its product's stock in one batch of conditional
// updates. When fewer rows changed than there are lines, some product was short: the error is 409
// out_of_stock naming the products whose stock (read under the lock) is below the quantity, and the
// caller's transaction rolls the decrements that did apply back.
func decrementStock(ctx context.Context, tx *db.Tx, lines []line, now time.Time) error {
	const op = "checkout.DecrementStock"
	rows := make([][]any, len(lines))
	for i, l := range lines {
		rows[i] = []any{l.quantity, now, l.productID, l.quantity}
	}
	n, err := tx.ExecBatch(ctx, decrementStockSQL, rows)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if n == int64(len(lines)) {
		return nil
	}
	var short []map[string]any
	for _, l := range lines {
		if l.stock < l.quantity {
			short = append(short, map[string]any{"product_id": l.productID, "name": l.name,
				"requested": l.quantity, "available": l.stock})
		}
	}
	if short == nil { // the lock makes this unreachable; name every line rather than none
		for _, l := range lines {
			short = append(short, map[string]any{"product_id": l.productID, "name": l.name, "requested": l.quantity})
		}
	}
	return apperr.E(op, apperr.Conflict, "not enough stock for some products").WithCode("out_of_stock").
		WithDetails(map[string]any{"products": short})
}

// kilograms renders grams as the decimal NUMBER(10,3) stores exactly, bound as a number on Oracle
// (db.Decimal: never text the server would convert under NLS_NUMERIC_CHARACTERS).
func kilograms(grams int64) db.Decimal {
	return db.Decimal(fmt.Sprintf("%d.%03d", grams/1000, grams%1000))
}

// retryDeadlock runs tx, and once more when Oracle chose it as the victim of a deadlock (ORA-00060:
// the detecting statement was rolled back, then the whole transaction). A second deadlock is
// answered 503 like any other unavailability.
func retryDeadlock(tx func() error) error {
	err := tx()
	if errors.Is(err, db.ErrDeadlock) {
		err = tx()
	}
	return err
}

// nullable binds "" as NULL (Oracle stores ” as NULL anyway; SQLite would store ”).
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
