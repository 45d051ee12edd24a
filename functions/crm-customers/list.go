package crmcustomers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

const (
	defaultLimit = 20
	maxLimit     = 100
)

// Summary is one customer of the directory.
type Summary struct {
	ID              int64       `json:"id"`
	Name            string      `json:"name"`
	Email           string      `json:"email"`
	Company         string      `json:"company"`
	Industry        string      `json:"industry"`
	Region          string      `json:"region"`
	Orders          int64       `json:"orders"`
	LifetimeRevenue money.Cents `json:"lifetime_revenue"`
}

// Page is one page of the directory.
type Page struct {
	Items      []Summary `json:"items"`
	NextCursor *string   `json:"next_cursor"`
}

type idCursor struct {
	I int64 `json:"i"`
}

// searchSQL is one page of customers, newest first: :1/:2..:4 the q pattern (NULL for none) against
// name, email and company, :5/:6 the industry, :7 = 1 on the first page, :8 the id after, :9 the
// page size (limit+1).
const searchSQL = `SELECT c.id, c.name, c.email, c.company, c.industry, c.region,
    (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS order_count,
    (SELECT COALESCE(SUM(o.total), 0) FROM orders o WHERE o.customer_id = c.id AND o.status <> 'cancelled') AS lifetime_revenue
FROM customers c
WHERE (:1 IS NULL OR LOWER(c.name) LIKE :2 ESCAPE '\' OR LOWER(c.email) LIKE :3 ESCAPE '\' OR LOWER(c.company) LIKE :4 ESCAPE '\')
  AND (:5 IS NULL OR LOWER(c.industry) = :6)
  AND (:7 = 1 OR c.id < :8)
ORDER BY c.id DESC
FETCH FIRST :9 ROWS ONLY`

var (
	qLimit        = web.TextLimit{Field: "q", Chars: 100, Bytes: 254}
	industryLimit = web.TextLimit{Field: "industry", Chars: 100, Bytes: 100}
)

// likePattern is a case-insensitive substring pattern for v, its LIKE wildcards escaped.
func likePattern(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(v)) + "%"
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) error {
	const op = "crmcustomers.List"
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit, err := web.Limit(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	var pattern, industry any
	if v := strings.TrimSpace(q.Get("q")); v != "" {
		if err := qLimit.Check(op, v); err != nil {
			return err
		}
		pattern = likePattern(v)
	}
	if v := strings.TrimSpace(q.Get("industry")); v != "" {
		if err := industryLimit.Check(op, v); err != nil {
			return err
		}
		industry = strings.ToLower(v)
	}
	first, after := 1, int64(0)
	if v := q.Get("cursor"); v != "" {
		var c idCursor
		if err := web.DecodeCursor(op, v, &c, func() bool { return c.I >= 1 }); err != nil {
			return err
		}
		first, after = 0, c.I
	}
	var items []Summary
	err = db.Each(r.Context(), s.db, searchSQL, []any{pattern, pattern, pattern, pattern, industry, industry, first, after, limit + 1},
		func(scan func(...any) error) error {
			var c Summary
			if err := scan(&c.ID, &c.Name, &c.Email, &c.Company, &c.Industry, &c.Region, &c.Orders, &c.LifetimeRevenue); err != nil {
				return err
			}
			items = append(items, c)
			return nil
		})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	page := Page{Items: []Summary{}}
	if items, page.NextCursor, err = web.NextPage(items, limit, func(i int) any { return idCursor{I: items[i].ID} }); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if items != nil {
		page.Items = items
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, page)
	return nil
}
