package gateway

import (
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// fakeClock is a settable clock for the rate limiter.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestRateLimiterTokenBucket(t *testing.T) {
	perIP := manifest.BoundRoute{Route: manifest.Route{Method: "POST", Path: "/api/carts", Rate: &manifest.Rate{PerSecond: 2}}}
	total := manifest.BoundRoute{Route: manifest.Route{Method: "POST", Path: "/api/leads", Rate: &manifest.Rate{PerSecond: 1, Key: "TOTAL"}}}
	unlimited := manifest.BoundRoute{Route: manifest.Route{Method: "GET", Path: "/api/products"}}

	type step struct {
		advance time.Duration
		route   manifest.BoundRoute
		ip      string
		allowed bool
		retry   int
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"burst of per_second passes then the bucket is empty", []step{
			{0, perIP, "a", true, 0}, {0, perIP, "a", true, 0}, {0, perIP, "a", false, 1},
		}},
		{"each client IP has its own bucket", []step{
			{0, perIP, "a", true, 0}, {0, perIP, "a", true, 0}, {0, perIP, "b", true, 0}, {0, perIP, "a", false, 1},
		}},
		{"tokens refill at per_second", []step{
			{0, perIP, "a", true, 0}, {0, perIP, "a", true, 0}, {0, perIP, "a", false, 1},
			{500 * time.Millisecond, perIP, "a", true, 0}, {0, perIP, "a", false, 1},
		}},
		{"a TOTAL limit is shared by every client", []step{
			{0, total, "a", true, 0}, {0, total, "b", false, 1}, {time.Second, total, "b", true, 0},
		}},
		{"a route without a rate is never limited", []step{
			{0, unlimited, "a", true, 0}, {0, unlimited, "a", true, 0}, {0, unlimited, "a", true, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
			l := newRateLimiter(clock.now)
			for i, s := range tt.steps {
				clock.advance(s.advance)
				ok, wait := l.allow(s.route, s.ip)
				if ok != s.allowed {
					t.Fatalf("step %d: allowed = %v, want %v", i, ok, s.allowed)
				}
				if !ok && retryAfter(wait) != s.retry {
					t.Errorf("step %d: Retry-After = %d, want %d", i, retryAfter(wait), s.retry)
				}
			}
		})
	}
}

func TestRateLimiterForgetsFullBuckets(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := newRateLimiter(clock.now)
	r := manifest.BoundRoute{Route: manifest.Route{Method: "POST", Path: "/api/carts", Rate: &manifest.Rate{PerSecond: 5}}}
	for _, ip := range []string{"a", "b", "c"} {
		l.allow(r, ip)
	}
	clock.advance(2 * time.Minute)
	l.allow(r, "d")
	if n := len(l.buckets); n != 1 {
		t.Errorf("%d buckets after a minute of idleness, want only the new client's", n)
	}
}
