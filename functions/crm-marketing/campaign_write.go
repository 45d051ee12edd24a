package crmmarketing

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

const (
	insertCampaignSQL = `INSERT INTO campaigns (code, name, description, campaign_type, status, budget, spent, target_audience,
    starts_at, ends_at, created_at, updated_at)
VALUES (:1, :2, :3, :4, 'draft', :5, 0, :6, :7, :8, :9, :10)
RETURNING id INTO :11`

	lockCampaignSQL = `SELECT code, name, description, campaign_type, status, budget, spent, target_audience, starts_at, ends_at, updated_at
FROM campaigns WHERE id = :1 FOR UPDATE`

	updateCampaignSQL = `UPDATE campaigns SET code = :1, name = :2, description = :3, campaign_type = :4, status = :5, budget = :6,
    target_audience = :7, starts_at = :8, ends_at = :9, updated_at = :10
WHERE id = :11`

	// codeTakenSQL tells a duplicate code from a duplicate name after a unique violation.
	codeTakenSQL = `SELECT COUNT(*) FROM campaigns WHERE code = :1 AND id <> :2`
)

// errTaken names which unique key a campaign write collided with.
func errTaken(ctx context.Context, op string, tx *sql.Tx, code string, id int64) error {
	var n int64
	if err := tx.QueryRowContext(ctx, codeTakenSQL, code, id).Scan(&n); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if n > 0 {
		return apperr.E(op, apperr.Conflict, "another campaign has this code").WithCode("code_taken")
	}
	return apperr.E(op, apperr.Conflict, "another campaign has this name").WithCode("name_taken")
}

func (s *Service) createCampaign(w http.ResponseWriter, r *http.Request) error {
	const op = "crmmarketing.CreateCampaign"
	var req CampaignInput
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	st, err := req.apply(op, state{Status: Draft}, true)
	if err != nil {
		return err
	}
	var out CampaignDetail
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		now := s.clock()
		id, err := db.InsertReturningID(ctx, tx, insertCampaignSQL, st.Code, st.Name, db.NullIfEmpty(st.Description), st.Type, st.Budget,
			db.NullIfEmpty(st.TargetAudience), timeOrNil(st.StartsAt), timeOrNil(st.EndsAt), now, now)
		if errors.Is(err, db.ErrUniqueViolation) {
			return errTaken(ctx, op, tx, st.Code, 0)
		}
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if err := security.Audit(ctx, tx, security.Entry{Action: "campaign.create", EntityType: "campaign",
			EntityID: strconv.FormatInt(id, 10), Details: stateMap(st)}); err != nil {
			return err
		}
		out, err = loadCampaign(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/crm/campaigns/"+strconv.FormatInt(out.ID, 10))
	return answerCampaign(w, http.StatusCreated, out)
}

// lockedCampaign is a campaign read under its row lock.
type lockedCampaign struct {
	state
	spent   money.Cents
	updated time.Time
}

func lockCampaign(ctx context.Context, op string, tx *sql.Tx, id int64) (lockedCampaign, error) {
	var l lockedCampaign
	var starts, ends *time.Time
	err := tx.QueryRowContext(ctx, lockCampaignSQL, id).Scan(&l.Code, &l.Name, &l.Description, &l.Type, &l.Status, &l.Budget,
		&l.spent, &l.TargetAudience, &starts, &ends, &l.updated)
	if errors.Is(err, sql.ErrNoRows) {
		return l, errCampaignNotFound(op)
	}
	if err != nil {
		return l, apperr.Wrap(op, apperr.Internal, err)
	}
	l.StartsAt, l.EndsAt = stampOrEmpty(db.UTC(starts)), stampOrEmpty(db.UTC(ends))
	return l, nil
}

func (s *Service) patchCampaign(w http.ResponseWriter, r *http.Request) error {
	const op = "crmmarketing.PatchCampaign"
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	var req CampaignInput
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if req.Code != nil && !codeRE.MatchString(*req.Code) || req.Status != nil && !isCampaignStatus(*req.Status) {
		_, err := req.apply(op, state{Status: Draft}, false) // the input's own 400, before any statement
		return err
	}
	var out CampaignDetail
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		now := s.clock()
		l, err := lockCampaign(ctx, op, tx, id)
		if err != nil {
			return err
		}
		tag, err := web.ETag(campaignVersion{ID: id, State: l.state, Spent: l.spent.String(), UpdatedAt: stamp(l.updated)})
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if err := web.CheckIfMatch(op, r, tag); err != nil {
			return err
		}
		next, err := req.apply(op, l.state, false)
		if err != nil {
			return err
		}
		if next.Budget < l.spent {
			return apperr.E(op, apperr.Conflict, "budget cannot be below what is already spent").WithCode("budget_below_spent").
				WithDetails(map[string]any{"spent": l.spent.String()})
		}
		if next != l.state {
			if _, err := tx.ExecContext(ctx, updateCampaignSQL, next.Code, next.Name, db.NullIfEmpty(next.Description), next.Type, next.Status,
				next.Budget, db.NullIfEmpty(next.TargetAudience), timeOrNil(next.StartsAt), timeOrNil(next.EndsAt), now, id); err != nil {
				if errors.Is(err, db.ErrUniqueViolation) {
					return errTaken(ctx, op, tx, next.Code, id)
				}
				return apperr.Wrap(op, apperr.Internal, err)
			}
			if err := security.Audit(ctx, tx, security.Entry{Action: "campaign.update", EntityType: "campaign",
				EntityID: strconv.FormatInt(id, 10), Details: security.Changes(stateMap(l.state), stateMap(next))}); err != nil {
				return err
			}
		}
		out, err = loadCampaign(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	return answerCampaign(w, http.StatusOK, out)
}
