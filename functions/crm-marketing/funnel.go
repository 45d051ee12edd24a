package crmmarketing

import (
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Funnel is a campaign's leads counted per status.
type Funnel struct {
	CampaignID     int64            `json:"campaign_id"`
	Code           string           `json:"code"`
	Leads          int64            `json:"leads"`
	ByStatus       map[string]int64 `json:"by_status"` // every status, zero included
	Converted      int64            `json:"converted"`
	ConversionRate float64          `json:"conversion_rate"` // converted / leads
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
	f := Funnel{CampaignID: id, ByStatus: map[string]int64{}}
	for _, st := range leadStatuses {
		f.ByStatus[st] = 0
	}
	found := false
	err = db.Each(r.Context(), s.db, funnelSQL, []any{id}, func(scan func(...any) error) error {
		var status string
		var n int64
		if err := scan(&f.Code, &status, &n); err != nil {
			return err
		}
		found = true
		if status != "" {
			f.ByStatus[status] += n
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
	f.Converted = f.ByStatus[LeadConverted]
	f.ConversionRate = rate(f.Converted, f.Leads)
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, f)
	return nil
}
