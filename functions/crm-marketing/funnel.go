package crmmarketing

import (
	"fmt"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Funnel is a campaign's leads counted per status.
type Funnel struct {
	CampaignID     int64      `json:"campaign_id"`
	Code           string     `json:"code"`
	Leads          int64      `json:"leads"`
	ByStatus       LeadCounts `json:"by_status"` // every status, zero included
	Converted      int64      `json:"converted"`
	ConversionRate float64    `json:"conversion_rate"` // converted / leads
}

// LeadCounts is a campaign's leads per status, every status present (zero included). Its fields
// are in the order of their JSON names, so it encodes as the map of statuses it replaced did.
type LeadCounts struct {
	Contacted int64 `json:"contacted"`
	Converted int64 `json:"converted"`
	Lost      int64 `json:"lost"`
	New       int64 `json:"new"`
	Qualified int64 `json:"qualified"`
}

// add counts n leads of status; false for a status that is not a lead's.
func (c *LeadCounts) add(status string, n int64) bool {
	dst := map[string]*int64{LeadNew: &c.New, LeadContacted: &c.Contacted, LeadQualified: &c.Qualified, LeadConverted: &c.Converted,
		LeadLost: &c.Lost}[status]
	if dst == nil {
		return false
	}
	*dst += n
	return true
}

// funnelSQL counts a campaign's leads per status in one statement; a campaign without leads is one
// row with a NULL status and count 0, an unknown campaign no row.
const funnelSQL = `SELECT c.code, l.status, COUNT(l.id)
FROM campaigns c
LEFT JOIN leads l ON l.campaign_id = c.id
WHERE c.id = :1
GROUP BY c.code, l.status`

func (s *Service) funnel(w http.ResponseWriter, r *http.Request) error {
	const op = "crmmarketing.Funnel"
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	f := Funnel{CampaignID: id}
	found := false
	err = db.Each(r.Context(), s.db, funnelSQL, []any{id}, func(scan func(...any) error) error {
		var status string
		var n int64
		if err := scan(&f.Code, &status, &n); err != nil {
			return err
		}
		found = true
		if status != "" {
			if !f.ByStatus.add(status, n) {
				return fmt.Errorf("lead status %q", status)
			}
			f.Leads += n
		}
		return nil
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if !found {
		return errCampaignNotFound(op)
	}
	f.Converted = f.ByStatus.Converted
	f.ConversionRate = rate(f.Converted, f.Leads)
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, f)
	return nil
}
