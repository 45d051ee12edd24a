package auth_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/functions/auth"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

func tokens(t *testing.T, res response) auth.TokenResponse {
	t.Helper()
	var tok auth.TokenResponse
	if err := json.Unmarshal(res.body, &tok); err != nil || res.status != http.StatusOK || tok.RefreshToken == "" || tok.AccessToken == "" {
		t.Fatalf("%d %s, want tokens", res.status, res.body)
	}
	if res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", res.header.Get("Cache-Control"))
	}
	return tok
}

func (e *env) refresh(t *testing.T, token string) response {
	t.Helper()
	return e.call(t, http.MethodPost, "/api/auth/refresh", "192.0.2.9", map[string]string{"refresh_token": token}, nil)
}

func TestRefreshRotatesAndReuseRevokesTheFamily(t *testing.T) {
	e := newEnv(t)
	login := e.login(t, "192.0.2.9", shopperEmail, seed.ShopperPassword)
	first := tokens(t, login)
	cookie := login.header.Get("Set-Cookie")
	for _, attr := range []string{auth.RefreshCookie + "=" + first.RefreshToken, "HttpOnly", "Secure", "SameSite=Strict", "Path=/api/auth"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("Set-Cookie %q lacks %s", cookie, attr)
		}
	}
	if n := e.db.Int(t, `SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = :1`, first.RefreshToken); n != 0 {
		t.Fatal("refresh token stored in clear")
	}
	second := tokens(t, e.refresh(t, first.RefreshToken))
	if second.RefreshToken == first.RefreshToken {
		t.Fatal("not rotated")
	}
	if _, err := e.verifier.Verify(t.Context(), second.AccessToken); err != nil {
		t.Fatal(err)
	}
	// The cookie alone refreshes too (a browser).
	byCookie := e.call(t, http.MethodPost, "/api/auth/refresh", "192.0.2.9", nil, map[string]string{"Cookie": auth.RefreshCookie + "=" + second.RefreshToken})
	third := tokens(t, byCookie)

	// The first token comes back (stolen copy): 401, and the whole family, newest included, dies.
	if res := e.refresh(t, first.RefreshToken); res.status != http.StatusUnauthorized || res.error().Code != "invalid_refresh_token" {
		t.Fatalf("reuse: %d %s", res.status, res.body)
	}
	if res := e.refresh(t, third.RefreshToken); res.status != http.StatusUnauthorized {
		t.Fatalf("the family's newest token after reuse: %d %s, want 401", res.status, res.body)
	}
	// Another session (another login) of the same account is untouched.
	other := tokens(t, e.login(t, "192.0.2.9", shopperEmail, seed.ShopperPassword))
	tokens(t, e.refresh(t, other.RefreshToken))
}

func TestRefreshExpires(t *testing.T) {
	e := newEnv(t)
	tok := tokens(t, e.login(t, "192.0.2.9", shopperEmail, seed.ShopperPassword))
	e.clock.advance(auth.DefaultRefreshTTL + time.Minute)
	if res := e.refresh(t, tok.RefreshToken); res.status != http.StatusUnauthorized {
		t.Fatalf("expired: %d %s", res.status, res.body)
	}
}

func TestLogoutRevokesTheSession(t *testing.T) {
	e := newEnv(t)
	tok := tokens(t, e.login(t, "192.0.2.9", shopperEmail, seed.ShopperPassword))
	res := e.call(t, http.MethodPost, "/api/auth/logout", "192.0.2.9", map[string]string{"refresh_token": tok.RefreshToken}, nil)
	if res.status != http.StatusNoContent || !strings.Contains(res.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %q", res.status, res.header.Get("Set-Cookie"))
	}
	if res := e.refresh(t, tok.RefreshToken); res.status != http.StatusUnauthorized {
		t.Fatalf("refresh after logout: %d %s", res.status, res.body)
	}
	if res := e.call(t, http.MethodPost, "/api/auth/logout", "192.0.2.9", nil, nil); res.status != http.StatusNoContent {
		t.Fatalf("logout without a token: %d", res.status)
	}
}

func TestPasswordResetEndToEnd(t *testing.T) {
	e := newEnv(t)
	session := tokens(t, e.login(t, "192.0.2.9", shopperEmail, seed.ShopperPassword))
	forgot := func(email string) response {
		return e.call(t, http.MethodPost, "/api/auth/password/forgot", "192.0.2.9", map[string]string{"email": email}, nil)
	}
	known, unknown := forgot(strings.ToUpper(shopperEmail)), forgot("nobody.here@example.com")
	if known.status != http.StatusAccepted || unknown.status != known.status || string(known.body) != string(unknown.body) {
		t.Fatalf("known %d %s, unknown %d %s: want the same 202", known.status, known.body, unknown.status, unknown.body)
	}
	if len(e.mailTo(t, "nobody.here@example.com")) != 0 {
		t.Fatal("mailed an address without an account")
	}
	firstLink := e.lastMail(t, shopperEmail).token
	forgot(shopperEmail)
	m := e.lastMail(t, shopperEmail)
	if !strings.Contains(m.subject, "Reset your") || m.token == firstLink {
		t.Fatalf("mail %+v", m)
	}
	reset := func(token, password string) response {
		return e.call(t, http.MethodPost, "/api/auth/password/reset", "192.0.2.9", map[string]string{"token": token, "password": password}, nil)
	}
	if res := reset(firstLink, "a brand new passphrase"); res.status != http.StatusBadRequest || res.error().Code != "invalid_token" {
		t.Fatalf("the older link after a new request: %d %s", res.status, res.body)
	}
	if res := reset(m.token, "short"); res.status != http.StatusBadRequest || res.error().Code != "weak_password" {
		t.Fatalf("weak password: %d %s", res.status, res.body)
	}
	if res := reset(m.token, "a brand new passphrase"); res.status != http.StatusOK {
		t.Fatalf("reset: %d %s", res.status, res.body)
	}
	if res := reset(m.token, "yet another passphrase"); res.status != http.StatusBadRequest {
		t.Fatalf("second use of the link: %d %s", res.status, res.body)
	}
	if res := e.refresh(t, session.RefreshToken); res.status != http.StatusUnauthorized {
		t.Fatalf("a session from before the reset still refreshes: %d", res.status)
	}
	if res := e.login(t, "192.0.2.9", shopperEmail, seed.ShopperPassword); res.status != http.StatusUnauthorized {
		t.Fatalf("old password: %d", res.status)
	}
	tokens(t, e.login(t, "192.0.2.9", shopperEmail, "a brand new passphrase"))
}

func TestResetLinkExpiresAfterAnHour(t *testing.T) {
	e := newEnv(t)
	e.call(t, http.MethodPost, "/api/auth/password/forgot", "192.0.2.9", map[string]string{"email": shopperEmail}, nil)
	e.clock.advance(auth.ResetTokenTTL + time.Second)
	res := e.call(t, http.MethodPost, "/api/auth/password/reset", "192.0.2.9",
		map[string]string{"token": e.lastMail(t, shopperEmail).token, "password": "a brand new passphrase"}, nil)
	if res.status != http.StatusBadRequest || res.error().Code != "invalid_token" {
		t.Fatalf("%d %s", res.status, res.body)
	}
}

func TestVerificationLinkExpiresAndANewRequestReplacesIt(t *testing.T) {
	e := newEnv(t)
	const email = "late.pilot@example.com"
	e.register(t, email, "a long enough password", "Late Pilot")
	first := e.lastMail(t, email).token
	userID := e.db.Int(t, `SELECT id FROM users WHERE email = :1`, email)
	headers := map[string]string{gateway.PrincipalHeader: identity.LocalPrincipal(userID), gateway.ScopesHeader: "customer"}
	if res := e.call(t, http.MethodPost, "/api/auth/verify/resend", "192.0.2.9", nil, headers); res.status != http.StatusAccepted {
		t.Fatalf("resend: %d %s", res.status, res.body)
	}
	second := e.lastMail(t, email).token
	verify := func(token string) response {
		return e.call(t, http.MethodPost, "/api/auth/verify", "192.0.2.9", map[string]string{"token": token}, headers)
	}
	if second == first || verify(first).status != http.StatusBadRequest {
		t.Fatal("the first link still works after a new request")
	}
	e.clock.advance(auth.VerifyTokenTTL + time.Second)
	if res := verify(second); res.status != http.StatusBadRequest || res.error().Code != "invalid_token" {
		t.Fatalf("after 24 h: %d %s", res.status, res.body)
	}
	e.call(t, http.MethodPost, "/api/auth/verify/resend", "192.0.2.9", nil, headers)
	if res := verify(e.lastMail(t, email).token); res.status != http.StatusOK {
		t.Fatalf("fresh link: %d %s", res.status, res.body)
	}
	if res := e.call(t, http.MethodPost, "/api/auth/verify/resend", "192.0.2.9", nil, headers); res.status != http.StatusConflict {
		t.Fatalf("resend when verified: %d %s", res.status, res.body)
	}
	if e.me(t, userID).CustomerID == nil {
		t.Fatal("verified account not linked to a customer")
	}
}

func TestResetVerifiesAnUnverifiedAccount(t *testing.T) {
	e := newEnv(t)
	// Someone registered the owner's address first, with their own password.
	const email = "owner@example.com"
	e.register(t, email, "the squatter's password", "Squatter")
	// The owner registers too: same answer, and a reset link in the owner's inbox.
	e.register(t, email, "the owner's password!", "Owner")
	m := e.lastMail(t, email)
	res := e.call(t, http.MethodPost, "/api/auth/password/reset", "192.0.2.9", map[string]string{"token": m.token, "password": "the owner's password!"}, nil)
	if res.status != http.StatusOK {
		t.Fatalf("%d %s", res.status, res.body)
	}
	if res := e.login(t, "192.0.2.9", email, "the squatter's password"); res.status != http.StatusUnauthorized {
		t.Fatal("the squatter still signs in")
	}
	if e.me(t, e.db.Int(t, `SELECT id FROM users WHERE email = :1`, email)).CustomerID == nil {
		t.Fatal("a reset proves the email: the account should be linked")
	}
}

func TestStaffPasswordResetCreatesNoCustomer(t *testing.T) {
	e := newEnv(t)
	const admin = "admin@octo-drone-shop.example"
	before := e.db.Int(t, `SELECT COUNT(*) FROM customers`)
	e.call(t, http.MethodPost, "/api/auth/password/forgot", "192.0.2.9", map[string]string{"email": admin}, nil)
	res := e.call(t, http.MethodPost, "/api/auth/password/reset", "192.0.2.9",
		map[string]string{"token": e.lastMail(t, admin).token, "password": "a brand new admin passphrase"}, nil)
	if res.status != http.StatusOK {
		t.Fatalf("%d %s", res.status, res.body)
	}
	if after := e.db.Int(t, `SELECT COUNT(*) FROM customers`); after != before {
		t.Fatalf("customers %d -> %d: a staff reset made a customer", before, after)
	}
	tokens(t, e.login(t, "192.0.2.9", admin, "a brand new admin passphrase"))
}
