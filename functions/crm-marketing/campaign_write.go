package crmmarketing

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// CampaignInput is the body of POST /api/crm/campaigns (code, name and type required; status is not
// accepted: a campaign starts as a draft) and of PATCH /api/crm/campaigns/{id} (any field; "" clears
// description, target_audience and the dates).
type CampaignInput struct {
	Code           *string      `json:"code"`
	Name           *string      `json:"name"`
	Description    *string      `json:"description"`
	Type           *string      `json:"type"`
	Status         *string      `json:"status"`
	Budget         *money.Cents `json:"budget"`
	TargetAudience *string      `json:"target_audience"`
	StartsAt       *string      `json:"starts_at"`
	EndsAt         *string      `json:"ends_at"`
}

// state is a campaign's editable state, comparable; dates as RFC 3339 text ("" for none).
type state struct {
	Code           string      `json:"c"`
	Name           string      `json:"n"`
	Description    string      `json:"d"`
	Type           string      `json:"t"`
	Status         string      `json:"s"`
	Budget         money.Cents `json:"b"`
	TargetAudience string      `json:"a"`
	StartsAt       string      `json:"f"`
	EndsAt         string      `json:"e"`
}

func stateOf(c Campaign) state {
	return state{Code: c.Code, Name: c.Name, Description: c.Description, Type: c.Type, Status: c.Status, Budget: c.Budget,
		TargetAudience: c.TargetAudience, StartsAt: stampOrEmpty(c.StartsAt), EndsAt: stampOrEmpty(c.EndsAt)}
}

func stampOrEmpty(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

// codeRE is a campaign code: upper-case ASCII letters, digits and dashes, 2..40 bytes, starting with a
// letter or digit (ASCII only, so characters and bytes agree with VARCHAR2(40)).
var codeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,39}$`)

var campaignLimits = map[string]web.TextLimit{
	"name":            {Field: "name", Chars: 200, Bytes: 200, Required: true},
	"description":     {Field: "description", Chars: 2000, Bytes: 2000, Multiline: true},
	"target_audience": {Field: "target_audience", Chars: 500, Bytes: 500},
}

// apply validates the input and returns the state it makes of cur (the zero state for a create).
func (in CampaignInput) apply(op string, cur state, create bool) (state, error) {
	next := cur
	given := false
	for _, f := range []struct {
		name string
		v    *string
		dst  *string
	}{{"name", in.Name, &next.Name}, {"description", in.Description, &next.Description}, {"target_audience", in.TargetAudience, &next.TargetAudience}} {
		if f.v == nil {
			continue
		}
		given = true
		if err := campaignLimits[f.name].Check(op, *f.v); err != nil {
			return cur, err
		}
		*f.dst = *f.v
	}
	if in.Code != nil {
		given = true
		if !codeRE.MatchString(*in.Code) {
			return cur, apperr.E(op, apperr.Invalid, "code must be 2 to 40 of A-Z, 0-9 and -, starting with a letter or digit, e.g. SPRING-2027")
		}
		if !create && *in.Code != cur.Code && cur.Status != Draft {
			return cur, apperr.E(op, apperr.Conflict, "the code of a launched campaign cannot change: lead forms carry it").WithCode("code_locked")
		}
		next.Code = *in.Code
	}
	if in.Type != nil {
		given = true
		if !isCampaignType(*in.Type) {
			return cur, apperr.E(op, apperr.Invalid, "type must be one of email, social, ppc, referral")
		}
		next.Type = *in.Type
	}
	if in.Budget != nil {
		given = true
		if *in.Budget < 0 || *in.Budget > money.Max {
			return cur, apperr.E(op, apperr.Invalid, "budget must be between 0.00 and 9999999999.99")
		}
		next.Budget = *in.Budget
	}
	for _, d := range []struct {
		name string
		v    *string
		dst  *string
	}{{"starts_at", in.StartsAt, &next.StartsAt}, {"ends_at", in.EndsAt, &next.EndsAt}} {
		if d.v == nil {
			continue
		}
		given = true
		*d.dst = ""
		if *d.v != "" {
			t, err := time.Parse(time.RFC3339, *d.v)
			if err != nil {
				return cur, apperr.E(op, apperr.Invalid, d.name+` must be an RFC 3339 time, e.g. 2027-03-01T00:00:00Z, or "" for none`)
			}
			*d.dst = stamp(t.UTC().Truncate(time.Millisecond))
		}
	}
	if in.Status != nil {
		given = true
		if create {
			return cur, apperr.E(op, apperr.Invalid, "a campaign starts as a draft: change its status with PATCH")
		}
		if !isCampaignStatus(*in.Status) {
			return cur, apperr.E(op, apperr.Invalid, "status must be one of draft, active, paused, completed")
		}
		if *in.Status != cur.Status && !canMoveCampaign(cur.Status, *in.Status) {
			return cur, errTransition(op, "campaign", cur.Status, *in.Status, allowedCampaign(cur.Status))
		}
		next.Status = *in.Status
	}
	switch {
	case !given:
		return cur, apperr.E(op, apperr.Invalid, "send at least one of code, name, description, type, status, budget, target_audience, starts_at, ends_at")
	case create && (in.Code == nil || in.Name == nil || in.Type == nil):
		return cur, apperr.E(op, apperr.Invalid, "code, name and type are required")
	case next.StartsAt != "" && next.EndsAt != "" && next.EndsAt < next.StartsAt:
		return cur, apperr.E(op, apperr.Invalid, "ends_at must not be before starts_at")
	}
	return next, nil
}

// timeOrNil binds a state date: nil for none.
func timeOrNil(s string) any {
	if s == "" {
		return nil
	}
	t, _ := time.Parse(time.RFC3339Nano, s) // written by stamp
	return t
}

func stateMap(st state) map[string]any {
	return map[string]any{"code": st.Code, "name": st.Name, "description": st.Description, "type": st.Type, "status": st.Status,
		"budget": st.Budget.String(), "target_audience": st.TargetAudience, "starts_at": st.StartsAt, "ends_at": st.EndsAt}
}

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
func errTaken(ctx context.Context, op string, tx *db.Tx, code string, id int64) error {
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
	err = s.db.InTx(r.Context(), func(ctx context.Context, tx *db.Tx) error {
		now := s.clock()
		id, err := tx.InsertReturningID(ctx, insertCampaignSQL, st.Code, st.Name, nullable(st.Description), st.Type, st.Budget,
			nullable(st.TargetAudience), timeOrNil(st.StartsAt), timeOrNil(st.EndsAt), now, now)
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

func lockCampaign(ctx context.Context, op string, tx *db.Tx, id int64) (lockedCampaign, error) {
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
	l.StartsAt, l.EndsAt = stampOrEmpty(utc(starts)), stampOrEmpty(utc(ends))
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
	err = s.db.InTx(r.Context(), func(ctx context.Context, tx *db.Tx) error {
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
			if _, err := tx.ExecContext(ctx, updateCampaignSQL, next.Code, next.Name, nullable(next.Description), next.Type, next.Status,
				next.Budget, nullable(next.TargetAudience), timeOrNil(next.StartsAt), timeOrNil(next.EndsAt), now, id); err != nil {
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
