package gateway

import (
	"math"
	"sync"
	"time"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// rateLimiter emulates API Gateway's rate-limiting policy with one token bucket per route and key
// (the client IP, or "" for a TOTAL limit). A bucket holds per_second tokens and refills at
// per_second tokens a second. Full buckets are dropped once a minute so the map stays bounded by
// the clients active in the last minute.
type rateLimiter struct {
	now func() time.Time

	mu        sync.Mutex
	buckets   map[bucketKey]*bucket
	lastPrune time.Time
}

type bucketKey struct {
	route, client string
}

type bucket struct {
	tokens float64
	at     time.Time
	rate   float64
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, buckets: map[bucketKey]*bucket{}, lastPrune: now()}
}

// allow takes a token for the client on route. When none is left it returns false and how long until
// one is. A route without a rate is never limited.
func (l *rateLimiter) allow(route manifest.BoundRoute, clientIP string) (bool, time.Duration) {
	if route.Rate == nil || route.Rate.PerSecond <= 0 {
		return true, 0
	}
	key := bucketKey{route: route.Pattern(), client: clientIP}
	if route.Rate.Key == "TOTAL" {
		key.client = ""
	}
	rate := float64(route.Rate.PerSecond)
	now := l.now()

	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastPrune) >= time.Minute {
		l.prune(now)
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: rate, at: now, rate: rate}
		l.buckets[key] = b
	}
	b.tokens = math.Min(rate, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
	return false, wait
}

// prune drops buckets that would be full by now: forgetting them changes nothing.
func (l *rateLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*b.rate >= b.rate {
			delete(l.buckets, k)
		}
	}
	l.lastPrune = now
}

// retryAfter renders a wait as a Retry-After value: whole seconds, rounded up, at least 1.
func retryAfter(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}
