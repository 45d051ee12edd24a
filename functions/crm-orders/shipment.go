package crmorders

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// ShipmentPatch is the body of PATCH /api/crm/shipments/{id}: the fields to change (at least one of
// status, carrier and tracking_number), and where and why, kept on the shipment event.
type ShipmentPatch struct {
	Status         *string `json:"status"`
	Carrier        *string `json:"carrier"`
	TrackingNumber *string `json:"tracking_number"`
	Location       string  `json:"location"`
	Note           string  `json:"note"`
}

var (
	carrierLimit  = web.TextLimit{Field: "carrier", Chars: 64, Bytes: 64}
	trackingLimit = web.TextLimit{Field: "tracking_number", Chars: 64, Bytes: 64}
	locationLimit = web.TextLimit{Field: "location", Chars: 200, Bytes: 200}
	noteLimit     = web.TextLimit{Field: "note", Chars: 1000, Bytes: 1000, Multiline: true}
)

const shipmentOrderSQL = `SELECT order_id FROM shipments WHERE id = :1`

func (p ShipmentPatch) validate(op string) error {
	if p.Status == nil && p.Carrier == nil && p.TrackingNumber == nil {
		return apperr.E(op, apperr.Invalid, "send at least one of status, carrier and tracking_number")
	}
	if p.Status != nil {
		switch *p.Status {
		case ShipProcessing, ShipShipped, ShipInTransit, ShipDelivered, ShipReturned:
		default:
			return apperr.E(op, apperr.Invalid, "status must be one of processing, shipped, in_transit, delivered, returned")
		}
	}
	for _, f := range []struct {
		v     *string
		limit web.TextLimit
	}{{p.Carrier, carrierLimit}, {p.TrackingNumber, trackingLimit}} {
		if f.v == nil {
			continue
		}
		if *f.v == "" {
			return apperr.E(op, apperr.Invalid, f.limit.Field+" must not be empty")
		}
		if err := f.limit.Check(op, *f.v); err != nil {
			return err
		}
	}
	if err := locationLimit.Check(op, p.Location); err != nil {
		return err
	}
	return noteLimit.Check(op, p.Note)
}

func (s *Service) patchShipment(w http.ResponseWriter, r *http.Request) error {
	const op = "crmorders.PatchShipment"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "shipment")
	if err != nil {
		return err
	}
	var req ShipmentPatch
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if err := req.validate(op); err != nil {
		return err
	}
	var orderID int64
	if err := s.db.QueryRowContext(r.Context(), shipmentOrderSQL, id).Scan(&orderID); errors.Is(err, sql.ErrNoRows) {
		return apperr.E(op, apperr.NotFound, "shipment not found")
	} else if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	var out Order
	var mail []int64
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		now := s.clock()
		l, err := lock(ctx, tx, orderID, id)
		if err != nil {
			return err
		}
		tag, err := l.version().etag()
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if err := web.CheckIfMatch(op, r, tag); err != nil {
			return err
		}
		sh := l.ship
		c := shipmentChange{status: sh.status, carrier: sh.carrier, tracking: sh.tracking, location: req.Location, note: req.Note}
		if req.Carrier != nil {
			c.carrier = *req.Carrier
		}
		if req.TrackingNumber != nil {
			c.tracking = *req.TrackingNumber
		}
		before := snapshot(l)
		if req.Status != nil && *req.Status != sh.status {
			if !canMoveShipment(sh.status, *req.Status) {
				return errTransition(op, "shipment "+strconv.FormatInt(id, 10), sh.status, *req.Status, allowedShipment(sh.status))
			}
			c.status = *req.Status
			if to, ok := orderFollowing(c.status); ok && l.status != to {
				if !canMoveOrder(l.status, to) {
					return errTransition(op, "its order "+strconv.FormatInt(l.id, 10), l.status, to, allowedOrder(l.status))
				}
				if err := s.moveOrder(ctx, tx, l, to, "shipment "+c.status, p.ID, now); err != nil {
					return err
				}
			}
		}
		if c.status == sh.status && c.carrier == sh.carrier && c.tracking == sh.tracking {
			out, err = s.load(ctx, tx, orderID) // nothing to change: no write, no audit
			return err
		}
		orderMoved := l.status != before["status"]
		if err := changeShipment(ctx, tx, sh, c, now); err != nil {
			return err
		}
		if orderMoved && mailed(l.status) {
			qid, err := s.mailStatus(ctx, tx, l)
			if err != nil {
				return err
			}
			mail = append(mail, qid)
		}
		details := security.Changes(before, snapshot(l))
		details["order_id"] = l.id
		if err := security.Audit(ctx, tx, security.Entry{Action: "shipment.update", EntityType: "shipment",
			EntityID: strconv.FormatInt(id, 10), Details: details}); err != nil {
			return err
		}
		out, err = s.load(ctx, tx, orderID)
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
