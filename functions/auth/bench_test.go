package auth_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/functions/auth"
)

// BenchmarkLoginTimingGap times failed logins for an unknown email, an argon2id account and a bcrypt
// account (the seeded shopper), interleaved, through the real handler and database, and reports each
// one's mean and the largest gap to the unknown email's, in percent: what an observer timing logins
// could use to enumerate accounts. make bench runs it (bench/results/login-timing.txt). The throttle
// is opened wide so every attempt does its hash work.
func BenchmarkLoginTimingGap(b *testing.B) {
	wide := auth.Throttle{PairMax: 1 << 30, AddressMax: 1 << 30, AccountFree: 1 << 30}
	e := newEnvWith(b, auth.Options{Throttle: wide})
	if res := e.register(b, "argon@example.com", "the right password", "Argon"); res.status != http.StatusAccepted {
		b.Fatalf("register: %d %s", res.status, res.body)
	}
	kinds := []struct{ name, email string }{
		{"unknown", "nobody@example.com"},
		{"argon2id", "argon@example.com"},
		{"bcrypt", shopperEmail},
	}
	spent := make([]time.Duration, len(kinds))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		for k, kind := range kinds {
			start := time.Now()
			res := e.login(b, "198.18.0."+strconv.Itoa(1+i%250), kind.email, "the wrong password")
			spent[k] += time.Since(start)
			if res.status != http.StatusUnauthorized {
				b.Fatalf("%s: %d %s", kind.name, res.status, res.body)
			}
		}
	}
	b.StopTimer()
	n := float64(b.N)
	gap := 0.0
	for k, kind := range kinds {
		mean := float64(spent[k]) / n
		b.ReportMetric(mean/1e6, kind.name+"-ms/login")
		gap = max(gap, 100*abs(mean-float64(spent[0])/n)/(float64(spent[0])/n))
	}
	b.ReportMetric(gap, "max-gap-%")
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
