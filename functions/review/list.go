package review

import (
	"database/sql"
	"errors"
	"math"
	"net/http"
	"net/url"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Page size bounds of the review list.
const (
	defaultLimit = 20
	maxLimit     = 50
)

// Page is one page of a product's reviews, newest first, with the product's rating summary.
type Page struct {
	ProductID     int64    `json:"product_id"`
	AverageRating *float64 `json:"average_rating"` // over all reviews, two decimals; null without reviews
	ReviewCount   int64    `json:"review_count"`
	Items         []Review `json:"items"`
	NextCursor    *string  `json:"next_cursor"`
}

const (
	// summarySQL checks the product and sums its ratings in one statement.
	summarySQL = `SELECT p.is_active,
    (SELECT COUNT(*) FROM reviews r WHERE r.product_id = p.id) AS review_count,
    (SELECT SUM(r.rating) FROM reviews r WHERE r.product_id = p.id) AS rating_sum
FROM products p
WHERE p.id = :1`

	// pageSQL is one page of the product's reviews: :1 the product, :2 = 1 on the first page, :3..:5
	// the keyset (created_at twice, id), :6 the page size (limit+1, to know whether a page follows).
	pageSQL = `SELECT id, rating, title, review_text, author_name, is_verified, created_at, updated_at
FROM reviews
WHERE product_id = :1
  AND (:2 = 1 OR created_at < :3 OR (created_at = :4 AND id < :5))
ORDER BY created_at DESC, id DESC
FETCH FIRST :6 ROWS ONLY`
)

// cursor is the position after the last review of a page.
type cursor struct {
	At time.Time `json:"t"`
	ID int64     `json:"i"`
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) error {
	const op = "review.List"
	pid, err := productID(r)
	if err != nil {
		return err
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit, err := web.Limit(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	first, after := 1, cursor{}
	if v := q.Get("cursor"); v != "" {
		if err := web.DecodeCursor(op, v, &after, func() bool { return after.ID >= 1 && !after.At.IsZero() }); err != nil {
			return err
		}
		first = 0
	}

	ctx := r.Context()
	page := Page{ProductID: pid, Items: []Review{}}
	var (
		active int
		sum    sql.NullInt64
	)
	err = s.db.QueryRowContext(ctx, summarySQL, pid).Scan(&active, &page.ReviewCount, &sum)
	if errors.Is(err, sql.ErrNoRows) || err == nil && active != 1 {
		return errNoProduct(op)
	}
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if page.ReviewCount > 0 {
		avg := math.Round(float64(sum.Int64)*100/float64(page.ReviewCount)) / 100
		page.AverageRating = &avg
	}

	var at any
	if first == 0 {
		at = after.At
	}
	rows, err := s.db.QueryContext(ctx, pageSQL, pid, first, at, at, after.ID, limit+1)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rv             Review
			title, comment string // NULL scans as "" (godror); Oracle stores no empty title
			verified       int
		)
		if err := rows.Scan(&rv.ID, &rv.Rating, &title, &comment, &rv.AuthorName, &verified, &rv.CreatedAt, &rv.UpdatedAt); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		rv.ProductID, rv.Verified = pid, verified == 1
		if title != "" {
			rv.Title = &title
		}
		if comment != "" {
			rv.Comment = &comment
		}
		page.Items = append(page.Items, rv)
	}
	if err := rows.Err(); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if page.Items, page.NextCursor, err = web.NextPage(page.Items, limit, func(i int) any {
		return cursor{At: page.Items[i].CreatedAt, ID: page.Items[i].ID}
	}); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusOK, page)
	return nil
}
