package crmcustomers

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Patch is the body of PATCH /api/crm/customers/{id}: the contact fields to change. name and email
// may not be emptied; the others may ("" clears them).
type Patch struct {
	Name     *string `json:"name"`
	Email    *string `json:"email"`
	Phone    *string `json:"phone"`
	Company  *string `json:"company"`
	Industry *string `json:"industry"`
	Region   *string `json:"region"`
	Notes    *string `json:"notes"`
}

// The columns' sizes, in characters and UTF-8 bytes.
var limits = map[string]web.TextLimit{
	"name":     {Field: "name", Chars: 200, Bytes: 200},
	"email":    {Field: "email", Chars: 254, Bytes: 254},
	"phone":    {Field: "phone", Chars: 40, Bytes: 40},
	"company":  {Field: "company", Chars: 200, Bytes: 200},
	"industry": {Field: "industry", Chars: 100, Bytes: 100},
	"region":   {Field: "region", Chars: 64, Bytes: 64},
	"notes":    {Field: "notes", Chars: 4000, Bytes: 4000, Multiline: true},
}

const (
	lockCustomerSQL = `SELECT name, email, phone, company, industry, region, notes, updated_at
FROM customers WHERE id = :1 FOR UPDATE`

	updateCustomerSQL = `UPDATE customers SET name = :1, email = :2, phone = :3, company = :4, industry = :5, region = :6, notes = :7,
    updated_at = :8
WHERE id = :9`
)

// apply validates the patch and returns the contact it makes of c.
func (p Patch) apply(op string, c Contact) (Contact, error) {
	fields := []struct {
		name string
		v    *string
		dst  *string
	}{{"name", p.Name, &c.Name}, {"email", p.Email, &c.Email}, {"phone", p.Phone, &c.Phone}, {"company", p.Company, &c.Company},
		{"industry", p.Industry, &c.Industry}, {"region", p.Region, &c.Region}, {"notes", p.Notes, &c.Notes}}
	given := false
	for _, f := range fields {
		if f.v == nil {
			continue
		}
		given = true
		if err := limits[f.name].Check(op, *f.v); err != nil {
			return c, err
		}
		*f.dst = *f.v
	}
	switch {
	case !given:
		return c, apperr.E(op, apperr.Invalid, "send at least one of name, email, phone, company, industry, region, notes")
	case strings.TrimSpace(c.Name) == "":
		return c, apperr.E(op, apperr.Invalid, "name must not be empty")
	case p.Email != nil && (strings.Count(c.Email, "@") != 1 || strings.HasPrefix(c.Email, "@") || strings.HasSuffix(c.Email, "@") || strings.ContainsAny(c.Email, " \t\r\n")):
		return c, apperr.E(op, apperr.Invalid, "email must be an email address")
	}
	return c, nil
}

func contactMap(c Contact) map[string]any {
	return map[string]any{"name": c.Name, "email": c.Email, "phone": c.Phone, "company": c.Company, "industry": c.Industry,
		"region": c.Region, "notes": c.Notes}
}

func (s *Service) patch(w http.ResponseWriter, r *http.Request) error {
	const op = "crmcustomers.Patch"
	id, err := customerID(r)
	if err != nil {
		return err
	}
	var req Patch
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if _, err := req.apply(op, Contact{Name: "x", Email: "x@x"}); err != nil {
		return err
	}
	var out View
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		now := s.clock()
		var cur Contact
		var updated time.Time
		err := tx.QueryRowContext(ctx, lockCustomerSQL, id).Scan(&cur.Name, &cur.Email, &cur.Phone, &cur.Company, &cur.Industry,
			&cur.Region, &cur.Notes, &updated)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound(op)
		}
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		tag, err := etag(id, cur, updated)
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if err := web.CheckIfMatch(op, r, tag); err != nil {
			return err
		}
		next, err := req.apply(op, cur)
		if err != nil {
			return err
		}
		if next == cur {
			out, err = s.load(ctx, tx, id) // nothing changes: no write, no audit
			return err
		}
		if _, err := tx.ExecContext(ctx, updateCustomerSQL, next.Name, next.Email, db.NullIfEmpty(next.Phone), db.NullIfEmpty(next.Company),
			db.NullIfEmpty(next.Industry), db.NullIfEmpty(next.Region), db.NullIfEmpty(next.Notes), now, id); err != nil {
			if errors.Is(err, db.ErrUniqueViolation) {
				return apperr.E(op, apperr.Conflict, "another customer has this email").WithCode("email_taken")
			}
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if err := security.Audit(ctx, tx, security.Entry{Action: "customer.update", EntityType: "customer",
			EntityID: strconv.FormatInt(id, 10), Details: security.Changes(contactMap(cur), contactMap(next))}); err != nil {
			return err
		}
		out, err = s.load(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	return answer(w, out)
}
