package auth_test

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/functions/auth"
	"github.com/octo-drone-shop/serverless/shared/gateway"
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
	t.Run("new_email_creates_customer_and_account", func(t *testing.T) {
		res := e.register(t, "New.Pilot@Example.com", "a long enough password", "New Pilot")
		var a auth.Account
		if err := json.Unmarshal(res.body, &a); err != nil || res.status != http.StatusCreated || a.ID == 0 || a.CustomerID == nil || a.Role != "customer" {
			t.Fatalf("%d %s", res.status, res.body)
		}
		var name, email, hash string
		if err := e.db.QueryRowContext(t.Context(), `SELECT c.name, c.email, u.password_hash FROM customers c JOIN users u ON u.customer_id = c.id WHERE u.id = :1`, a.ID).
			Scan(&name, &email, &hash); err != nil {
			t.Fatal(err)
		}
		if name != "New Pilot" || email != "New.Pilot@Example.com" || !strings.HasPrefix(hash, "$argon2id$") {
			t.Fatalf("customer %q %q, hash %.20q", name, email, hash)
		}
	})
	t.Run("duplicate_email_is_409_case_insensitively", func(t *testing.T) {
		for _, email := range []string{"new.pilot@example.com", strings.ToUpper(shopperEmail)} {
			res := e.register(t, email, "another long password", "Someone")
			if res.status != http.StatusConflict || res.error().Code != "email_taken" {
				t.Errorf("%s: %d %s, want 409 email_taken", email, res.status, res.body)
			}
		}
	})
	t.Run("existing_customer_is_linked_and_keeps_its_details", func(t *testing.T) {
		const email = "avery.chen@skyline-survey.example"
		var id int64
		var before [3]string
		q := `SELECT id, name, company, phone FROM customers WHERE LOWER(email) = :1`
		if err := e.db.QueryRowContext(t.Context(), q, email).Scan(&id, &before[0], &before[1], &before[2]); err != nil {
			t.Fatal(err)
		}
		res := e.register(t, "  AVERY.CHEN@skyline-survey.example ", "a long enough password", "Imposter Name")
		var a auth.Account
		if err := json.Unmarshal(res.body, &a); err != nil || res.status != http.StatusCreated || a.CustomerID == nil || *a.CustomerID != id {
			t.Fatalf("%d %s, want 201 linked to customer %d", res.status, res.body, id)
		}
		var after [3]string
		var ignore int64
		if err := e.db.QueryRowContext(t.Context(), q, email).Scan(&ignore, &after[0], &after[1], &after[2]); err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatalf("customer changed from %q to %q", before, after)
		}
		var customers int
		if err := e.db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM customers WHERE LOWER(email) = :1`, email).Scan(&customers); err != nil || customers != 1 {
			t.Fatalf("%d customers with the email (%v), want 1", customers, err)
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
		{"seeded_admin_email_any_case", "ADMIN@octo-drone-shop.example", seed.AdminPassword, "customer staff admin", false},
		{"seeded_support_is_staff", "support@octo-drone-shop.example", seed.SupportPassword, "customer staff", false},
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

func TestLoginAnswersUnknownEmailLikeWrongPassword(t *testing.T) {
	e := newEnv(t)
	if res := e.register(t, "timing@example.com", "the right password", "Timing"); res.status != http.StatusCreated {
		t.Fatalf("register: %d %s", res.status, res.body)
	}
	wrong := e.login(t, "198.51.100.20", "timing@example.com", "the wrong password")
	unknown := e.login(t, "198.51.100.21", "nobody@example.com", "the wrong password")
	if wrong.status != http.StatusUnauthorized || unknown.status != wrong.status {
		t.Fatalf("statuses %d and %d, want 401 twice", wrong.status, unknown.status)
	}
	if w, u := wrong.error(), unknown.error(); w.Code != u.Code || w.Message != u.Message || w.Code != "invalid_credentials" {
		t.Fatalf("wrong password %+v, unknown email %+v: want the same code and message", w, u)
	}
	// Both must spend one password hash. Take the fastest of a few runs of each (load only ever makes
	// a run slower) and require them to be within a factor of 3: without the dummy hash the unknown
	// email answers about 30 times faster.
	fastest := func(email string, ipBase int) time.Duration {
		best := time.Hour
		for i := range 3 {
			start := time.Now()
			e.login(t, "198.51.100."+strconv.Itoa(ipBase+i), email, "the wrong password")
			best = min(best, time.Since(start))
		}
		return best
	}
	tw, tu := fastest("timing@example.com", 100), fastest("nobody@example.com", 110)
	if tu*3 < tw || tw*3 < tu {
		t.Fatalf("wrong password took %s, unknown email %s: an observer can tell them apart", tw, tu)
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
	var n sql.NullInt64
	err := e.db.QueryRowContext(t.Context(), `SELECT COUNT(*), SUM(event_count) FROM security_events WHERE attack_type = 'brute_force' AND source_ip = :1`, ip).
		Scan(&rows, &n)
	if err != nil {
		t.Fatal(err)
	}
	return rows, int(n.Int64)
}
