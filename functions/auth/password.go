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

type forgotRequest struct {
	Email string `json:"email"`
}

type resetRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

const (
	activeUserByEmailSQL = `SELECT id, email FROM users WHERE LOWER(email) = :1 AND is_active = 1`
	setPasswordSQL       = `UPDATE users SET password_hash = :1, updated_at = :2 WHERE id = :3`
	// revokeUserRefreshSQL ends every session of the account.
	revokeUserRefreshSQL = `UPDATE refresh_tokens SET revoked_at = :1 WHERE user_id = :2 AND revoked_at IS NULL`
	// clearAccountThrottleSQL forgives the account's failures: its owner just proved the email.
	clearAccountThrottleSQL = `UPDATE login_throttle SET failures = 0 WHERE throttle_key = :1`
)

// forgotPassword mails a single-use reset link (1 h) when an active account has the email, and
// answers 202 the same way whether or not one does.
func (s *Service) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	const op = "auth.ForgotPassword"
	var req forgotRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	email, err := parseEmail(req.Email)
	if err != nil {
		return err
	}
	var queued []int64
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		var userID int64
		var stored string
		switch err := tx.QueryRowContext(ctx, activeUserByEmailSQL, strings.ToLower(email)).Scan(&userID, &stored); {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return apperr.Wrap(op, apperr.Internal, err)
		}
		token, err := issueAccountToken(ctx, tx, userID, purposeReset, s.now().Add(ResetTokenTTL))
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		id, err := s.outbox.Enqueue(ctx, tx, notify.Notification{Template: notify.PasswordReset, To: stored,
			Data: map[string]string{"link": s.mail.Link("/account/reset-password", token)}})
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		queued = append(queued, id)
		return nil
	})
	if err != nil {
		return err
	}
	s.kick.Kick(queued...)
	web.JSON(w, http.StatusAccepted, StatusAnswer{Status: "reset_sent",
		Message: "if an account has this email, we sent it a link to reset the password"})
	return nil
}

// resetPassword uses a reset token: the new password replaces the old, every refresh token of the
// account is revoked (signed out everywhere), the account's login failures are forgiven and, since
// the link proved the email, an unverified shopper account is verified and linked.
func (s *Service) resetPassword(w http.ResponseWriter, r *http.Request) error {
	const op = "auth.ResetPassword"
	var req resetRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if req.Token == "" || len(req.Token) > maxTokenBytes {
		return errInvalidToken(op)
	}
	if err := identity.CheckPasswordPolicy(req.Password); err != nil {
		return err
	}
	hash, err := identity.HashPassword(req.Password)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	now := s.now()
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		userID, err := consumeAccountToken(ctx, tx, op, req.Token, purposeReset, now)
		if err != nil {
			return err
		}
		if err := s.linkCustomer(ctx, tx, op, userID); err != nil {
			return err
		}
		a, err := s.account(ctx, tx, userID)
		if err != nil {
			return err
		}
		for _, st := range []struct {
			sql  string
			args []any
		}{
			{setPasswordSQL, []any{hash, now, userID}},
			{revokeUserRefreshSQL, []any{now, userID}},
			{clearAccountThrottleSQL, []any{accountKey(strings.ToLower(a.Email))}},
		} {
			if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, StatusAnswer{Status: "password_reset"})
	return nil
}
