// Package crmmarketing serves the CRM portal's marketing desk to staff: campaigns (list with lead
// counts and conversion, create, detail, update, recorded spend, the funnel) and the lead pipeline
// (list, detail, status, notes and owner, conversion into a customer).
//
// Decisions:
//   - Every route needs the marketing permission (func.yaml; the marketing and admin roles hold it).
//   - Campaigns: a unique code (2..40 of A-Z, 0-9 and "-", starting with a letter or digit) is what
//     lead capture matches, so it may change only while the campaign is a draft (409 code_locked
//     after launch: forms already carry it). Name 1..200, description up to 2000, target audience up
//     to 500 (characters and UTF-8 bytes), type email | social | ppc | referral, budget 0.00 ..
//     9,999,999,999.99, starts_at <= ends_at. A duplicate code is 409 code_taken, a duplicate name
//     409 name_taken.
//   - One state machine per entity (machine.go). Campaign: draft -> active, active -> paused |
//     completed, paused -> active | completed; completed is final. Lead: new -> contacted ->
//     qualified -> converted, and new, contacted, qualified -> lost; converted and lost are final. An
//     illegal move is 409 invalid_transition with the allowed ones.
//   - Spend only as entries (POST .../spend, amount > 0, note): the entry is inserted and
//     campaigns.spent raised by its amount in one transaction with the campaign row locked, so
//     concurrent entries never lose one. spent is never written any other way (the create and PATCH
//     bodies have no spent field; an unknown field is 400). Spend beyond the budget is refused (409
//     over_budget, details with budget, spent and the amount left): the budget is the cap marketing
//     approved; raise the budget first. A budget below what is spent is 409 budget_below_spent.
//     Spend is recorded on active and paused campaigns only (409 campaign_not_running otherwise).
//     Campaigns from before migration 0015 keep their spent as an opening balance without entries.
//   - PATCH of a campaign or a lead needs If-Match with the detail's ETag (428 without, 412 stale,
//     nothing changed); the row is locked (FOR UPDATE) while the ETag is compared. Spend needs no
//     If-Match: it is an append, checked against the locked budget.
//   - Converting a lead (qualified -> converted) links it to the customer with its email
//     (case-insensitive, ux_customers_email) or creates one (name, email, phone, company from the
//     lead), in the lead's transaction with the lead row locked: of concurrent converts of one lead
//     one wins and the others find it converted (409, or 412 when they sent the old ETag). A customer
//     created meanwhile by another transaction (checkout, another lead with the same email) makes the
//     insert a unique violation: the convert then links that customer. converted_at is set.
//   - owner_id is the id of an active staff account (a role with permissions); null clears it.
//   - Every write is audited through security.Audit in its transaction (who, what, before/after).
//   - Lists are keyset-paginated newest first on id, at most 100 a page, one statement a page (lead
//     counts as scalar subqueries over ix_leads_campaign_id); the funnel is one GROUP BY statement.
package crmmarketing

import (
	"database/sql"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "crm-marketing"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Page bounds of the lists.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// Service serves the crm-marketing routes.
type Service struct {
	db  *sql.DB
	log *slog.Logger
	now func() time.Time
}

// New returns the crm-marketing function's HTTP handler.
func New(store *sql.DB, log *slog.Logger) (http.Handler, error) {
	s := &Service{db: store, log: log, now: time.Now}
	return web.NewRouter(Declaration(), log, map[string]web.HandlerFunc{
		"GET /api/crm/campaigns":             s.listCampaigns,
		"POST /api/crm/campaigns":            s.createCampaign,
		"GET /api/crm/campaigns/{id}":        s.getCampaign,
		"PATCH /api/crm/campaigns/{id}":      s.patchCampaign,
		"POST /api/crm/campaigns/{id}/spend": s.spend,
		"GET /api/crm/campaigns/{id}/funnel": s.funnel,
		"GET /api/crm/leads":                 s.listLeads,
		"GET /api/crm/leads/{id}":            s.getLead,
		"PATCH /api/crm/leads/{id}":          s.patchLead,
	})
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "GET /api/crm/campaigns", Response: CampaignPage{}, Query: []string{"status", "type", "cursor", "limit"}},
	{Route: "POST /api/crm/campaigns", Request: CampaignInput{}, Response: CampaignDetail{}, Status: []int{201}, ETag: true, Location: true,
		Errors: []int{409}},
	{Route: "GET /api/crm/campaigns/{id}", Response: CampaignDetail{}, ETag: true},
	{Route: "PATCH /api/crm/campaigns/{id}", Request: CampaignInput{}, Response: CampaignDetail{}, IfMatch: true, ETag: true,
		Errors: []int{409}},
	{Route: "POST /api/crm/campaigns/{id}/spend", Request: SpendRequest{}, Response: SpendAnswer{}, Status: []int{201}, ETag: true,
		Errors: []int{409}},
	{Route: "GET /api/crm/campaigns/{id}/funnel", Response: Funnel{}},
	{Route: "GET /api/crm/leads", Response: LeadPage{},
		Query: []string{"campaign_id", "status", "min_score", "max_score", "owner_id", "cursor", "limit"}},
	{Route: "GET /api/crm/leads/{id}", Response: Lead{}, ETag: true},
	{Route: "PATCH /api/crm/leads/{id}", Request: LeadPatch{}, Response: Lead{}, IfMatch: true, ETag: true, Errors: []int{409}},
}

// clock is the current time as the database stores it (UTC, milliseconds).
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// pathID reads the {id} path parameter; a malformed id names nothing (404).
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, apperr.E("crmmarketing.ID", apperr.NotFound, what+" not found")
	}
	return id, nil
}

// errTransition is the 409 of a status change the machine does not allow, naming the allowed ones.
func errTransition(op, what, from, to string, allowed []string) error {
	return apperr.E(op, apperr.Conflict, what+" cannot move from "+from+" to "+to).WithCode("invalid_transition").
		WithDetails(map[string]any{"from": from, "to": to, "allowed": allowed})
}

// idCursor is the keyset of the id-ordered lists.
type idCursor struct {
	I int64 `json:"i"`
}

// stamp is a time as the ETag versions and audit details carry it.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
