package checkout

import (
	"context"
	"strconv"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/notify"
)

// confirm writes the order confirmation to the outbox in the checkout's transaction and returns its
// outbox id (0 when notifications are off). The link opens the order with its token, as
// GET /api/orders/{id} with X-Order-Token does.
func (s *Service) confirm(ctx context.Context, tx db.DBTX, req Request, o Order, token string) (int64, error) {
	if s.mail == nil {
		return 0, nil
	}
	id := strconv.FormatInt(o.ID, 10)
	qid, err := s.outbox.Enqueue(ctx, tx, notify.Notification{Template: notify.OrderConfirmation, To: req.Customer.Email,
		Data: map[string]string{"name": req.Customer.Name, "order_id": id, "total": o.Total.String(),
			"link": s.mail.Link("/orders/"+id, token)}})
	if err != nil {
		return 0, apperr.Wrap("checkout.Confirm", apperr.Internal, err)
	}
	return qid, nil
}
