package crmmarketing

import (
	"regexp"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/money"
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
