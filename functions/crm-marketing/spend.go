package crmmarketing

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"

	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// SpendRequest is the body of POST /api/crm/campaigns/{id}/spend.
type SpendRequest struct {
	Amount *money.Cents `json:"amount"`
	Note   string       `json:"note"`
}

// SpendAnswer is the entry recorded and the campaign after it.
type SpendAnswer struct {
	Entry    SpendEntry     `json:"entry"`
	Campaign CampaignDetail `json:"campaign"`
}

var noteLimit = web.TextLimit{Field: "note", Chars: 500, Bytes: 500}

const (
	insertSpendSQL = `INSERT INTO campaign_spend (campaign_id, amount, note, actor, trace_id, created_at)
VALUES (:1, :2, :3, :4, :5, :6)
RETURNING id INTO :7`

	// addSpentSQL raises spent by the entry, on the locked row: the one write of campaigns.spent.
	addSpentSQL = `UPDATE campaigns SET spent = spent + :1, updated_at = :2 WHERE id = :3`
)

func (s *Service) spend(w http.ResponseWriter, r *http.Request) error {
	const op = "crmmarketing.Spend"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	var req SpendRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.Amount == nil:
		return apperr.E(op, apperr.Invalid, "amount is required")
	case *req.Amount <= 0 || *req.Amount > money.Max:
		return apperr.E(op, apperr.Invalid, "amount must be more than 0.00 and at most 9999999999.99")
	}
	if err := noteLimit.Check(op, req.Note); err != nil {
		return err
	}
	amount := *req.Amount
	var out SpendAnswer
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		now := s.clock()
		l, err := lockCampaign(ctx, op, tx, id)
		if err != nil {
			return err
		}
		if !takesSpend(l.Status) {
			return apperr.E(op, apperr.Conflict, "spend is recorded on active and paused campaigns; this one is "+l.Status).
				WithCode("campaign_not_running")
		}
		if l.spent+amount > l.Budget {
			return apperr.E(op, apperr.Conflict, "the amount exceeds the campaign's remaining budget; raise the budget first").
				WithCode("over_budget").WithDetails(map[string]any{"budget": l.Budget.String(), "spent": l.spent.String(),
				"remaining": (l.Budget - l.spent).String(), "amount": amount.String()})
		}
		entryID, err := db.InsertReturningID(ctx, tx, insertSpendSQL, id, amount, db.NullIfEmpty(req.Note), p.ID, traceID(ctx), now)
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if _, err := tx.ExecContext(ctx, addSpentSQL, amount, now, id); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		out.Entry = SpendEntry{ID: entryID, Amount: amount, Note: req.Note, Actor: p.ID, CreatedAt: now}
		if err := security.Audit(ctx, tx, security.Entry{Action: "campaign.spend", EntityType: "campaign",
			EntityID: strconv.FormatInt(id, 10), Details: map[string]any{"entry_id": entryID, "amount": amount.String(),
				"note": req.Note, "spent": map[string]any{"before": l.spent.String(), "after": (l.spent + amount).String()}}}); err != nil {
			return err
		}
		out.Campaign, err = loadCampaign(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	tag, err := campaignETag(out.Campaign.Campaign)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusCreated, out)
	return nil
}

// traceID is the request's trace id, or nil when there is none.
func traceID(ctx context.Context) any {
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return nil
}
