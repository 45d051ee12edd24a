package auth_test

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/functions/auth"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/notify/notifytest"
)

// TestThrottleLocksBeforeItDecides runs a burst of wrong passwords for one (account, address) pair
// through a handler on SQLite's deferred transactions, where BEGIN locks nothing, as on Oracle under
// READ COMMITTED (ARCHITECTURE.md, "Concurrency on Oracle"): the throttle's first statement is a
// write on its row and its reads are FOR UPDATE, so exactly the limit's worth of passwords is checked
// and no attempt fails busy.
func TestThrottleLocksBeforeItDecides(t *testing.T) {
	e := newEnv(t)
	store := e.db.Deferred(t, 8)
	mail := notifytest.Config(t, t.TempDir())
	keyPEM, _ := identity.GenerateEd25519PEM()
	key, _ := identity.ParseSigningKeyPEM(keyPEM)
	issuer, err := identity.NewIssuer(key, identity.IssuerOptions{Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	e.h, err = auth.New(store, issuer, slog.New(slog.NewTextHandler(io.Discard, nil)), mail, nil, auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	outcomes := map[int]int{}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			res := e.login(t, "203.0.113.88", shopperEmail, "burst "+strconv.Itoa(i))
			mu.Lock()
			outcomes[res.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if outcomes[http.StatusUnauthorized] != auth.DefaultPairMax || outcomes[http.StatusTooManyRequests] != 12-auth.DefaultPairMax {
		t.Fatalf("outcomes %v: want %d checked (401) and the rest refused (429), none failing", outcomes, auth.DefaultPairMax)
	}
}
