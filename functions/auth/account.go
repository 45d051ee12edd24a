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
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Field bounds, from the users and customers columns.
const (
	maxEmailBytes = 254
	maxNameBytes  = 200 // users.full_name and customers.name are VARCHAR2(200): bytes
)

// Account is a user account as its owner sees it.
type Account struct {
	ID         int64    `json:"id"`
	Email      string   `json:"email"`
	Name       string   `json:"name"`
	Role       string   `json:"role"`
	CustomerID *int64   `json:"customer_id"`
	Scopes     []string `json:"scope"`
}

type registerRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

const (
	userByEmailSQL     = `SELECT id FROM users WHERE LOWER(email) = :1`
	customerByEmailSQL = `SELECT id FROM customers WHERE LOWER(email) = :1`
	insertCustomerSQL  = `INSERT INTO customers (name, email) VALUES (:1, :2) RETURNING id INTO :3`
	insertUserSQL      = `INSERT INTO users (username, email, password_hash, full_name, role, customer_id)
VALUES (:1, :2, :3, :4, 'customer', :5) RETURNING id INTO :6`
	accountByIDSQL = `SELECT id, email, full_name, role, customer_id FROM users WHERE id = :1 AND is_active = 1`
)

// register creates a shopper account. It links the account to the customer with the same email
// (case-insensitive), leaving that customer's name, company and phone as they are, or creates the
// customer. The password is hashed before the transaction so the write lock is held briefly.
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
	acct := Account{Email: email, Name: name, Role: "customer", Scopes: identity.ScopesForRole("customer")}
	err = s.db.InTx(r.Context(), func(ctx context.Context, tx *db.Tx) error {
		var existing int64
		switch err := tx.QueryRowContext(ctx, userByEmailSQL, key).Scan(&existing); {
		case err == nil:
			return errEmailTaken(op)
		case !errors.Is(err, sql.ErrNoRows):
			return apperr.Wrap(op, apperr.Internal, err)
		}
		var customerID int64
		switch err := tx.QueryRowContext(ctx, customerByEmailSQL, key).Scan(&customerID); {
		case errors.Is(err, sql.ErrNoRows):
			if customerID, err = tx.InsertReturningID(ctx, insertCustomerSQL, name, email); err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
		case err != nil:
			return apperr.Wrap(op, apperr.Internal, err)
		}
		acct.CustomerID = &customerID
		id, err := tx.InsertReturningID(ctx, insertUserSQL, key, email, hash, name, customerID)
		if err != nil {
			if errors.Is(err, db.ErrUniqueViolation) {
				return errEmailTaken(op) // a concurrent registration of the same email won
			}
			return apperr.Wrap(op, apperr.Internal, err)
		}
		acct.ID = id
		return nil
	})
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusCreated, acct)
	return nil
}

func errEmailTaken(op string) error {
	return apperr.E(op, apperr.Conflict, "an account with this email already exists").WithCode("email_taken")
}

// parseEmail is the bundle's one email rule (web.Email).
func parseEmail(raw string) (string, error) { return web.Email("auth.ParseEmail", "email", raw) }

// me answers the caller's account. The gateway has verified the token and set the principal header;
// what this function can still check it does: the account exists and is active. An external
// (Identity Domain) principal has no account here and gets its principal and scopes only.
func (s *Service) me(w http.ResponseWriter, r *http.Request) error {
	const op = "auth.Me"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	if p.UserID == 0 {
		web.JSON(w, http.StatusOK, map[string]any{"principal": p.ID, "scope": p.Scopes})
		return nil
	}
	var a Account
	var name string // NULL is "" (godror)
	var customer sql.NullInt64
	err = s.db.QueryRowContext(r.Context(), accountByIDSQL, p.UserID).Scan(&a.ID, &a.Email, &name, &a.Role, &customer)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return apperr.E(op, apperr.NotFound, "account not found")
	case err != nil:
		return apperr.Wrap(op, apperr.Internal, err)
	}
	a.Name = name
	if customer.Valid {
		a.CustomerID = &customer.Int64
	}
	a.Scopes = identity.ScopesForRole(a.Role)
	web.JSON(w, http.StatusOK, a)
	return nil
}
