package checkout

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/security"
)

// Placed is what PlaceOrder answers: the order, and either the order token (a new order) or
// Replayed (the order the idempotency key placed before).
type Placed struct {
	Order    Order
	Token    string
	Replayed bool
}

// errKeyTaken reports that another request placed an order with the same key first (Oracle race).
var errKeyTaken = errors.New("checkout: idempotency key taken concurrently")

// PlaceOrder turns the cart of req into an order in one transaction, or answers the order key placed
// before (see the package documentation for the statements it runs and why). It validates req
// itself; every failure is an *apperr.Error and leaves nothing written.
func (s *Service) PlaceOrder(ctx context.Context, key string, req Request) (Placed, error) {
	const op = "checkout.PlaceOrder"
	req, err := req.normalize()
	if err != nil {
		return Placed{}, err
	}
	reqHash := req.hash()
	if p, err := orderByKey(ctx, s.on(s.db), key); err == nil {
		return s.replay(ctx, p, reqHash)
	} else if !errors.Is(err, errNoOrder) {
		return Placed{}, err
	}

	token, tokenHash := commerce.NewOrderToken()
	var (
		o      Order
		before *placed // set when the key turned out to be taken under the cart lock
		queued int64
	)
	err = retryDeadlock(func() error {
		return db.InTx(ctx, s.db, func(ctx context.Context, t *sql.Tx) error {
			tx := s.on(t)
			var err error
			if o, before, err = s.place(ctx, tx, key, req, reqHash, tokenHash); err != nil || before != nil {
				return err
			}
			queued, err = s.confirm(ctx, tx, req, o, token)
			return err
		})
	})
	switch {
	case errors.Is(err, errKeyTaken):
		// Oracle only: a request with the same key and another cart committed its order between our
		// look-ups and our insert; our transaction rolled back, and the winner's order is the answer.
		p, lerr := orderByKey(ctx, s.on(s.db), key)
		if lerr != nil {
			return Placed{}, apperr.Wrap(op, apperr.Internal, errors.Join(err, lerr))
		}
		return s.replay(ctx, p, reqHash)
	case err != nil:
		return Placed{}, err
	case before != nil:
		return s.replay(ctx, *before, reqHash)
	}
	if s.metrics != nil {
		s.metrics.RecordOrder(ctx, float64(o.Total)/100, attribute.String("payment_method", req.PaymentMethod),
			attribute.Bool("coupon", o.CouponCode != nil))
	}
	if queued != 0 {
		s.kick.Kick(queued)
	}
	return Placed{Order: o, Token: token}, nil
}

// replay answers the order p for a request with hash reqHash (see replayOrder).
func (s *Service) replay(ctx context.Context, p placed, reqHash string) (Placed, error) {
	o, err := replayOrder(ctx, s.on(s.db), p, reqHash)
	if err != nil {
		return Placed{}, err
	}
	return Placed{Order: o, Replayed: true}, nil
}

// place runs steps 2 to 10 of a checkout in tx. When the key is found taken under the cart lock it
// returns that order as before and changes nothing.
func (s *Service) place(ctx context.Context, tx db.DBTX, key string, req Request, reqHash, tokenHash string) (Order, *placed, error) {
	now := s.now().UTC().Truncate(time.Millisecond)
	fail := func(err error) (Order, *placed, error) { return Order{}, nil, err }

	if err := lockCart(ctx, tx, req.CartID, now); err != nil {
		return fail(err)
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
	priced, err := price(lines)
	if err != nil {
		return fail(err)
	}
	var (
		discount commerce.Discount
		coupon   *commerce.Coupon
	)
	if req.CouponCode != "" {
		c, err := commerce.Redeem(ctx, tx, req.CouponCode,
			commerce.Redemption{Email: req.Customer.Email, Subtotal: commerce.Subtotal(priced), Now: now})
		if err != nil {
			return fail(err)
		}
		discount, coupon = c.Discount, &c
	}
	totals := commerce.Price(commerce.Subtotal(priced), discount)
	if err := decrementStock(ctx, tx, lines, now); err != nil {
		return fail(err)
	}
	if err := ensureCustomer(ctx, tx, req.Customer, now); err != nil {
		return fail(err)
	}
	o, err := insertOrder(ctx, tx, newOrder{req: req, key: key, reqHash: reqHash, tokenHash: tokenHash,
		totals: totals, coupon: coupon, now: now})
	if err != nil {
		return fail(err)
	}
	units, err := insertItems(ctx, tx, &o, lines, priced)
	if err != nil {
		return fail(err)
	}
	if err := insertShipment(ctx, tx, o, units, now); err != nil {
		return fail(err)
	}
	var code any
	if coupon != nil {
		code = coupon.Code
	}
	if err := security.Audit(ctx, tx, security.Entry{Actor: Name, Action: "order.placed", EntityType: "order",
		EntityID: strconv.FormatInt(o.ID, 10), Details: map[string]any{"idempotency_key": key, "lines": len(lines),
			"units": units, "total": totals.Total, "coupon_code": code}}); err != nil {
		return fail(err)
	}
	if err := emptyCart(ctx, tx, req.CartID); err != nil {
		return fail(err)
	}
	return o, nil, nil
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
