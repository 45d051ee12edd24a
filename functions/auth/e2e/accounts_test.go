package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// TestMain builds every function of the bundle so the gateway runs the real binaries.
func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }

type stack struct {
	*stacktest.Stack
	t *testing.T
}

// answer is one response: status, headers and the decoded JSON body.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// from returns a client whose connections come from the loopback address ip, which the gateway
// passes to the functions as the client address.
func from(ip string) *http.Client {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

func (s stack) do(c *http.Client, method, path, bearer string, body any) answer {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(s.t.Context(), method, s.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

func (a answer) str(key string) string { s, _ := a.body[key].(string); return s }

// token waits (the notifier's kick runs after the answer) for a new message to addr whose subject
// contains subject, and returns the token= parameter of its link.
func (s stack) token(addr, subject string, seen map[string]bool) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(s.DataDir, "mail", "*.eml"))
		for _, f := range files {
			if seen[f] {
				continue
			}
			raw, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			m := string(raw)
			if !strings.Contains(m, "To: <"+addr+">") || !strings.Contains(m, subject) {
				continue
			}
			seen[f] = true
			_, rest, ok := strings.Cut(m, "?token=")
			if !ok {
				s.t.Fatalf("no token link in %s", f)
			}
			return rest[:strings.IndexAny(rest, "\r\n")]
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("no %q mail to %s in %s/mail", subject, addr, s.DataDir)
	return ""
}

// TestAccounts runs the account scenarios on one stack (each starts every function): they touch
// different accounts and addresses.
func TestAccounts(t *testing.T) {
	st := stacktest.Start(t, stacktest.Options{})
	t.Run("takeover_is_gone_and_sessions_work", func(t *testing.T) { takeoverAndSessions(t, stack{Stack: st, t: t}) })
	t.Run("guest_checkout_shows_nothing_to_an_unverified_account", func(t *testing.T) { guestCheckout(t, stack{Stack: st, t: t}) })
	t.Run("six_wrong_passwords_from_one_address_do_not_stop_the_owner", func(t *testing.T) { ownerNotLockedOut(t, stack{Stack: st, t: t}) })
}

func takeoverAndSessions(t *testing.T, s stack) {
	c := from("127.0.0.1")
	seen := map[string]bool{}
	const avery = "avery.chen@skyline-survey.example"
	averyOrders := s.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE LOWER(c.email) = :1`, avery)
	var want int
	if err := averyOrders.Scan(&want); err != nil || want == 0 {
		t.Fatalf("the seed gives Avery no orders (%v)", err)
	}

	// Registering an existing customer's email shows nothing of theirs...
	if a := s.do(c, "POST", "/api/auth/register", "", map[string]string{"email": avery, "password": "a long passphrase", "name": "Someone"}); a.status != http.StatusAccepted {
		t.Fatalf("register: %d %s", a.status, a.raw)
	}
	verifyToken := s.token(avery, "Confirm your email", seen)
	login := s.do(c, "POST", "/api/auth/login", "", map[string]string{"email": avery, "password": "a long passphrase"})
	if login.status != http.StatusOK || login.str("refresh_token") == "" || !strings.Contains(login.header.Get("Set-Cookie"), "HttpOnly") ||
		login.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("login: %d %s %v", login.status, login.raw, login.header)
	}
	access := login.str("access_token")
	if a := s.do(c, "GET", "/api/orders", access, nil); a.status != http.StatusOK || len(a.body["items"].([]any)) != 0 {
		t.Fatalf("orders before verification: %d %s, want none", a.status, a.raw)
	}
	// ... until the mailed link is followed: then the history appears.
	if a := s.do(c, "POST", "/api/auth/verify", access, map[string]string{"token": verifyToken}); a.status != http.StatusOK {
		t.Fatalf("verify: %d %s", a.status, a.raw)
	}
	if a := s.do(c, "GET", "/api/orders", access, nil); a.status != http.StatusOK || len(a.body["items"].([]any)) != want {
		t.Fatalf("orders after verification: %d %s, want %d", a.status, a.raw, want)
	}

	// Refresh rotation, and reuse detection.
	first := login.str("refresh_token")
	second := s.do(c, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": first})
	if second.status != http.StatusOK || second.str("refresh_token") == first {
		t.Fatalf("refresh: %d %s", second.status, second.raw)
	}
	// A browser sends the cookie alone, no body.
	req, _ := http.NewRequestWithContext(t.Context(), "POST", s.URL+"/api/auth/refresh", nil)
	req.AddCookie(&http.Cookie{Name: "octo_refresh", Value: second.str("refresh_token")})
	res, err := c.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("refresh by cookie: %v %v", res.StatusCode, err)
	}
	var byCookie map[string]any
	_ = json.NewDecoder(res.Body).Decode(&byCookie)
	res.Body.Close()
	second = answer{status: res.StatusCode, body: byCookie}
	if a := s.do(c, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": first}); a.status != http.StatusUnauthorized {
		t.Fatalf("reused refresh token: %d %s", a.status, a.raw)
	}
	if a := s.do(c, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": second.str("refresh_token")}); a.status != http.StatusUnauthorized {
		t.Fatalf("the family's newest token after the reuse: %d %s", a.status, a.raw)
	}

	// Logout.
	session := s.do(c, "POST", "/api/auth/login", "", map[string]string{"email": avery, "password": "a long passphrase"})
	if a := s.do(c, "POST", "/api/auth/logout", "", map[string]string{"refresh_token": session.str("refresh_token")}); a.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", a.status, a.raw)
	}
	if a := s.do(c, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": session.str("refresh_token")}); a.status != http.StatusUnauthorized {
		t.Fatalf("refresh after logout: %d", a.status)
	}

	// Forgot and reset: every session ends.
	kept := s.do(c, "POST", "/api/auth/login", "", map[string]string{"email": avery, "password": "a long passphrase"})
	if a := s.do(c, "POST", "/api/auth/password/forgot", "", map[string]string{"email": avery}); a.status != http.StatusAccepted {
		t.Fatalf("forgot: %d %s", a.status, a.raw)
	}
	reset := s.token(avery, "Reset your", seen)
	if a := s.do(c, "POST", "/api/auth/password/reset", "", map[string]string{"token": reset, "password": "a newer passphrase"}); a.status != http.StatusOK {
		t.Fatalf("reset: %d %s", a.status, a.raw)
	}
	if a := s.do(c, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": kept.str("refresh_token")}); a.status != http.StatusUnauthorized {
		t.Fatalf("a session from before the reset: %d", a.status)
	}
	if a := s.do(c, "POST", "/api/auth/login", "", map[string]string{"email": avery, "password": "a newer passphrase"}); a.status != http.StatusOK {
		t.Fatalf("login with the new password: %d %s", a.status, a.raw)
	}
}

func guestCheckout(t *testing.T, s stack) {
	c := from("127.0.0.2")
	const email = "fresh.flyer@example.com"
	s.do(c, "POST", "/api/auth/register", "", map[string]string{"email": email, "password": "a long passphrase", "name": "Fresh Flyer"})
	access := s.do(c, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": "a long passphrase"}).str("access_token")

	cart := s.do(c, "POST", "/api/carts", "", nil).str("cart_id")
	if a := s.do(c, "POST", "/api/carts/"+cart+"/items", "", map[string]any{"product_id": 1, "quantity": 1}); a.status >= 300 {
		t.Fatalf("add to cart: %d %s", a.status, a.raw)
	}
	req, _ := http.NewRequestWithContext(context.Background(), "POST", s.URL+"/api/checkout", strings.NewReader(`{"cart_id":"`+cart+`",`+
		`"customer":{"name":"Anyone","email":"FRESH.FLYER@example.com"},"shipping_address":"1 Main St","payment_method":"card"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "e2e-guest-checkout-1")
	res, err := c.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("guest checkout: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	s.token("FRESH.FLYER@example.com", "Your OCTO Drone Shop order", map[string]bool{}) // the confirmation is mailed
	if a := s.do(c, "GET", "/api/orders", access, nil); a.status != http.StatusOK || len(a.body["items"].([]any)) != 0 {
		t.Fatalf("the unverified account sees the guest order: %d %s", a.status, a.raw)
	}
}

func ownerNotLockedOut(t *testing.T, s stack) {
	attacker, owner := from("127.0.0.66"), from("127.0.0.77")
	const shopper = "jordan.blake@example.com"
	var last answer
	for range 6 {
		last = s.do(attacker, "POST", "/api/auth/login", "", map[string]string{"email": shopper, "password": "not the password"})
	}
	if last.status != http.StatusTooManyRequests {
		t.Fatalf("sixth wrong password from one address: %d %s, want 429", last.status, last.raw)
	}
	if a := s.do(owner, "POST", "/api/auth/login", "", map[string]string{"email": shopper, "password": seed.ShopperPassword}); a.status != http.StatusOK {
		t.Fatalf("the owner from another address: %d %s", a.status, a.raw)
	}
}
