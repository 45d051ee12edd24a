// Package leadcapture serves POST /api/leads: an enquiry from a storefront or campaign form becomes
// a lead, scored, linked to its campaign and to the customer with the same email, and deduplicated.
//
// Decisions:
//   - Answer 202 {"accepted": true} whether the lead is new or a repeat: the answer reveals nothing
//     about which addresses already enquired.
//   - Deduplication: one lead per (campaign, email case-insensitively) for Window (30 days) after the
//     lead was created. A repeat within the window updates that lead (name, company and message
//     when given, the customer link, the score, which a repeat never lowers; status, source and
//     created_at stay, they belong to the sales process) instead of adding a row; after the window a
//     new lead starts a new window. A time-dependent rule cannot be a unique index on leads, so the
//     table lead_dedup (schema 0009) holds one row per key naming the key's current lead: in one
//     transaction the key row is read and locked (FOR UPDATE on Oracle; SQLite's BEGIN IMMEDIATE
//     serialises writers), the lead updated or inserted, and the key row inserted or moved. Two
//     concurrent first submissions collide on the key's primary key; the loser's transaction rolls
//     back whole (no orphan lead) and is retried once, finding the winner's lead to update.
//   - Campaign: campaign_id, or campaign_code, the campaign's unique code (campaigns.code, schema
//     0015; upper-case letters, digits and dashes, so the given code is upper-cased before the
//     lookup on ux_campaigns_code); never the display name, which marketing may rename. Not both. A
//     campaign must exist and not be a draft (a draft is not public), else 422 unknown_campaign.
//   - A campaign that has ended (completed, or past its ends_at) still gives a lead, stored as if the
//     request named no campaign (no campaign_id, no campaign points in the score, deduplicated with
//     the email's leads without a campaign) and answered the same 202. Its code lives on in sent
//     emails, printed flyers and old landing pages, and the person asking is a prospect marketing
//     wants; a refusal would lose the enquiry for a form the visitor cannot fix. Not linking keeps
//     the ended campaign's leads, funnel and conversion rate as they were when it ended. A paused
//     campaign before its end still takes leads (it may resume). The campaign is read without a
//     lock: a completion committing meanwhile may see one more lead linked, which is the order
//     "lead, then completion" (the completion reads no leads), so nothing decided on a stale read.
//   - The score is Score (score.go), a pure function of the submission, documented there.
//   - Email: web.ValidEmail, the rule every function shares;
//     stored as typed. The customer link is by case-insensitive email (the unique index on
//     LOWER(customers.email)), set in the same statement that writes the lead.
//   - consent must be JSON true; source one of web, referral, social, paid. Text is stored exactly
//     as given and escaped only where rendered: name and company are single lines of at most 200,
//     message at most 2000, characters and UTF-8 bytes (the columns' sizes). Empty text is NULL.
package leadcapture

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "lead-capture"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Window is how long after its creation a lead absorbs repeat submissions.
const Window = 30 * 24 * time.Hour

// Service serves the lead route.
type Service struct {
	db  *sql.DB
	now func() time.Time
}

// New returns the lead-capture function's HTTP handler.
func New(store *sql.DB, log *slog.Logger) (http.Handler, error) {
	fn := Declaration()
	s := &Service{db: store, now: time.Now}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{"POST /api/leads": s.capture})
}

// Request is the body of POST /api/leads.
type Request struct {
	Email        string  `json:"email"`
	Name         *string `json:"name"`
	Company      *string `json:"company"`
	CampaignID   *int64  `json:"campaign_id"`
	CampaignCode *string `json:"campaign_code"`
	Source       string  `json:"source"`
	Message      *string `json:"message"`
	Consent      *bool   `json:"consent"`
}

// Answer is the body of the 202 answer.
type Answer struct {
	Accepted bool `json:"accepted"`
}

// submission is a validated request.
type submission struct {
	email, source          string
	name, company, message string // "" when not given
}

func (req Request) validate(op string) (submission, error) {
	email, err := web.Email(op, "email", req.Email)
	if err != nil {
		return submission{}, err
	}
	switch req.Source {
	case "web", "referral", "social", "paid":
	default:
		return submission{}, apperr.E(op, apperr.Invalid, "source must be web, referral, social or paid")
	}
	if req.Consent == nil || !*req.Consent {
		return submission{}, apperr.E(op, apperr.Invalid, "consent must be true")
	}
	if req.CampaignID != nil && req.CampaignCode != nil {
		return submission{}, apperr.E(op, apperr.Invalid, "give campaign_id or campaign_code, not both")
	}
	if req.CampaignID != nil && *req.CampaignID < 1 {
		return submission{}, apperr.E(op, apperr.Invalid, "campaign_id must be a positive integer")
	}
	s := submission{email: email, source: req.Source, name: text(req.Name), company: text(req.Company), message: text(req.Message)}
	for _, c := range []struct {
		limit web.TextLimit
		v     string
	}{
		{web.TextLimit{Field: "name", Bytes: 200}, s.name},
		{web.TextLimit{Field: "company", Bytes: 200}, s.company},
		{web.TextLimit{Field: "message", Bytes: 2000, Multiline: true}, s.message},
	} {
		if err := c.limit.Check(op, c.v); err != nil {
			return submission{}, err
		}
	}
	return s, nil
}

func text(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

const (
	campaignByIDSQL   = `SELECT id, campaign_type, status, ends_at FROM campaigns WHERE id = :1 AND status <> 'draft'`
	campaignByCodeSQL = `SELECT id, campaign_type, status, ends_at FROM campaigns WHERE code = UPPER(:1) AND status <> 'draft'`

	// currentLeadSQL reads the key's current lead and locks the key row until the transaction ends.
	currentLeadSQL = `SELECT l.id, l.created_at, l.name, l.company, l.message, l.score
FROM lead_dedup d JOIN leads l ON l.id = d.lead_id
WHERE d.dedup_key = :1
FOR UPDATE OF d.lead_id`

	updateLeadSQL = `UPDATE leads SET name = :1, company = :2, message = :3, score = :4, consent = 1,
    customer_id = COALESCE(customer_id, (SELECT c.id FROM customers c WHERE LOWER(c.email) = LOWER(:5))),
    updated_at = :6
WHERE id = :7`

	insertLeadSQL = `INSERT INTO leads (email, name, company, campaign_id, customer_id, source, status, score, message, consent,
    created_at, updated_at)
VALUES (:1, :2, :3, :4, (SELECT c.id FROM customers c WHERE LOWER(c.email) = LOWER(:5)), :6, 'new', :7, :8, 1, :9, :10)
RETURNING id INTO :11`

	insertKeySQL = `INSERT INTO lead_dedup (dedup_key, lead_id, created_at, updated_at) VALUES (:1, :2, :3, :4)`
	moveKeySQL   = `UPDATE lead_dedup SET lead_id = :1, updated_at = :2 WHERE dedup_key = :3`
)

// campaign is the campaign a lead came through; id 0 for none.
type campaign struct {
	id   int64
	kind string
}

func (s *Service) capture(w http.ResponseWriter, r *http.Request) error {
	const op = "leadcapture.Capture"
	var req Request
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	sub, err := req.validate(op)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.campaign(ctx, req)
	if err != nil {
		return err
	}
	err = s.store(ctx, sub, c)
	if errors.Is(err, db.ErrUniqueViolation) {
		// A concurrent first submission of the same key committed first; this one now finds its lead.
		err = s.store(ctx, sub, c)
	}
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusAccepted, Answer{Accepted: true})
	return nil
}

// campaign resolves the request's campaign, if it names one.
func (s *Service) campaign(ctx context.Context, req Request) (campaign, error) {
	const op = "leadcapture.Campaign"
	var row *sql.Row
	switch {
	case req.CampaignID != nil:
		row = s.db.QueryRowContext(ctx, campaignByIDSQL, *req.CampaignID)
	case req.CampaignCode != nil:
		row = s.db.QueryRowContext(ctx, campaignByCodeSQL, *req.CampaignCode)
	default:
		return campaign{}, nil
	}
	var (
		c      campaign
		status string
		ends   *time.Time // NULL: no end date
	)
	err := row.Scan(&c.id, &c.kind, &status, &ends)
	if errors.Is(err, sql.ErrNoRows) {
		return campaign{}, apperr.E(op, apperr.Unprocessable, "no such campaign").WithCode("unknown_campaign")
	}
	if err != nil {
		return campaign{}, apperr.Wrap(op, apperr.Internal, err)
	}
	if ended(status, ends, s.now()) {
		return campaign{}, nil // kept as a lead without a campaign (see the package's decisions)
	}
	return c, nil
}

// ended reports whether a launched campaign has ended: completed (final in crm-marketing's state
// machine), or past its ends_at whatever its status (an active or paused campaign nobody completed
// on its end date has still ended).
func ended(status string, ends *time.Time, now time.Time) bool {
	return status == "completed" || (ends != nil && !now.Before(*ends))
}

// store writes the submission: the key's current lead updated when it is within the window, else a
// new lead that becomes the key's current one, all in one transaction.
func (s *Service) store(ctx context.Context, sub submission, c campaign) error {
	key := strconv.FormatInt(c.id, 10) + ":" + strings.ToLower(sub.email)
	now := s.now().UTC().Truncate(time.Millisecond)
	var campaignID any
	if c.id != 0 {
		campaignID = c.id
	}
	signals := Signals{CompanyEmail: !IsFreeMail(domainOf(sub.email)), CampaignType: c.kind}
	return db.InTx(ctx, s.db, func(ctx context.Context, tx *sql.Tx) error {
		var (
			leadID                 int64
			created                time.Time
			name, company, message string // NULL is "" (godror)
			oldScore               int
		)
		err := tx.QueryRowContext(ctx, currentLeadSQL, key).Scan(&leadID, &created, &name, &company, &message, &oldScore)
		found := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if found && now.Sub(created) < Window {
			merged := submission{name: or(sub.name, name), company: or(sub.company, company),
				message: or(sub.message, message)}
			signals.CompanyGiven = strings.TrimSpace(merged.company) != ""
			signals.MessageChars = utf8.RuneCountInString(merged.message)
			signals.Repeat = true
			_, err := tx.ExecContext(ctx, updateLeadSQL, orNull(merged.name), orNull(merged.company), orNull(merged.message),
				max(oldScore, Score(signals)), sub.email, now, leadID)
			return err
		}
		signals.CompanyGiven = strings.TrimSpace(sub.company) != ""
		signals.MessageChars = utf8.RuneCountInString(sub.message)
		newID, err := db.InsertReturningID(ctx, tx, insertLeadSQL, sub.email, orNull(sub.name), orNull(sub.company), campaignID,
			sub.email, sub.source, Score(signals), orNull(sub.message), now, now)
		if err != nil {
			return err
		}
		if found {
			_, err = tx.ExecContext(ctx, moveKeySQL, newID, now, key)
		} else {
			_, err = tx.ExecContext(ctx, insertKeySQL, key, newID, now, now)
		}
		return err
	})
}

// or returns s, or fallback when s is empty.
func or(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// orNull is NULL for the empty string, s otherwise.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "POST /api/leads", Request: Request{}, Response: Answer{}, Status: []int{202}, Errors: []int{422}},
}
