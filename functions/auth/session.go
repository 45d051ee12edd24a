package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// RefreshCookie is the browser's copy of the refresh token: HttpOnly (no script reads it), Secure,
// SameSite=Strict (no other site's request carries it), scoped to the auth routes.
const RefreshCookie = "octo_refresh"

const refreshCookiePath = "/api/auth"

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

const (
	insertRefreshSQL = `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES (:1, :2, :3, :4)`
	lockRefreshSQL   = `SELECT id, user_id, family_id, expires_at, rotated_at, revoked_at
FROM refresh_tokens WHERE token_hash = :1 FOR UPDATE`
	rotateRefreshSQL = `UPDATE refresh_tokens SET rotated_at = :1 WHERE id = :2 AND rotated_at IS NULL AND revoked_at IS NULL`
	revokeFamilySQL  = `UPDATE refresh_tokens SET revoked_at = :1 WHERE family_id = :2 AND revoked_at IS NULL`
	sessionUserSQL   = `SELECT role, COALESCE(customer_id, 0) FROM users WHERE id = :1 AND is_active = 1`
)

// newRefreshToken stores a new refresh token of family (a new family when empty) and returns it.
func (s *Service) newRefreshToken(ctx context.Context, tx *sql.Tx, userID int64, family string) (string, error) {
	const op = "auth.NewRefreshToken"
	if family == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return "", apperr.Wrap(op, apperr.Internal, err)
		}
		family = hex.EncodeToString(b)
	}
	token, hash, err := newToken()
	if err != nil {
		return "", apperr.Wrap(op, apperr.Internal, err)
	}
	if _, err := tx.ExecContext(ctx, insertRefreshSQL, userID, family, hash, s.now().Add(s.refreshTTL)); err != nil {
		return "", apperr.Wrap(op, apperr.Internal, err)
	}
	return token, nil
}

// presentedRefresh reads the refresh token from the JSON body, or else (no body, as a browser
// sends it) from the cookie.
func presentedRefresh(r *http.Request) (string, error) {
	var req refreshRequest
	// Peek for a body (a gateway may forward an empty one without a length), then let web.Decode
	// read it as every route does: media type, attack inspection, size limit, strict decoding.
	var peek [1]byte
	n, _ := io.ReadFull(r.Body, peek[:])
	if n > 0 {
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(peek[:n]), r.Body))
		if err := web.Decode(r, &req); err != nil {
			return "", err
		}
	}
	if req.RefreshToken == "" {
		if c, err := r.Cookie(RefreshCookie); err == nil {
			req.RefreshToken = c.Value
		}
	}
	return req.RefreshToken, nil
}

func errBadRefresh(op string) error {
	return apperr.E(op, apperr.Unauthorized, "the refresh token is invalid, expired or revoked; sign in again").WithCode("invalid_refresh_token")
}

// refreshed is what a refresh decided.
type refreshed struct {
	reused   bool // a rotated token came back: the family was revoked
	userID   int64
	role     string
	customer int64
	token    string
}

// refresh rotates a refresh token: the presented one is marked rotated and a new one of the same
// family is answered with a new access token. Presenting a rotated token again means it was copied:
// the whole family, including the newest token, is revoked (OAuth 2.0 Security BCP, 4.14.2).
func (s *Service) refresh(w http.ResponseWriter, r *http.Request) error {
	const op = "auth.Refresh"
	token, err := presentedRefresh(r)
	if err != nil {
		return err
	}
	if token == "" || len(token) > maxTokenBytes {
		return errBadRefresh(op)
	}
	now := s.now()
	var out refreshed
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		var id int64
		var family string
		var expires time.Time
		var rotated, revoked *time.Time
		err := tx.QueryRowContext(ctx, lockRefreshSQL, hashToken(token)).Scan(&id, &out.userID, &family, &expires, &rotated, &revoked)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return errBadRefresh(op)
		case err != nil:
			return apperr.Wrap(op, apperr.Internal, err)
		case rotated != nil:
			out.reused = true
			if _, err := tx.ExecContext(ctx, revokeFamilySQL, now, family); err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
			return nil // commit the revocation, then answer 401
		case revoked != nil || !expires.After(now):
			return errBadRefresh(op)
		}
		if err := tx.QueryRowContext(ctx, sessionUserSQL, out.userID).Scan(&out.role, &out.customer); err != nil {
			return errBadRefresh(op) // disabled or deleted account
		}
		res, err := tx.ExecContext(ctx, rotateRefreshSQL, now, id)
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errBadRefresh(op)
		}
		out.token, err = s.newRefreshToken(ctx, tx, out.userID, family)
		return err
	})
	if err != nil {
		return err
	}
	if out.reused {
		security.Report(r.Context(), security.BruteForce, security.Event{
			Payload: "a rotated refresh token was presented again; its family is revoked",
			Details: map[string]any{"user_id": out.userID, "counter": "refresh_token_reuse"},
		})
		s.clearRefreshCookie(w)
		return errBadRefresh(op)
	}
	scopes := identity.ScopesForRole(out.role)
	if len(scopes) == 0 {
		return errBadRefresh(op)
	}
	return s.answerTokens(w, op, out.userID, out.customer, scopes, out.token)
}

// logout revokes the presented refresh token's family (this browser's or app's session) and clears
// the cookie. It answers 204 whatever was presented: signing out cannot fail.
func (s *Service) logout(w http.ResponseWriter, r *http.Request) error {
	const op = "auth.Logout"
	token, err := presentedRefresh(r)
	if err != nil {
		return err
	}
	if token != "" && len(token) <= maxTokenBytes {
		err := db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
			var id, userID int64
			var family string
			var expires time.Time
			var rotated, revoked *time.Time
			err := tx.QueryRowContext(ctx, lockRefreshSQL, hashToken(token)).Scan(&id, &userID, &family, &expires, &rotated, &revoked)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
			if _, err := tx.ExecContext(ctx, revokeFamilySQL, s.now(), family); err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	s.clearRefreshCookie(w)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) setRefreshCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: RefreshCookie, Value: token, Path: refreshCookiePath,
		MaxAge: int(s.refreshTTL.Seconds()), HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}

func (s *Service) clearRefreshCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: RefreshCookie, Value: "", Path: refreshCookiePath, MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}
