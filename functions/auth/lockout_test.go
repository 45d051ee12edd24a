package auth_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/seed"
)

func TestLockoutPerAccount(t *testing.T) {
	e := newEnv(t)
	const attacker = "203.0.113.50"
	for i := range 5 {
		// Each failure from a different address: only the account counter can lock.
		ip := "203.0.113." + strconv.Itoa(60+i)
		if res := e.login(t, ip, shopperEmail, "guess number "+strconv.Itoa(i)); res.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s, want 401", i+1, res.status, res.body)
		}
	}
	res := e.login(t, attacker, shopperEmail, seed.ShopperPassword)
	if res.status != http.StatusTooManyRequests || res.error().Code != "login_locked" {
		t.Fatalf("after 5 failures, even the right password: %d %s, want 429 login_locked", res.status, res.body)
	}
	retry, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil || retry < 290 || retry > 300 {
		t.Fatalf("Retry-After %q, want about 300 seconds", res.header.Get("Retry-After"))
	}
	if rows, _ := securityEvents(t, e, attacker); rows != 1 {
		t.Fatalf("%d brute_force rows for the refused address, want 1", rows)
	}
	var details string
	if err := e.db.QueryRowContext(t.Context(), `SELECT details FROM security_events WHERE attack_type = 'brute_force' AND source_ip = :1`, attacker).Scan(&details); err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(details), &d); err != nil || d["counter"] != "account" || d["mitre_technique"] != "T1110 Brute Force" || d["account"] != shopperEmail {
		t.Fatalf("details %s (%v)", details, err)
	}
	// The fifth failure itself reached the limit and was recorded under its own address.
	if rows, _ := securityEvents(t, e, "203.0.113.64"); rows != 1 {
		t.Fatalf("%d brute_force rows for the fifth failure's address, want 1", rows)
	}

	e.clock.advance(time.Duration(retry-2) * time.Second)
	if res := e.login(t, attacker, shopperEmail, seed.ShopperPassword); res.status != http.StatusTooManyRequests {
		t.Fatalf("before Retry-After has passed: %d, want 429", res.status)
	}
	if _, events := securityEvents(t, e, attacker); events != 2 {
		t.Fatalf("%d brute_force events aggregated for the address, want 2", events)
	}
	e.clock.advance(3 * time.Second)
	if res := e.login(t, attacker, shopperEmail, seed.ShopperPassword); res.status != http.StatusOK {
		t.Fatalf("after Retry-After: %d %s, want 200", res.status, res.body)
	}
}

func TestLockoutPerAddress(t *testing.T) {
	e := newEnv(t)
	const sprayer = "203.0.113.80"
	// Four wrong passwords on four accounts, then the sprayer logs into its own account.
	for i := range 4 {
		if res := e.login(t, sprayer, "victim"+strconv.Itoa(i)+"@example.com", "Summer2026!pass"); res.status != http.StatusUnauthorized {
			t.Fatalf("spray %d: %d, want 401", i, res.status)
		}
	}
	if res := e.login(t, sprayer, shopperEmail, seed.ShopperPassword); res.status != http.StatusOK {
		t.Fatalf("own login: %d %s", res.status, res.body)
	}
	// The success did not reset the address counter: one more failure reaches 5.
	if res := e.login(t, sprayer, "victim4@example.com", "Summer2026!pass"); res.status != http.StatusUnauthorized {
		t.Fatalf("fifth failure: %d, want 401", res.status)
	}
	res := e.login(t, sprayer, "victim5@example.com", "Summer2026!pass")
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt from the address: %d %v, want 429 with Retry-After", res.status, res.header)
	}
	if rows, _ := securityEvents(t, e, sprayer); rows != 1 {
		t.Fatalf("%d brute_force rows for the sprayer, want 1", rows)
	}
	// Another address is not affected.
	if res := e.login(t, "198.51.100.99", "admin@octo-drone-shop.example", seed.AdminPassword); res.status != http.StatusOK {
		t.Fatalf("login from another address: %d", res.status)
	}
}

func TestOwnersTyposAreForgiven(t *testing.T) {
	e := newEnv(t)
	const home = "198.51.100.40"
	for round := range 2 {
		for i := range 4 {
			if res := e.login(t, home, shopperEmail, "typo "+strconv.Itoa(i)); res.status != http.StatusUnauthorized {
				t.Fatalf("round %d typo %d: %d, want 401", round, i, res.status)
			}
		}
		res := e.login(t, home, shopperEmail, seed.ShopperPassword)
		if res.status != http.StatusOK {
			t.Fatalf("round %d: %d %s; a customer who mistyped 4 times and then succeeded must never be locked", round, res.status, res.body)
		}
	}
	var attempts int
	if err := e.db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM login_attempts WHERE source_ip = :1`, home).Scan(&attempts); err != nil || attempts != 0 {
		t.Fatalf("%d attempts left for the owner's address (%v), want 0", attempts, err)
	}
	if rows, _ := securityEvents(t, e, home); rows != 0 {
		t.Fatalf("%d brute_force rows for a customer's typos, want 0", rows)
	}
}

func TestLockoutCountsUnknownEmailsToo(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		e.login(t, "203.0.113."+strconv.Itoa(100+i), "ghost@example.com", "whatever password")
	}
	res := e.login(t, "203.0.113.120", "GHOST@example.com", "whatever password")
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.error().Message, "too many") {
		t.Fatalf("unknown email after 5 failures: %d %s; it must lock like a real account, or the lockout reveals which emails exist", res.status, res.body)
	}
}
