package assistantchat

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/shape"
)

// sessionIDHex is the length of a session id: 128 random bits as lower-case hex.
const sessionIDHex = 32

// newSessionID returns a fresh unguessable session id.
func newSessionID() string {
	var b [sessionIDHex / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// validSessionID reports whether s has the shape of a session id.
func validSessionID(s string) bool { return shape.LowerHex(s, sessionIDHex) }

// callerUserID is the signed-in account the gateway vouches for, 0 for an anonymous caller (or an
// external subject, which has no customer record here).
func callerUserID(r *http.Request) int64 {
	p, err := identity.FromRequest(r)
	if err != nil {
		return 0
	}
	return p.UserID
}

const (
	// sessionAccessSQL reads a session's owner and the caller's customer (:2 the caller's user id, 0
	// when anonymous) in one statement.
	sessionAccessSQL = `SELECT s.customer_id, (SELECT u.customer_id FROM users u WHERE u.id = :1 AND u.is_active = 1)
FROM assistant_sessions s
WHERE s.session_id = :2`

	// callerCustomerSQL is the caller's customer for a new session.
	callerCustomerSQL = `SELECT customer_id FROM users WHERE id = :1 AND is_active = 1`
)

// errNoSession is the answer to an unknown session and to another customer's: the two cannot be told
// apart.
func errNoSession(op string) error { return apperr.E(op, apperr.NotFound, "no such assistant session") }

// openSession checks the caller may use the session and returns its owner (0: anonymous).
func (s *Service) openSession(ctx context.Context, q db.DBTX, op, id string, userID int64) (int64, error) {
	var owner, caller sql.NullInt64
	err := q.QueryRowContext(ctx, sessionAccessSQL, userID, id).Scan(&owner, &caller)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoSession(op)
	}
	if err != nil {
		return 0, apperr.Wrap(op, apperr.Internal, err)
	}
	if owner.Valid && (!caller.Valid || caller.Int64 != owner.Int64) {
		return 0, errNoSession(op)
	}
	return owner.Int64, nil
}

// callerCustomer returns the caller's customer id, 0 when anonymous or without a customer record.
func (s *Service) callerCustomer(ctx context.Context, op string, userID int64) (int64, error) {
	if userID == 0 {
		return 0, nil
	}
	var c sql.NullInt64
	err := s.db.QueryRowContext(ctx, callerCustomerSQL, userID).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, apperr.Wrap(op, apperr.Internal, err)
	}
	return c.Int64, nil
}
