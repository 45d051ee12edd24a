package auth_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/functions/auth"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

func TestSixWrongPasswordsFromOneAddressDoNotStopTheOwner(t *testing.T) {
	e := newEnv(t)
	const attacker, owner = "203.0.113.50", "198.51.100.77"
	for i := range 5 {
		if res := e.login(t, attacker, shopperEmail, "guess "+strconv.Itoa(i)); res.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i+1, res.status, res.body)
		}
	}
	res := e.login(t, attacker, shopperEmail, "guess 6")
	if res.status != http.StatusTooManyRequests || res.error().Code != "login_throttled" {
		t.Fatalf("sixth from the same address: %d %s, want 429 login_throttled", res.status, res.body)
	}
	if retry, _ := strconv.Atoi(res.header.Get("Retry-After")); retry < 890 || retry > 900 {
		t.Fatalf("Retry-After %q, want the rest of the 15-minute window", res.header.Get("Retry-After"))
	}
	if res := e.login(t, attacker, shopperEmail, seed.ShopperPassword); res.status != http.StatusTooManyRequests {
		t.Fatalf("the right password from the locked pair: %d, want 429", res.status)
	}
	tokens(t, e.login(t, owner, shopperEmail, seed.ShopperPassword))
	if rows, _ := securityEvents(t, e, attacker); rows != 1 {
		t.Fatalf("%d brute_force rows for the attacker, want 1", rows)
	}
	e.clock.advance(auth.DefaultWindow)
	if res := e.login(t, attacker, shopperEmail, "guess 7"); res.status != http.StatusUnauthorized {
		t.Fatalf("after the window: %d, want 401", res.status)
	}
}

func TestAnAddressSprayingAccountsIsLocked(t *testing.T) {
	e := newEnv(t)
	const sprayer = "203.0.113.9"
	for i := range auth.DefaultAddressMax {
		if res := e.login(t, sprayer, "user"+strconv.Itoa(i)+"@example.com", "Winter2026!"); res.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i+1, res.status, res.body)
		}
	}
	if res := e.login(t, sprayer, shopperEmail, seed.ShopperPassword); res.status != http.StatusTooManyRequests {
		t.Fatalf("the spraying address: %d, want 429", res.status)
	}
	tokens(t, e.login(t, "198.51.100.1", shopperEmail, seed.ShopperPassword))
}

func TestAnAccountAttackedFromEverywhereIsSlowedNeverLocked(t *testing.T) {
	e := newEnv(t)
	ip := 0
	next := func() string { ip++; return "203.0.113." + strconv.Itoa(ip) }
	for i := range auth.DefaultAccountFree {
		if res := e.login(t, next(), shopperEmail, "guess "+strconv.Itoa(i)); res.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i+1, res.status, res.body)
		}
	}
	// Past the free failures every attempt waits a backoff after the last failure, capped.
	maxRetry := 0
	for range 20 {
		res := e.login(t, next(), shopperEmail, "guess")
		if res.status != http.StatusTooManyRequests {
			t.Fatalf("within the backoff: %d %s", res.status, res.body)
		}
		retry, _ := strconv.Atoi(res.header.Get("Retry-After"))
		if retry < 1 || retry > int(auth.DefaultAccountMaxBackoff.Seconds()) {
			t.Fatalf("Retry-After %d, want 1..%v", retry, auth.DefaultAccountMaxBackoff)
		}
		maxRetry = max(maxRetry, retry)
		e.clock.advance(time.Duration(retry) * time.Second)
		if res := e.login(t, next(), shopperEmail, "guess"); res.status != http.StatusUnauthorized {
			t.Fatalf("after Retry-After: %d %s", res.status, res.body)
		}
	}
	if maxRetry != int(auth.DefaultAccountMaxBackoff.Seconds()) {
		t.Fatalf("the backoff reached %ds, want it to grow to its cap", maxRetry)
	}
	// The owner waits at most the cap, then signs in.
	e.clock.advance(auth.DefaultAccountMaxBackoff)
	tokens(t, e.login(t, "198.51.100.200", shopperEmail, seed.ShopperPassword))
}

func TestASuccessForgivesThePairButNotTheAddress(t *testing.T) {
	e := newEnv(t)
	const shared = "192.0.2.200" // an office NAT: the owner's typos and someone else's spraying
	for i := range auth.DefaultAddressMax - 1 {
		e.login(t, shared, "user"+strconv.Itoa(i)+"@example.com", "Winter2026!")
	}
	tokens(t, e.login(t, shared, shopperEmail, seed.ShopperPassword))
	if res := e.login(t, shared, "another@example.com", "Winter2026!"); res.status != http.StatusUnauthorized {
		t.Fatalf("twentieth failure: %d", res.status)
	}
	if res := e.login(t, shared, "more@example.com", "Winter2026!"); res.status != http.StatusTooManyRequests {
		t.Fatalf("the owner's success reset the address's count: %d, want 429", res.status)
	}
}

func TestAConcurrentBurstNeverPassesThePairLimit(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	checked := 0
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			res := e.login(t, "203.0.113.77", shopperEmail, "burst "+strconv.Itoa(i))
			if res.status == http.StatusUnauthorized {
				mu.Lock()
				checked++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if checked != auth.DefaultPairMax {
		t.Fatalf("%d passwords checked in a burst of 12, want exactly %d", checked, auth.DefaultPairMax)
	}
}
