package analyticsrollup

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

// BenchmarkRollup times a full rollup of 30 days of generated activity on the embedded database
// (make bench-analytics): the median of three runs from an empty rollup, per order count, so the
// growth is visible. Then the read routes' p50/p99 over that data.
func BenchmarkRollup(b *testing.B) {
	for _, orders := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("orders=%d", orders), func(b *testing.B) {
			d := dbtest.Open(b, dbtest.Options{Seed: true})
			ctx := context.Background()
			start := time.Now()
			res, err := seed.Activity(ctx, d.DB, seed.ActivityOptions{Days: 30, Orders: orders, Seed: 1, Now: genNow})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("generated in %s: %s", time.Since(start).Round(time.Millisecond), res)
			c := &clock{t: genNow.Add(time.Hour)}
			var runs []time.Duration
			var out Result
			b.ResetTimer()
			for range b.N {
				for range 3 {
					b.StopTimer()
					d.Exec(b, `DELETE FROM analytics_rollups`)
					d.Exec(b, `DELETE FROM analytics_rollup_state`)
					b.StartTimer()
					t0 := time.Now()
					if out, err = Rollup(ctx, d.DB, Options{Now: c.now}); err != nil || !out.CaughtUp {
						b.Fatalf("%+v %v", out, err)
					}
					runs = append(runs, time.Since(t0))
				}
			}
			b.StopTimer()
			slices.Sort(runs)
			b.ReportMetric(runs[len(runs)/2].Seconds(), "rollup-s")
			b.ReportMetric(float64(out.Rows), "rows")
			b.ReportMetric(float64(runs[len(runs)/2].Microseconds())/float64(orders), "µs/order")
			p50, p99 := readLatencies(b, d, c)
			b.ReportMetric(p50, "read-p50-ms")
			b.ReportMetric(p99, "read-p99-ms")
		})
	}
}

// readLatencies sends every report for 30 days by day and 7 days by hour, 20 times each, and
// returns the p50 and p99 in milliseconds.
func readLatencies(b *testing.B, d *dbtest.DB, c *clock) (float64, float64) {
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Now: c.now})
	if err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	for name := range reports {
		for _, q := range []string{
			"granularity=day&from=" + dayOf(genNow).Add(-29*24*time.Hour).Format(time.DateOnly),
			"granularity=hour&from=" + url.QueryEscape(genNow.Add(-7*24*time.Hour).Format(time.RFC3339)),
		} {
			for range 20 {
				req := httptest.NewRequest("GET", "/api/analytics/"+name+"?"+q, nil)
				req.Header.Set(gateway.PrincipalHeader, "user:1")
				req.Header.Set(gateway.ScopesHeader, "customer staff analytics")
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				lat = append(lat, time.Since(t0))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", req.URL, rec.Code, rec.Body)
				}
			}
		}
	}
	slices.Sort(lat)
	ms := func(p int) float64 { return float64(lat[(len(lat)-1)*p/100].Microseconds()) / 1000 }
	return ms(50), ms(99)
}
