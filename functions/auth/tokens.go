package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// Purposes of account tokens, and how long each lives.
const (
	purposeVerify = "verify_email"
	purposeReset  = "password_reset"

	VerifyTokenTTL = 24 * time.Hour
	ResetTokenTTL  = time.Hour
)

// maxTokenBytes bounds a presented token: ours are 43 bytes (32 random bytes, base64url).
const maxTokenBytes = 128

// newToken returns a fresh random token (256 bits, base64url) and the hash stored in its place.
func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken is what the database holds for a token: hex SHA-256. The tokens are 256-bit random
// values, so a fast hash is enough (nothing to brute-force), and lookups stay an index probe.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

const (
	deleteUserTokensSQL = `DELETE FROM account_tokens WHERE user_id = :1 AND purpose = :2`
	insertTokenSQL      = `INSERT INTO account_tokens (user_id, purpose, token_hash, expires_at) VALUES (:1, :2, :3, :4)`
	tokenUserSQL        = `SELECT user_id FROM account_tokens WHERE token_hash = :1 AND purpose = :2`
	// consumeTokenSQL is the one statement that makes a token single-use: of two concurrent uses,
	// one deletes the row and the other deletes nothing.
	consumeTokenSQL = `DELETE FROM account_tokens WHERE token_hash = :1 AND purpose = :2 AND expires_at > :3`
)

// issueAccountToken replaces the account's tokens of purpose by a new one (a new request invalidates
// the old link) and returns it; only its hash is stored.
func issueAccountToken(ctx context.Context, tx *sql.Tx, userID int64, purpose string, expires time.Time) (string, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, deleteUserTokensSQL, userID, purpose); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, insertTokenSQL, userID, purpose, hash, expires); err != nil {
		return "", err
	}
	return token, nil
}

// errInvalidToken is the one answer for an unknown, used or expired emailed token.
func errInvalidToken(op string) error {
	return apperr.E(op, apperr.Invalid, "the link is invalid or has expired; ask for a new one").WithCode("invalid_token")
}

// consumeAccountToken uses a token of purpose: it returns the account it was issued to and deletes it,
// or answers invalid_token when it is unknown, used or expired.
func consumeAccountToken(ctx context.Context, tx *sql.Tx, op, token, purpose string, now time.Time) (int64, error) {
	if token == "" || len(token) > maxTokenBytes {
		return 0, errInvalidToken(op)
	}
	hash := hashToken(token)
	var userID int64
	switch err := tx.QueryRowContext(ctx, tokenUserSQL, hash, purpose).Scan(&userID); {
	case errors.Is(err, sql.ErrNoRows):
		return 0, errInvalidToken(op)
	case err != nil:
		return 0, apperr.Wrap(op, apperr.Internal, err)
	}
	res, err := tx.ExecContext(ctx, consumeTokenSQL, hash, purpose, now)
	if err != nil {
		return 0, apperr.Wrap(op, apperr.Internal, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return 0, errInvalidToken(op)
	}
	return userID, nil
}
