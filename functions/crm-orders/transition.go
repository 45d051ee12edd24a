package crmorders

import (
	"context"
	"database/sql"
	"net/http"
	"slices"
	"strconv"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// TransitionRequest is the body of POST /api/crm/orders/{id}/transitions.
type TransitionRequest struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

var reasonLimit = web.TextLimit{Field: "reason", Chars: 500, Bytes: 500}

// errTransition is the 409 of a transition the machine does not allow, naming the allowed ones.
func errTransition(op, what, from, to string, allowed []string) error {
	return apperr.E(op, apperr.Conflict, what+" cannot move from "+from+" to "+to).WithCode("invalid_transition").
		WithDetails(map[string]any{"from": from, "to": to, "allowed": allowed})
}

func (s *Service) transition(w http.ResponseWriter, r *http.Request) error {
	const op = "crmorders.Transition"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "order")
	if err != nil {
		return err
	}
	var req TransitionRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if !isOrderStatus(req.To) {
		return apperr.E(op, apperr.Invalid, "to must be one of pending, payment_pending, paid, processing, shipped, delivered, cancelled, refunded")
	}
	if err := reasonLimit.Check(op, req.Reason); err != nil {
		return err
	}
	var out Order
	var mail []int64
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		now := s.clock()
		l, err := lock(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		if !canMoveOrder(l.status, req.To) {
			return errTransition(op, "order "+strconv.FormatInt(id, 10), l.status, req.To, allowedOrder(l.status))
		}
		before := snapshot(l)
		if err := s.moveOrder(ctx, tx, l, req.To, req.Reason, p.ID, now); err != nil {
			return err
		}
		if st, from := shipmentFollowing(req.To); l.ship != nil && slices.Contains(from, l.ship.status) {
			c := shipmentChange{status: st, carrier: l.ship.carrier, tracking: l.ship.tracking, note: "order " + req.To}
			if err := changeShipment(ctx, tx, l.ship, c, now); err != nil {
				return err
			}
		}
		if mailed(req.To) {
			qid, err := s.mailStatus(ctx, tx, l)
			if err != nil {
				return err
			}
			mail = append(mail, qid)
		}
		details := security.Changes(before, snapshot(l))
		details["reason"] = req.Reason
		details["stock_and_coupon_returned"] = returnsGoods(req.To)
		if err := security.Audit(ctx, tx, security.Entry{Action: "order.transition", EntityType: "order",
			EntityID: strconv.FormatInt(id, 10), Details: details}); err != nil {
			return err
		}
		out, err = s.load(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	if len(mail) > 0 {
		s.kick.Kick(mail...)
	}
	return answer(w, http.StatusOK, out)
}

// snapshot is the audited state of a locked order and its shipment.
func snapshot(l *locked) map[string]any {
	m := map[string]any{"status": l.status, "payment_status": l.payment}
	if l.ship != nil {
		m["shipment_status"], m["carrier"], m["tracking_number"] = l.ship.status, l.ship.carrier, l.ship.tracking
	}
	return m
}
