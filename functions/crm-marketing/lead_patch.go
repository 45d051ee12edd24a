package crmmarketing

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// LeadPatch is the body of PATCH /api/crm/leads/{id}: a status change through the lead machine,
// notes ("" clears them) and the owner (a staff account's id; 0 clears it).
type LeadPatch struct {
	Status  *string `json:"status"`
	Notes   *string `json:"notes"`
	OwnerID *int64  `json:"owner_id"`
}

var leadNotesLimit = web.TextLimit{Field: "notes", Chars: 4000, Bytes: 4000, Multiline: true}

// leadState is a lead's state a PATCH changes.
type leadState struct {
	Status     string
	Notes      string
	Owner      int64 // 0: none
	CustomerID int64 // 0: none
}

func (l leadState) audit() map[string]any {
	return map[string]any{"status": l.Status, "notes": l.Notes, "owner_id": l.Owner, "customer_id": l.CustomerID}
}

// check validates the patch on its own (before any statement).
func (p LeadPatch) check(op string) error {
	switch {
	case p.Status == nil && p.Notes == nil && p.OwnerID == nil:
		return apperr.E(op, apperr.Invalid, "send at least one of status, notes, owner_id")
	case p.Status != nil && !isLeadStatus(*p.Status):
		return apperr.E(op, apperr.Invalid, "status must be one of new, contacted, qualified, converted, lost")
	case p.OwnerID != nil && *p.OwnerID < 0:
		return apperr.E(op, apperr.Invalid, "owner_id must be a staff account's id, or 0 for none")
	}
	if p.Notes != nil {
		return leadNotesLimit.Check(op, *p.Notes)
	}
	return nil
}

const (
	lockLeadSQL = `SELECT email, name, company, phone, status, notes, owner_id, customer_id, updated_at
FROM leads WHERE id = :1 FOR UPDATE`

	ownerRoleSQL = `SELECT role FROM users WHERE id = :1 AND is_active = 1`

	customerByEmailSQL = `SELECT id FROM customers WHERE LOWER(email) = LOWER(:1)`

	insertCustomerSQL = `INSERT INTO customers (name, email, phone, company, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6)
RETURNING id INTO :7`

	updateLeadSQL = `UPDATE leads SET status = :1, notes = :2, owner_id = :3, customer_id = :4, converted_at = COALESCE(:5, converted_at),
    updated_at = :6
WHERE id = :7`
)

// lockedLead is a lead read under its row lock.
type lockedLead struct {
	leadState
	email, name, company, phone string
	updated                     time.Time
}

func (s *Service) patchLead(w http.ResponseWriter, r *http.Request) error {
	const op = "crmmarketing.PatchLead"
	id, err := pathID(r, "lead")
	if err != nil {
		return err
	}
	var req LeadPatch
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if err := req.check(op); err != nil {
		return err
	}
	var out Lead
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		now := s.clock()
		var l lockedLead
		var owner, customer *int64
		err := tx.QueryRowContext(ctx, lockLeadSQL, id).Scan(&l.email, &l.name, &l.company, &l.phone, &l.Status, &l.Notes, &owner,
			&customer, &l.updated)
		if errors.Is(err, sql.ErrNoRows) {
			return errLeadNotFound(op)
		}
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		l.Owner, l.CustomerID = deref(owner), deref(customer)
		tag, err := web.ETag(leadVersion{ID: id, Status: l.Status, Notes: l.Notes, Owner: l.Owner, CustomerID: l.CustomerID,
			UpdatedAt: stamp(l.updated)})
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if err := web.CheckIfMatch(op, r, tag); err != nil {
			return err
		}
		next := l.leadState
		if req.Status != nil && *req.Status != l.Status {
			if !canMoveLead(l.Status, *req.Status) {
				return errTransition(op, "lead "+strconv.FormatInt(id, 10), l.Status, *req.Status, allowedLead(l.Status))
			}
			next.Status = *req.Status
		}
		if req.Notes != nil {
			next.Notes = *req.Notes
		}
		if req.OwnerID != nil && *req.OwnerID != l.Owner {
			if err := checkOwner(ctx, op, tx, *req.OwnerID); err != nil {
				return err
			}
			next.Owner = *req.OwnerID
		}
		var convertedAt any
		created := false
		if next.Status == LeadConverted && l.Status != LeadConverted {
			if next.CustomerID, created, err = s.customerFor(ctx, tx, l, now); err != nil {
				return err
			}
			convertedAt = now
		}
		if next != l.leadState {
			var ownerArg, customerArg any
			if next.Owner != 0 {
				ownerArg = next.Owner
			}
			if next.CustomerID != 0 {
				customerArg = next.CustomerID
			}
			if _, err := tx.ExecContext(ctx, updateLeadSQL, next.Status, db.NullIfEmpty(next.Notes), ownerArg, customerArg, convertedAt, now, id); err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
			details := security.Changes(l.audit(), next.audit())
			if convertedAt != nil {
				details["customer_created"] = created
			}
			if err := security.Audit(ctx, tx, security.Entry{Action: "lead.update", EntityType: "lead",
				EntityID: strconv.FormatInt(id, 10), Details: details}); err != nil {
				return err
			}
		}
		out, err = loadLead(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	return answerLead(w, out)
}

// checkOwner refuses an owner that is not an active staff account (0, no owner, is always fine).
func checkOwner(ctx context.Context, op string, tx *sql.Tx, owner int64) error {
	if owner == 0 {
		return nil
	}
	var role string
	err := tx.QueryRowContext(ctx, ownerRoleSQL, owner).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !slices.Contains(identity.StaffRoles(), role) {
		return apperr.E(op, apperr.Invalid, "owner_id must be the id of an active staff account")
	}
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	return nil
}

// customerFor returns the customer a converting lead becomes: the one with its email
// (case-insensitive), or a new one made from the lead. A customer inserted by a concurrent
// transaction between the read and the insert (the unique index on LOWER(email)) is found again
// and linked. It reports whether it created the customer.
func (s *Service) customerFor(ctx context.Context, tx *sql.Tx, l lockedLead, now time.Time) (int64, bool, error) {
	const op = "crmmarketing.CustomerFor"
	find := func() (int64, error) {
		var id int64
		err := tx.QueryRowContext(ctx, customerByEmailSQL, l.email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return id, err
	}
	id, err := find()
	if err != nil {
		return 0, false, apperr.Wrap(op, apperr.Internal, err)
	}
	if id != 0 {
		return id, false, nil
	}
	name := l.name
	if strings.TrimSpace(name) == "" {
		name, _, _ = strings.Cut(l.email, "@")
	}
	id, err = db.InsertReturningID(ctx, tx, insertCustomerSQL, name, l.email, db.NullIfEmpty(l.phone), db.NullIfEmpty(l.company), now, now)
	if errors.Is(err, db.ErrUniqueViolation) {
		if id, err = find(); err == nil && id == 0 {
			err = errors.New("customer email taken but not found")
		}
		if err != nil {
			return 0, false, apperr.Wrap(op, apperr.Internal, err)
		}
		return id, false, nil
	}
	if err != nil {
		return 0, false, apperr.Wrap(op, apperr.Internal, err)
	}
	return id, true, nil
}
