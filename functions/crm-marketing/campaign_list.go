package crmmarketing

import (
	"context"
	"net/http"
	"net/url"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// CampaignPage is one page of campaigns, newest first.
type CampaignPage struct {
	Items      []Campaign `json:"items"`
	NextCursor *string    `json:"next_cursor"`
}

// campaignListSQL is one page of campaigns, newest first: :1/:2 status, :3/:4 type (NULL for any),
// :5 = 1 on the first page, :6 the id after, :7 the page size (limit+1).
const campaignListSQL = `SELECT ` + campaignColumns + `
FROM campaigns c
WHERE (:1 IS NULL OR c.status = :2)
  AND (:3 IS NULL OR c.campaign_type = :4)
  AND (:5 = 1 OR c.id < :6)
ORDER BY c.id DESC
FETCH FIRST :7 ROWS ONLY`

func (s *Service) listCampaigns(w http.ResponseWriter, r *http.Request) error {
	const op = "crmmarketing.ListCampaigns"
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit, err := web.Limit(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	var status, kind any
	if v := q.Get("status"); v != "" {
		if !isCampaignStatus(v) {
			return apperr.E(op, apperr.Invalid, "status must be one of draft, active, paused, completed")
		}
		status = v
	}
	if v := q.Get("type"); v != "" {
		if !isCampaignType(v) {
			return apperr.E(op, apperr.Invalid, "type must be one of email, social, ppc, referral")
		}
		kind = v
	}
	first, after, err := cursor(op, q)
	if err != nil {
		return err
	}
	items, next, err := idPage(r.Context(), s.db, campaignListSQL, []any{status, status, kind, kind, first, after, limit + 1},
		limit, scanCampaign, func(c Campaign) int64 { return c.ID })
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	page := CampaignPage{Items: items, NextCursor: next}
	web.NoStore(w)
	web.JSON(w, http.StatusOK, page)
	return nil
}

// idPage reads one page of an id-ordered list in one statement: query (which reads limit+1 rows, the
// extra one telling whether a next page exists) with args, each row scanned by scan; items is never
// nil, next is the cursor of the page after (nil when there is none).
func idPage[T any](ctx context.Context, q db.DBTX, query string, args []any, limit int,
	scan func(func(...any) error) (T, error), id func(T) int64) (items []T, next *string, err error) {
	items = []T{}
	err = db.Each(ctx, q, query, args, func(row func(...any) error) error {
		v, err := scan(row)
		items = append(items, v)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return web.NextPage(items, limit, func(i int) any { return idCursor{I: id(items[i])} })
}

// cursor reads the keyset of an id-ordered list: first = 1 on the first page, else the id after.
func cursor(op string, q url.Values) (first int, after int64, err error) {
	v := q.Get("cursor")
	if v == "" {
		return 1, 0, nil
	}
	var c idCursor
	if err := web.DecodeCursor(op, v, &c, func() bool { return c.I >= 1 }); err != nil {
		return 0, 0, err
	}
	return 0, c.I, nil
}
