package review

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Request is the body of both review posts. Pointers tell a missing field from a zero one.
type Request struct {
	Rating     *int    `json:"rating"`
	Title      *string `json:"title"`
	Comment    *string `json:"comment"`
	AuthorName *string `json:"author_name"`
}

// draft is a validated request.
type draft struct {
	rating         int
	title, comment *string // nil: NULL
	author         string  // "" on the account route: the customer's name
}

// validate checks the request; anonymous reviews must name their author.
func (req Request) validate(op string, anonymous bool) (draft, error) {
	if req.Rating == nil {
		return draft{}, apperr.E(op, apperr.Invalid, "rating is required: an integer from 1 to 5")
	}
	if *req.Rating < 1 || *req.Rating > 5 {
		return draft{}, apperr.E(op, apperr.Invalid, "rating must be an integer from 1 to 5")
	}
	d := draft{rating: *req.Rating, title: optional(req.Title), comment: optional(req.Comment)}
	if req.AuthorName != nil {
		d.author = *req.AuthorName
	}
	checks := []struct {
		limit web.TextLimit
		v     *string
	}{ // the sizes of reviews.author_name, title and review_text
		{web.TextLimit{Field: "author_name", Bytes: 100, Required: anonymous}, &d.author},
		{web.TextLimit{Field: "title", Bytes: 200}, d.title},
		{web.TextLimit{Field: "comment", Chars: 2000, Bytes: 4000, Multiline: true}, d.comment},
	}
	for _, c := range checks {
		if c.v == nil {
			continue
		}
		if err := c.limit.Check(op, *c.v); err != nil {
			return draft{}, err
		}
	}
	return d, nil
}

// nullable is the bind value of optional text: NULL when absent.
func nullable(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// optional maps an absent or empty string to nil (NULL); anything else is kept exactly as given.
func optional(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}

const (
	activeProductSQL = `SELECT is_active FROM products WHERE id = :1`

	// reviewerSQL reads, for the account route, the product, the account's customer and whether that
	// customer bought the product (an order in a sold status containing it).
	reviewerSQL = `SELECT p.is_active, c.id, c.name,
    CASE WHEN EXISTS (SELECT 1 FROM order_items oi JOIN orders o ON o.id = oi.order_id
        WHERE oi.product_id = p.id AND o.customer_id = c.id
          AND o.status IN ('paid', 'processing', 'shipped', 'delivered')) THEN 1 ELSE 0 END AS bought
FROM products p
LEFT JOIN users u ON u.id = :1 AND u.is_active = 1
LEFT JOIN customers c ON c.id = u.customer_id
WHERE p.id = :2`

	ownReviewSQL = `SELECT id, created_at FROM reviews WHERE customer_id = :1 AND product_id = :2 FOR UPDATE`

	insertReviewSQL = `INSERT INTO reviews (product_id, customer_id, author_name, title, rating, review_text, is_verified,
    created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9)
RETURNING id INTO :10`

	updateReviewSQL = `UPDATE reviews SET author_name = :1, title = :2, rating = :3, review_text = :4, is_verified = :5,
    updated_at = :6
WHERE id = :7`
)

func (s *Service) postAnonymous(w http.ResponseWriter, r *http.Request) error {
	const op = "review.PostAnonymous"
	pid, err := productID(r)
	if err != nil {
		return err
	}
	var req Request
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	d, err := req.validate(op, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var active int
	err = s.db.QueryRowContext(ctx, activeProductSQL, pid).Scan(&active)
	if errors.Is(err, sql.ErrNoRows) || err == nil && active != 1 {
		return errNoProduct(op)
	}
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	now := s.clock()
	id, err := db.InsertReturningID(ctx, s.db, insertReviewSQL, pid, nil, d.author, nullable(d.title), d.rating, nullable(d.comment),
		0, now, now)
	if errors.Is(err, db.ErrForeignKeyViolation) { // the product was deleted meanwhile
		return errNoProduct(op)
	}
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusCreated, Review{ID: id, ProductID: pid, Rating: d.rating, Title: d.title, Comment: d.comment,
		AuthorName: d.author, CreatedAt: now, UpdatedAt: now})
	return nil
}

func (s *Service) postAsCustomer(w http.ResponseWriter, r *http.Request) error {
	const op = "review.PostAsCustomer"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	pid, err := productID(r)
	if err != nil {
		return err
	}
	var req Request
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	d, err := req.validate(op, false)
	if err != nil {
		return err
	}
	if p.UserID == 0 { // an external principal has no account, hence no customer, here
		return errNoCustomer(op)
	}
	rv, created, err := s.upsertOwn(r.Context(), p.UserID, pid, d)
	if errors.Is(err, db.ErrUniqueViolation) {
		// A concurrent first review by the same customer won on Oracle's unique index: ours now
		// finds it and updates it.
		rv, created, err = s.upsertOwn(r.Context(), p.UserID, pid, d)
	}
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	web.JSON(w, status, rv)
	return nil
}

// upsertOwn creates or updates the account's customer's review of the product in one transaction and
// reports whether it created it.
func (s *Service) upsertOwn(ctx context.Context, userID, pid int64, d draft) (Review, bool, error) {
	const op = "review.UpsertOwn"
	var (
		rv      Review
		created bool
	)
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx *sql.Tx) error {
		var (
			active, bought int
			customerID     sql.NullInt64
			customerName   string // NULL is "" (godror)
		)
		err := tx.QueryRowContext(ctx, reviewerSQL, userID, pid).Scan(&active, &customerID, &customerName, &bought)
		if errors.Is(err, sql.ErrNoRows) || err == nil && active != 1 {
			return errNoProduct(op)
		}
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if !customerID.Valid {
			return errNoCustomer(op)
		}
		author := d.author
		if author == "" {
			author = db.CutBytes(customerName, 100)
		}
		now := s.clock()
		rv = Review{ProductID: pid, Rating: d.rating, Title: d.title, Comment: d.comment, AuthorName: author,
			Verified: bought == 1, CreatedAt: now, UpdatedAt: now}
		err = tx.QueryRowContext(ctx, ownReviewSQL, customerID.Int64, pid).Scan(&rv.ID, &rv.CreatedAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			created = true
			rv.ID, err = db.InsertReturningID(ctx, tx, insertReviewSQL, pid, customerID.Int64, author, nullable(d.title),
				d.rating, nullable(d.comment), bought, now, now)
			return err
		case err != nil:
			return apperr.Wrap(op, apperr.Internal, err)
		}
		_, err = tx.ExecContext(ctx, updateReviewSQL, author, nullable(d.title), d.rating, nullable(d.comment), bought,
			now, rv.ID)
		return err
	})
	return rv, created, err
}

func errNoCustomer(op string) error {
	return apperr.E(op, apperr.Forbidden, "this account has no customer profile to review as").WithCode("no_customer_profile")
}
