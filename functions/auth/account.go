package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Field bounds, from the users and customers columns.
const (
	maxEmailBytes = 254
	maxNameBytes  = 200 // users.full_name and customers.name are VARCHAR2(200): bytes
)

// Account is a user account as its owner sees it. CustomerID is null until a shopper has verified
// the email (EmailVerified), which is when the account starts to see that customer's history.
type Account struct {
	ID            int64    `json:"id"`
	Email         string   `json:"email"`
	Name          string   `json:"name"`
	Role          string   `json:"role"`
	CustomerID    *int64   `json:"customer_id"`
	EmailVerified bool     `json:"email_verified"`
	Scopes        []string `json:"scope"`
}

type registerRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

// RegisterResponse is the one answer to a registration, whether the email was new or already had an
// account: nothing in it, nor its timing's hash work, tells the two apart.
type RegisterResponse struct {
	Status  string `json:"status"`
	Email   string `json:"email"`
	Message string `json:"message"`
}

const (
	userByEmailSQL = `SELECT id, email FROM users WHERE LOWER(email) = :1`
	insertUserSQL  = `INSERT INTO users (username, email, password_hash, full_name, role, customer_id)
VALUES (:1, :2, :3, :4, 'customer', NULL) RETURNING id INTO :5`
	accountByIDSQL = `SELECT id, email, COALESCE(full_name, email), role, COALESCE(customer_id, 0) FROM users WHERE id = :1 AND is_active = 1`
)

// register creates an unverified shopper account and mails it a verification link; the account sees
// no customer's orders until the link is followed (see verify). An email that already has an account
// gets the same answer, and its owner a mail with a password reset link instead: a stranger learns
// nothing, and the owner can still get in. The password is hashed first on both paths, before the
// transaction, so the write lock is held briefly and both paths cost the same.
func (s *Service) register(w http.ResponseWriter, r *http.Request) error {
	const op = "auth.Register"
	var req registerRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	email, err := parseEmail(req.Email)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(req.Name)
	if err := (web.TextLimit{Field: "name", Bytes: maxNameBytes, Required: true}).Check(op, name); err != nil {
		return err
	}
	if err := identity.CheckPasswordPolicy(req.Password); err != nil {
		return err
	}
	hash, err := identity.HashPassword(req.Password)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	key := strings.ToLower(email)
	now := s.now()
	var queued []int64
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		var existing int64
		var stored string
		switch err := tx.QueryRowContext(ctx, userByEmailSQL, key).Scan(&existing, &stored); {
		case err == nil:
			id, err := s.mailAccountExists(ctx, tx, existing, stored) // the owner's address as stored
			queued = append(queued, id)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return apperr.Wrap(op, apperr.Internal, err)
		}
		id, err := db.InsertReturningID(ctx, tx, insertUserSQL, key, email, hash, name)
		if errors.Is(err, db.ErrUniqueViolation) {
			return nil // a concurrent registration of the same email won and mailed the address
		}
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		token, err := issueAccountToken(ctx, tx, id, purposeVerify, now.Add(VerifyTokenTTL))
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		qid, err := s.outbox.Enqueue(ctx, tx, notify.Notification{Template: notify.VerifyEmail, To: email,
			Data: map[string]string{"name": name, "link": s.mail.Link("/account/verify", token)}})
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		queued = append(queued, qid)
		return nil
	})
	if err != nil {
		return err
	}
	s.kick.Kick(queued...)
	web.JSON(w, http.StatusAccepted, RegisterResponse{Status: "verification_sent", Email: email,
		Message: "check your inbox: follow the link we sent to finish creating the account"})
	return nil
}

// mailAccountExists tells the owner of an existing account that someone registered with the address,
// with a password reset link (which also verifies the email when the account was not yet).
func (s *Service) mailAccountExists(ctx context.Context, tx *sql.Tx, userID int64, email string) (int64, error) {
	const op = "auth.MailAccountExists"
	token, err := issueAccountToken(ctx, tx, userID, purposeReset, s.now().Add(ResetTokenTTL))
	if err != nil {
		return 0, apperr.Wrap(op, apperr.Internal, err)
	}
	id, err := s.outbox.Enqueue(ctx, tx, notify.Notification{Template: notify.AccountExists, To: email,
		Data: map[string]string{"link": s.mail.Link("/account/reset-password", token)}})
	if err != nil {
		return 0, apperr.Wrap(op, apperr.Internal, err)
	}
	return id, nil
}

// parseEmail is the bundle's one email rule (web.Email).
func parseEmail(raw string) (string, error) { return web.Email("auth.ParseEmail", "email", raw) }

// me answers the caller's account. The gateway has verified the token and set the principal header;
// what this function can still check it does: the account exists and is active. An external
// (Identity Domain) principal has no account here and gets its principal and scopes only.
func (s *Service) me(w http.ResponseWriter, r *http.Request) error {
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	if p.UserID == 0 {
		web.JSON(w, http.StatusOK, ExternalPrincipal{Principal: p.ID, Scope: p.Scopes})
		return nil
	}
	a, err := s.account(r.Context(), s.db, p.UserID)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, a)
	return nil
}

// querier is what account reads through: the pool or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// account reads an active account.
func (s *Service) account(ctx context.Context, q querier, userID int64) (Account, error) {
	const op = "auth.Account"
	var a Account
	var customer int64
	err := q.QueryRowContext(ctx, accountByIDSQL, userID).Scan(&a.ID, &a.Email, &a.Name, &a.Role, &customer)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Account{}, apperr.E(op, apperr.NotFound, "account not found")
	case err != nil:
		return Account{}, apperr.Wrap(op, apperr.Internal, err)
	}
	if customer != 0 {
		a.CustomerID = &customer
	}
	// Staff accounts are created by operators, not by registration: only a shopper proves its email.
	a.EmailVerified = a.Role != "customer" || customer != 0
	a.Scopes = identity.ScopesForRole(a.Role)
	return a, nil
}
