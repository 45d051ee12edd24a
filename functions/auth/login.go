package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/web"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// TokenResponse is a successful login or refresh (RFC 6749 section 5.1): the short access token and
// the rotating refresh token, also set as an HttpOnly cookie for browsers.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"` // seconds
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

const (
	loginUserSQL = `SELECT id, password_hash, role, COALESCE(customer_id, 0), is_active FROM users WHERE LOWER(email) = :1`
	// Run for every failure, known email or not, so both cost the same statements.
	countFailureSQL = `UPDATE users SET failed_login_count = failed_login_count + 1 WHERE LOWER(email) = :1`
	loginSuccessSQL = `UPDATE users SET failed_login_count = 0, locked_until = NULL, last_login_at = :1, updated_at = :2 WHERE id = :3`
	rehashSQL       = `UPDATE users SET password_hash = :1 WHERE id = :2`
)

// loginUser is what login reads of an account.
type loginUser struct {
	id       int64
	hash     string
	role     string
	customer int64
	active   bool
}

// errBadCredentials is the one answer for an unknown email, a wrong password and a disabled account.
func errBadCredentials(op string) error {
	return apperr.E(op, apperr.Unauthorized, "invalid email or password").WithCode("invalid_credentials")
}

func (s *Service) login(w http.ResponseWriter, r *http.Request) error {
	const op = "auth.Login"
	var req loginRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	account := strings.ToLower(strings.TrimSpace(req.Email))
	if account == "" || len(account) > maxEmailBytes || req.Password == "" || len(req.Password) > 4*identity.MaxPasswordLength {
		return errBadCredentials(op)
	}
	ip := identity.ClientIP(r)
	ad, err := s.admit(r.Context(), account, ip)
	if err != nil {
		return err
	}
	if ad.refused {
		s.recordBruteForce(r, account, ad)
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(ad.retryAfter)))
		return apperr.E(op, apperr.RateLimited, "too many failed logins; retry later or reset the password").WithCode("login_throttled")
	}

	u, found, err := s.loginUser(r.Context(), account)
	if err != nil {
		return err
	}
	ok, rehash, cerr := identity.CheckLogin(u.hash, found, req.Password, s.hashWork)
	if cerr != nil {
		s.log.ErrorContext(r.Context(), "stored password hash unreadable", "user_id", u.id, "error", cerr.Error())
	}
	if !ok || !u.active {
		s.failed(r, account, ad)
		return errBadCredentials(op)
	}

	scopes := identity.ScopesForRole(u.role)
	if len(scopes) == 0 {
		return apperr.Wrap(op, apperr.Internal, errors.New("account role "+u.role+" grants no scope"))
	}
	refresh, err := s.succeeded(r.Context(), u, account, ip, req.Password, rehash)
	if err != nil {
		return err
	}
	return s.answerTokens(w, op, u.id, u.customer, scopes, refresh)
}

// answerTokens signs the access token and answers it with the refresh token (body and cookie).
func (s *Service) answerTokens(w http.ResponseWriter, op string, userID, customer int64, scopes []string, refresh string) error {
	token, err := s.issuer.Issue(identity.Grant{UserID: userID, Scopes: scopes, CustomerID: customer})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	s.setRefreshCookie(w, refresh)
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, TokenResponse{AccessToken: token, TokenType: "Bearer",
		ExpiresIn: int(s.issuer.TTL().Seconds()), RefreshToken: refresh, Scope: strings.Join(scopes, " ")})
	return nil
}

func (s *Service) loginUser(ctx context.Context, account string) (loginUser, bool, error) {
	var u loginUser
	var active int
	err := s.db.QueryRowContext(ctx, loginUserSQL, account).Scan(&u.id, &u.hash, &u.role, &u.customer, &active)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return loginUser{}, false, nil
	case err != nil:
		return loginUser{}, false, apperr.Wrap("auth.LoginUser", apperr.Internal, err)
	}
	u.active = active == 1
	return u, true, nil
}

// failed completes a failed attempt: it is already counted (see admit); the account's failure counter
// moves, old counters are purged and, when this failure reaches a limit, the brute force is recorded.
// None of that may change the answer, so errors are logged.
func (s *Service) failed(r *http.Request, account string, ad admission) {
	ctx := r.Context()
	if _, err := s.db.ExecContext(ctx, countFailureSQL, account); err != nil {
		s.log.ErrorContext(ctx, "count failed login", "error", err.Error())
	}
	if err := s.purge(ctx); err != nil {
		s.log.ErrorContext(ctx, "purge login throttle", "error", err.Error())
	}
	limit := map[string]int{"pair": s.throttle.PairMax, "address": s.throttle.AddressMax, "account": s.throttle.AccountFree}[ad.counter]
	if ad.failures+1 >= limit {
		ad.failures++
		s.recordBruteForce(r, account, ad)
	}
}

// succeeded applies a successful login: counters forgiven, last login recorded, a hash in an old
// format (bcrypt, or argon2id with other parameters) replaced by a current one, and a new refresh
// token family started. It returns the refresh token.
func (s *Service) succeeded(ctx context.Context, u loginUser, account, ip, password string, rehash bool) (string, error) {
	const op = "auth.Succeeded"
	var newHash string
	if rehash {
		h, err := identity.HashPassword(password)
		if err != nil {
			return "", apperr.Wrap(op, apperr.Internal, err)
		}
		newHash = h
	}
	now := s.now()
	var refresh string
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx *sql.Tx) error {
		if err := forgive(ctx, tx, account, ip); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if _, err := tx.ExecContext(ctx, loginSuccessSQL, now, now, u.id); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if newHash != "" {
			if _, err := tx.ExecContext(ctx, rehashSQL, newHash, u.id); err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
		}
		var err error
		refresh, err = s.newRefreshToken(ctx, tx, u.id, "")
		return err
	})
	return refresh, err
}
