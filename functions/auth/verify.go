package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/web"
)

type tokenRequest struct {
	Token string `json:"token"`
}

const (
	// upsertCustomerSQL creates the customer unless one has this email (case-insensitively), the
	// statement checkout uses; an existing customer is never updated.
	upsertCustomerSQL = `MERGE INTO customers c
USING (SELECT :1 AS email, :2 AS name, :3 AS ts FROM dual) s
ON (LOWER(c.email) = LOWER(s.email))
WHEN NOT MATCHED THEN INSERT (name, email, created_at, updated_at)
VALUES (s.name, s.email, s.ts, s.ts)`
	// linkCustomerSQL links an unlinked shopper account to the customer with its email.
	linkCustomerSQL = `UPDATE users SET customer_id = (SELECT id FROM customers WHERE LOWER(email) = LOWER(:1)), updated_at = :2
WHERE id = :3 AND customer_id IS NULL AND role = 'customer'`
	verifyUserSQL = `SELECT email, COALESCE(full_name, email), role, COALESCE(customer_id, 0) FROM users WHERE id = :1 AND is_active = 1 FOR UPDATE`
)

// verify uses an emailed verification token: the account's email is proven, so the account is linked
// to the customer with that email (created when there is none) and from now on sees its orders,
// tickets and reviews. The caller must be signed in as the account the link was mailed for: whoever
// registered someone else's address cannot use the link, and the address's owner, clicking a link
// they never asked for, cannot verify the stranger's account either, not knowing its password.
func (s *Service) verify(w http.ResponseWriter, r *http.Request) error {
	const op = "auth.Verify"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	var req tokenRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	var acct Account
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		userID, err := consumeAccountToken(ctx, tx, op, req.Token, purposeVerify, s.now())
		if err != nil {
			return err
		}
		if userID != p.UserID {
			return errInvalidToken(op) // rolled back: the link still works for its own account
		}
		if err := s.linkCustomer(ctx, tx, op, userID); err != nil {
			return err
		}
		acct, err = s.account(ctx, tx, userID)
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, acct)
	return nil
}

// linkCustomer links a shopper account whose email was just proven to the customer with that email
// (staff accounts and linked ones are left as they are). It locks the account row first, so a
// verification and a reset of the same account serialize.
func (s *Service) linkCustomer(ctx context.Context, tx *sql.Tx, op string, userID int64) error {
	var email, name, role string
	var customer int64
	if err := tx.QueryRowContext(ctx, verifyUserSQL, userID).Scan(&email, &name, &role, &customer); err != nil {
		return errInvalidToken(op) // the account was disabled or deleted since the mail
	}
	if role != "customer" || customer != 0 {
		return nil // staff have no customer; a linked account is verified already
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, upsertCustomerSQL, email, name, now); err != nil && !errors.Is(err, db.ErrUniqueViolation) {
		// A unique violation: a concurrent checkout created the customer first (Oracle's MERGE is not
		// atomic against a concurrent insert); the link below finds it.
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if _, err := tx.ExecContext(ctx, linkCustomerSQL, email, now, userID); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	return nil
}

// resendVerification mails a new verification link to the signed-in account's own address; the
// previous link stops working. A verified account gets 409 already_verified.
func (s *Service) resendVerification(w http.ResponseWriter, r *http.Request) error {
	const op = "auth.ResendVerification"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	if p.UserID == 0 {
		return apperr.E(op, apperr.Conflict, "this account's email is verified by its identity provider").WithCode("already_verified")
	}
	var queued int64
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		a, err := s.account(ctx, tx, p.UserID)
		if err != nil {
			return err
		}
		if a.EmailVerified {
			return apperr.E(op, apperr.Conflict, "the email is already verified").WithCode("already_verified")
		}
		token, err := issueAccountToken(ctx, tx, a.ID, purposeVerify, s.now().Add(VerifyTokenTTL))
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		queued, err = s.outbox.Enqueue(ctx, tx, notify.Notification{Template: notify.VerifyEmail, To: a.Email,
			Data: map[string]string{"name": a.Name, "link": s.mail.Link("/account/verify", token)}})
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.kick.Kick(queued)
	web.JSON(w, http.StatusAccepted, StatusAnswer{Status: "verification_sent"})
	return nil
}
