package auth_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/functions/auth"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

const shopperEmail = "jordan.blake@example.com"

func TestRegister(t *testing.T) {
	e := newEnv(t)
	t.Run("weak_password_is_400", func(t *testing.T) {
		res := e.register(t, "new.pilot@example.com", "short-pass1", "New Pilot")
		if res.status != http.StatusBadRequest || res.error().Code != "weak_password" {
			t.Fatalf("%d %s, want 400 weak_password", res.status, res.body)
		}
	})
	t.Run("too_long_password_is_400", func(t *testing.T) {
		if res := e.register(t, "new.pilot@example.com", strings.Repeat("p", 129), "New Pilot"); res.status != http.StatusBadRequest {
			t.Fatalf("%d %s, want 400", res.status, res.body)
		}
	})
	t.Run("invalid_email_is_400", func(t *testing.T) {
		for _, email := range []string{"not-an-email", "Pilot <p@example.com>", "", "pat@localhost" /* checkout refuses it: one rule */} {
			if res := e.register(t, email, "a long enough password", "Pilot"); res.status != http.StatusBadRequest {
				t.Errorf("email %q: %d %s, want 400", email, res.status, res.body)
			}
		}
	})
	t.Run("unknown_field_is_400", func(t *testing.T) {
		res := e.call(t, http.MethodPost, "/api/auth/register", "192.0.2.1",
			map[string]string{"email": "x@example.com", "password": "a long enough password", "name": "X", "role": "admin"}, nil)
		if res.status != http.StatusBadRequest {
			t.Fatalf("mass assignment of role: %d %s, want 400", res.status, res.body)
		}
	})
	t.Run("new_email_creates_an_unlinked_account_and_mails_a_link", func(t *testing.T) {
		res := e.register(t, "New.Pilot@Example.com", "a long enough password", "New Pilot")
		var rr auth.RegisterResponse
		if err := json.Unmarshal(res.body, &rr); err != nil || res.status != http.StatusAccepted || rr.Status != "verification_sent" {
			t.Fatalf("%d %s", res.status, res.body)
		}
		var customer, hash string
		if err := e.db.QueryRowContext(t.Context(), `SELECT COALESCE(CAST(customer_id AS TEXT), 'none'), password_hash FROM users WHERE email = :1`, "New.Pilot@Example.com").
			Scan(&customer, &hash); err != nil {
			t.Fatal(err)
		}
		if customer != "none" || !strings.HasPrefix(hash, "$argon2id$") {
			t.Fatalf("customer %s, hash %.20q: an unverified account is linked to no customer", customer, hash)
		}
		m := e.lastMail(t, "New.Pilot@Example.com")
		if !strings.Contains(m.subject, "Confirm your email") || len(m.token) != 43 || !strings.Contains(m.text, "/account/verify?token=") {
			t.Fatalf("mail %+v", m)
		}
		if n := e.db.Int(t, `SELECT COUNT(*) FROM account_tokens WHERE token_hash = :1`, m.token); n != 0 {
			t.Fatal("the token is stored in clear")
		}
	})
	t.Run("existing_account_answers_like_a_new_one_and_mails_the_owner", func(t *testing.T) {
		fresh := e.register(t, "someone.new@example.com", "another long password", "Someone")
		for _, email := range []string{"new.pilot@example.com", strings.ToUpper(shopperEmail)} {
			res := e.register(t, email, "another long password", "Someone")
			if res.status != fresh.status || strings.ReplaceAll(string(res.body), email, "someone.new@example.com") != string(fresh.body) {
				t.Errorf("%s: %d %s, a new email answers %d %s", email, res.status, res.body, fresh.status, fresh.body)
			}
		}
		m := e.lastMail(t, shopperEmail)
		if m.to != shopperEmail || !strings.Contains(m.subject, "Your OCTO Drone Shop account") || !strings.Contains(m.text, "/account/reset-password?token=") {
			t.Fatalf("owner's mail %+v", m)
		}
		if res := e.login(t, "198.51.100.1", shopperEmail, "another long password"); res.status != http.StatusUnauthorized {
			t.Fatalf("the registrant's password works on the owner's account: %d", res.status)
		}
		if res := e.login(t, "198.51.100.1", shopperEmail, seed.ShopperPassword); res.status != http.StatusOK {
			t.Fatalf("the owner's password stopped working: %d %s", res.status, res.body)
		}
	})
	t.Run("existing_customer_is_linked_only_after_verification", func(t *testing.T) {
		const email = "avery.chen@skyline-survey.example"
		var id int64
		var before [3]string
		q := `SELECT id, name, company, phone FROM customers WHERE LOWER(email) = :1`
		if err := e.db.QueryRowContext(t.Context(), q, email).Scan(&id, &before[0], &before[1], &before[2]); err != nil {
			t.Fatal(err)
		}
		if res := e.register(t, "  AVERY.CHEN@skyline-survey.example ", "a long enough password", "Imposter Name"); res.status != http.StatusAccepted {
			t.Fatalf("%d %s", res.status, res.body)
		}
		userID := e.db.Int(t, `SELECT id FROM users WHERE LOWER(email) = :1`, email)
		me := e.me(t, userID)
		if me.CustomerID != nil || me.EmailVerified {
			t.Fatalf("before verification: %+v, want no customer", me)
		}
		m := e.lastMail(t, "AVERY.CHEN@skyline-survey.example")
		owner := map[string]string{gateway.PrincipalHeader: identity.LocalPrincipal(userID), gateway.ScopesHeader: "customer"}
		other := map[string]string{gateway.PrincipalHeader: "user:1", gateway.ScopesHeader: "customer"}
		if res := e.call(t, http.MethodPost, "/api/auth/verify", "192.0.2.1", map[string]string{"token": m.token}, other); res.status != http.StatusBadRequest {
			t.Fatalf("another account used the link: %d %s", res.status, res.body)
		}
		if res := e.call(t, http.MethodPost, "/api/auth/verify", "192.0.2.1", map[string]string{"token": m.token}, nil); res.status != http.StatusUnauthorized {
			t.Fatalf("verified without signing in: %d %s", res.status, res.body)
		}
		res := e.call(t, http.MethodPost, "/api/auth/verify", "192.0.2.1", map[string]string{"token": m.token}, owner)
		var a auth.Account
		if err := json.Unmarshal(res.body, &a); err != nil || res.status != http.StatusOK || a.CustomerID == nil || *a.CustomerID != id ||
			!a.EmailVerified || res.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("verify: %d %s", res.status, res.body)
		}
		var after [3]string
		var ignore int64
		if err := e.db.QueryRowContext(t.Context(), q, email).Scan(&ignore, &after[0], &after[1], &after[2]); err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatalf("customer changed from %q to %q", before, after)
		}
		if again := e.call(t, http.MethodPost, "/api/auth/verify", "192.0.2.1", map[string]string{"token": m.token}, owner); again.status != http.StatusBadRequest ||
			again.error().Code != "invalid_token" {
			t.Fatalf("second use: %d %s, want 400 invalid_token", again.status, again.body)
		}
	})
}

func TestLogin(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, email, password, scope string
		customer                     bool
	}{
		{"seeded_shopper_bcrypt", shopperEmail, seed.ShopperPassword, "customer", true},
		{"seeded_admin_email_any_case", "ADMIN@octo-drone-shop.example", seed.AdminPassword, "customer staff admin crm.customers.read crm.customers.write crm.orders.read crm.orders.transition crm.shipments.write crm.support marketing analytics ops", false},
		{"seeded_support_is_staff_with_its_permissions", "support@octo-drone-shop.example", seed.SupportPassword, "customer staff crm.customers.read crm.customers.write crm.orders.read crm.shipments.write crm.support", false},
		{"seeded_fulfillment_moves_orders", "fulfillment@octo-drone-shop.example", seed.FulfillmentPassword, "customer staff crm.orders.read crm.orders.transition crm.shipments.write", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.login(t, "198.51.100.10", tt.email, tt.password)
			var tok auth.TokenResponse
			if err := json.Unmarshal(res.body, &tok); err != nil || res.status != http.StatusOK {
				t.Fatalf("%d %s", res.status, res.body)
			}
			if tok.TokenType != "Bearer" || tok.ExpiresIn != 900 || tok.Scope != tt.scope || res.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("token response %+v, cache-control %q", tok, res.header.Get("Cache-Control"))
			}
			v, err := e.verifier.Verify(t.Context(), tok.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(v.Scopes, " ") != tt.scope || (v.CustomerID != 0) != tt.customer || !strings.HasPrefix(v.Principal, "user:") {
				t.Fatalf("verified %+v", v)
			}
		})
	}
	t.Run("bcrypt_hash_upgraded_to_argon2id", func(t *testing.T) {
		var hash string
		if err := e.db.QueryRowContext(t.Context(), `SELECT password_hash FROM users WHERE LOWER(email) = :1`, shopperEmail).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$") {
			t.Fatalf("hash after login %.10q, want argon2id", hash)
		}
		if res := e.login(t, "198.51.100.10", shopperEmail, seed.ShopperPassword); res.status != http.StatusOK {
			t.Fatalf("login with the upgraded hash: %d %s", res.status, res.body)
		}
	})
	t.Run("disabled_account_gets_the_generic_error", func(t *testing.T) {
		if _, err := e.db.ExecContext(t.Context(), `UPDATE users SET is_active = 0 WHERE username = :1`, seed.MarketingUser); err != nil {
			t.Fatal(err)
		}
		res := e.login(t, "198.51.100.11", "marketing@octo-drone-shop.example", seed.MarketingPassword)
		if res.status != http.StatusUnauthorized || res.error().Code != "invalid_credentials" {
			t.Fatalf("%d %s, want 401 invalid_credentials", res.status, res.body)
		}
	})
}

func TestLoginSpendsTheSameHashWorkForUnknownAndKnownEmails(t *testing.T) {
	e := newEnv(t)
	if res := e.register(t, "timing@example.com", "the right password", "Timing"); res.status != http.StatusAccepted {
		t.Fatalf("register: %d %s", res.status, res.body)
	}
	e.hashes.take()
	wrong := e.login(t, "198.51.100.20", "timing@example.com", "the wrong password")
	argonAccount := e.hashes.take()
	bcrypt := e.login(t, "198.51.100.21", shopperEmail, "the wrong password") // seeded: a bcrypt hash
	bcryptAccount := e.hashes.take()
	unknown := e.login(t, "198.51.100.22", "nobody@example.com", "the wrong password")
	unknownEmail := e.hashes.take()
	if wrong.status != http.StatusUnauthorized || unknown.status != wrong.status || bcrypt.status != wrong.status {
		t.Fatalf("statuses %d, %d and %d, want 401 each", wrong.status, bcrypt.status, unknown.status)
	}
	if w, u := wrong.error(), unknown.error(); w.Code != u.Code || w.Message != u.Message || w.Code != "invalid_credentials" {
		t.Fatalf("wrong password %+v, unknown email %+v: want the same code and message", w, u)
	}
	want := map[identity.HashWork]int{identity.WorkArgon2id: 1, identity.WorkBcrypt: 1}
	for name, got := range map[string]map[identity.HashWork]int{"argon2id account": argonAccount, "bcrypt account": bcryptAccount, "unknown email": unknownEmail} {
		if !maps.Equal(got, want) {
			t.Errorf("%s: hash work %v, want %v", name, got, want)
		}
	}
}

func TestMe(t *testing.T) {
	e := newEnv(t)
	var id int64
	if err := e.db.QueryRowContext(t.Context(), `SELECT id FROM users WHERE username = :1`, seed.ShopperUser).Scan(&id); err != nil {
		t.Fatal(err)
	}
	t.Run("principal_header_gives_the_account", func(t *testing.T) {
		res := e.call(t, http.MethodGet, "/api/auth/me", "198.51.100.30", nil,
			map[string]string{gateway.PrincipalHeader: "user:" + strconv.FormatInt(id, 10), gateway.ScopesHeader: "customer"})
		var a auth.Account
		if err := json.Unmarshal(res.body, &a); err != nil || res.status != http.StatusOK {
			t.Fatalf("%d %s", res.status, res.body)
		}
		if a.ID != id || a.Email != shopperEmail || a.Name != "Jordan Blake" || a.CustomerID == nil || strings.Join(a.Scopes, " ") != "customer" {
			t.Fatalf("account %+v", a)
		}
		if strings.Contains(string(res.body), "password") {
			t.Fatalf("the answer mentions the password: %s", res.body)
		}
	})
	t.Run("external_principal_gets_principal_and_scopes", func(t *testing.T) {
		res := e.call(t, http.MethodGet, "/api/auth/me", "198.51.100.30", nil,
			map[string]string{gateway.PrincipalHeader: "oidc:ocid1.user.oc1..x", gateway.ScopesHeader: "customer staff"})
		if res.status != http.StatusOK || !strings.Contains(string(res.body), `"principal":"oidc:ocid1.user.oc1..x"`) {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
	t.Run("no_principal_is_401", func(t *testing.T) {
		if res := e.call(t, http.MethodGet, "/api/auth/me", "198.51.100.30", nil, nil); res.status != http.StatusUnauthorized {
			t.Fatalf("%d %s, want 401", res.status, res.body)
		}
	})
	t.Run("deleted_account_is_404", func(t *testing.T) {
		res := e.call(t, http.MethodGet, "/api/auth/me", "198.51.100.30", nil,
			map[string]string{gateway.PrincipalHeader: "user:999999", gateway.ScopesHeader: "customer"})
		if res.status != http.StatusNotFound {
			t.Fatalf("%d %s, want 404", res.status, res.body)
		}
	})
}

// securityEvents returns the brute_force rows of a source address: their count and summed events.
func securityEvents(t *testing.T, e *env, ip string) (rows, events int) {
	t.Helper()
	err := e.db.QueryRowContext(t.Context(), `SELECT COUNT(*), COALESCE(SUM(event_count), 0) FROM security_events WHERE attack_type = 'brute_force' AND source_ip = :1`, ip).
		Scan(&rows, &events)
	if err != nil {
		t.Fatal(err)
	}
	return rows, events
}
