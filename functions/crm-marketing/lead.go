package crmmarketing

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Lead is one lead of the pipeline.
type Lead struct {
	ID           int64      `json:"id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Company      string     `json:"company"`
	Phone        string     `json:"phone"`
	CampaignID   *int64     `json:"campaign_id"`
	CampaignCode string     `json:"campaign_code"`
	CustomerID   *int64     `json:"customer_id"`
	Source       string     `json:"source"`
	Status       string     `json:"status"`
	Allowed      []string   `json:"allowed_transitions"`
	Score        int64      `json:"score"`
	Message      string     `json:"message"`
	OwnerID      *int64     `json:"owner_id"`
	Notes        string     `json:"notes"`
	ConvertedAt  *time.Time `json:"converted_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// LeadPage is one page of leads, newest first.
type LeadPage struct {
	Items      []Lead  `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// leadColumns are a lead's columns with its campaign's code, in scanLead order.
const leadColumns = `l.id, l.email, l.name, l.company, l.phone, l.campaign_id, cp.code, l.customer_id, l.source, l.status, l.score,
    l.message, l.owner_id, l.notes, l.converted_at, l.created_at, l.updated_at`

const (
	leadSQL = `SELECT ` + leadColumns + `
FROM leads l LEFT JOIN campaigns cp ON cp.id = l.campaign_id
WHERE l.id = :1`

	// leadListSQL is one page of leads, newest first, every filter a bind (NULL for none): :1/:2
	// campaign, :3/:4 status, :5/:6 minimum score, :7/:8 maximum score, :9/:10 owner, :11 = 1 on the
	// first page, :12 the id after, :13 the page size (limit+1).
	leadListSQL = `SELECT ` + leadColumns + `
FROM leads l LEFT JOIN campaigns cp ON cp.id = l.campaign_id
WHERE (:1 IS NULL OR l.campaign_id = :2)
  AND (:3 IS NULL OR l.status = :4)
  AND (:5 IS NULL OR l.score >= :6)
  AND (:7 IS NULL OR l.score <= :8)
  AND (:9 IS NULL OR l.owner_id = :10)
  AND (:11 = 1 OR l.id < :12)
ORDER BY l.id DESC
FETCH FIRST :13 ROWS ONLY`
)

func scanLead(scan func(...any) error) (Lead, error) {
	var l Lead
	err := scan(&l.ID, &l.Email, &l.Name, &l.Company, &l.Phone, &l.CampaignID, &l.CampaignCode, &l.CustomerID, &l.Source, &l.Status,
		&l.Score, &l.Message, &l.OwnerID, &l.Notes, &l.ConvertedAt, &l.CreatedAt, &l.UpdatedAt)
	l.ConvertedAt = db.UTC(l.ConvertedAt)
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	l.Allowed = allowedLead(l.Status)
	return l, err
}

// positiveID parses a filter naming a row by id.
func positiveID(op, name, v string) (any, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return nil, apperr.E(op, apperr.Invalid, name+" must be a positive integer")
	}
	return n, nil
}

func (s *Service) listLeads(w http.ResponseWriter, r *http.Request) error {
	const op = "crmmarketing.ListLeads"
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit, err := web.Limit(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	var campaign, status, minScore, maxScore, owner any
	for _, f := range []struct {
		name string
		dst  *any
	}{{"campaign_id", &campaign}, {"owner_id", &owner}} {
		if v := q.Get(f.name); v != "" {
			if *f.dst, err = positiveID(op, f.name, v); err != nil {
				return err
			}
		}
	}
	if v := q.Get("status"); v != "" {
		if !isLeadStatus(v) {
			return apperr.E(op, apperr.Invalid, "status must be one of new, contacted, qualified, converted, lost")
		}
		status = v
	}
	for _, f := range []struct {
		name string
		dst  *any
	}{{"min_score", &minScore}, {"max_score", &maxScore}} {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100 {
				return apperr.E(op, apperr.Invalid, f.name+" must be an integer from 0 to 100")
			}
			*f.dst = n
		}
	}
	if minScore != nil && maxScore != nil && minScore.(int) > maxScore.(int) {
		return apperr.E(op, apperr.Invalid, "min_score must not be above max_score")
	}
	first, after, err := cursor(op, q)
	if err != nil {
		return err
	}
	items, next, err := idPage(r.Context(), s.db, leadListSQL, []any{campaign, campaign, status, status, minScore, minScore, maxScore, maxScore,
		owner, owner, first, after, limit + 1}, limit, scanLead, func(l Lead) int64 { return l.ID })
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	page := LeadPage{Items: items, NextCursor: next}
	web.NoStore(w)
	web.JSON(w, http.StatusOK, page)
	return nil
}

// leadVersion is what a lead's ETag is computed from: what a PATCH changes, and updated_at.
type leadVersion struct {
	ID         int64  `json:"i"`
	Status     string `json:"s"`
	Notes      string `json:"n"`
	Owner      int64  `json:"o"`
	CustomerID int64  `json:"c"`
	UpdatedAt  string `json:"u"`
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func leadETag(l Lead) (string, error) {
	return web.ETag(leadVersion{ID: l.ID, Status: l.Status, Notes: l.Notes, Owner: deref(l.OwnerID), CustomerID: deref(l.CustomerID),
		UpdatedAt: stamp(l.UpdatedAt)})
}

func (s *Service) getLead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "lead")
	if err != nil {
		return err
	}
	l, err := loadLead(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return answerLead(w, l)
}

func answerLead(w http.ResponseWriter, l Lead) error {
	tag, err := leadETag(l)
	if err != nil {
		return apperr.Wrap("crmmarketing.AnswerLead", apperr.Internal, err)
	}
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, l)
	return nil
}

func loadLead(ctx context.Context, q db.DBTX, id int64) (Lead, error) {
	const op = "crmmarketing.LoadLead"
	l, err := scanLead(q.QueryRowContext(ctx, leadSQL, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return Lead{}, errLeadNotFound(op)
	}
	if err != nil {
		return Lead{}, apperr.Wrap(op, apperr.Internal, err)
	}
	return l, nil
}

func errLeadNotFound(op string) error { return apperr.E(op, apperr.NotFound, "lead not found") }
