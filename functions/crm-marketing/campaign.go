package crmmarketing

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// recentSpend bounds the spend entries a campaign's detail shows.
const recentSpend = 20

// Campaign is a campaign with its lead counts.
type Campaign struct {
	ID             int64       `json:"id"`
	Code           string      `json:"code"`
	Name           string      `json:"name"`
	Description    string      `json:"description"`
	Type           string      `json:"type"`
	Status         string      `json:"status"`
	Allowed        []string    `json:"allowed_transitions"`
	Budget         money.Cents `json:"budget"`
	Spent          money.Cents `json:"spent"`
	Remaining      money.Cents `json:"remaining"` // budget - spent (never below zero)
	TargetAudience string      `json:"target_audience"`
	StartsAt       *time.Time  `json:"starts_at"`
	EndsAt         *time.Time  `json:"ends_at"`
	Leads          int64       `json:"leads"`
	Converted      int64       `json:"converted"`
	ConversionRate float64     `json:"conversion_rate"` // converted / leads, 0 without leads
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
}

// CampaignDetail is a campaign with its most recent spend entries.
type CampaignDetail struct {
	Campaign
	RecentSpend []SpendEntry `json:"recent_spend"`
}

// SpendEntry is one recorded amount spent on a campaign.
type SpendEntry struct {
	ID        int64       `json:"id"`
	Amount    money.Cents `json:"amount"`
	Note      string      `json:"note"`
	Actor     string      `json:"actor"`
	CreatedAt time.Time   `json:"created_at"`
}

// campaignColumns are a campaign's columns and lead counts, in Campaign.scan order.
const campaignColumns = `c.id, c.code, c.name, c.description, c.campaign_type, c.status, c.budget, c.spent, c.target_audience,
    c.starts_at, c.ends_at, c.created_at, c.updated_at,
    (SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id) AS lead_count,
    (SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id AND l.status = 'converted') AS converted_count`

const (
	campaignSQL = `SELECT ` + campaignColumns + `
FROM campaigns c WHERE c.id = :1`

	recentSpendSQL = `SELECT id, amount, note, actor, created_at FROM campaign_spend WHERE campaign_id = :1
ORDER BY id DESC
FETCH FIRST :2 ROWS ONLY`
)

// scanCampaign reads one row of campaignColumns.
func scanCampaign(scan func(...any) error) (Campaign, error) {
	var c Campaign
	err := scan(&c.ID, &c.Code, &c.Name, &c.Description, &c.Type, &c.Status, &c.Budget, &c.Spent, &c.TargetAudience,
		&c.StartsAt, &c.EndsAt, &c.CreatedAt, &c.UpdatedAt, &c.Leads, &c.Converted)
	if err != nil {
		return c, err
	}
	c.StartsAt, c.EndsAt = db.UTC(c.StartsAt), db.UTC(c.EndsAt)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.Allowed = allowedCampaign(c.Status)
	c.Remaining = max(c.Budget-c.Spent, 0)
	c.ConversionRate = rate(c.Converted, c.Leads)
	return c, nil
}

// rate is part / whole to four decimals, 0 when whole is 0.
func rate(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part*10000/whole) / 10000
}

// campaignVersion is what a campaign's ETag is computed from: every field a PATCH or a spend entry
// changes, and updated_at.
type campaignVersion struct {
	ID        int64  `json:"i"`
	State     state  `json:"s"`
	Spent     string `json:"p"`
	UpdatedAt string `json:"u"`
}

func campaignETag(c Campaign) (string, error) {
	return web.ETag(campaignVersion{ID: c.ID, State: stateOf(c), Spent: c.Spent.String(), UpdatedAt: stamp(c.UpdatedAt)})
}

func (s *Service) getCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	d, err := loadCampaign(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return answerCampaign(w, http.StatusOK, d)
}

func answerCampaign(w http.ResponseWriter, status int, d CampaignDetail) error {
	tag, err := campaignETag(d.Campaign)
	if err != nil {
		return apperr.Wrap("crmmarketing.AnswerCampaign", apperr.Internal, err)
	}
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, status, d)
	return nil
}

// loadCampaign reads a campaign's detail: two statements.
func loadCampaign(ctx context.Context, q db.DBTX, id int64) (CampaignDetail, error) {
	const op = "crmmarketing.LoadCampaign"
	c, err := scanCampaign(q.QueryRowContext(ctx, campaignSQL, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return CampaignDetail{}, errCampaignNotFound(op)
	}
	if err != nil {
		return CampaignDetail{}, apperr.Wrap(op, apperr.Internal, err)
	}
	d := CampaignDetail{Campaign: c, RecentSpend: []SpendEntry{}}
	err = db.Each(ctx, q, recentSpendSQL, []any{id, recentSpend}, func(scan func(...any) error) error {
		var e SpendEntry
		if err := scan(&e.ID, &e.Amount, &e.Note, &e.Actor, &e.CreatedAt); err != nil {
			return err
		}
		e.CreatedAt = e.CreatedAt.UTC()
		d.RecentSpend = append(d.RecentSpend, e)
		return nil
	})
	if err != nil {
		return CampaignDetail{}, apperr.Wrap(op, apperr.Internal, err)
	}
	return d, nil
}

func errCampaignNotFound(op string) error { return apperr.E(op, apperr.NotFound, "campaign not found") }
