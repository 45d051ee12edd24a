package analyticsrollup

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

// figures maps "granularity bucket metric dimension" to a value; absence means zero.
type figures map[string]float64

func fkey(gran string, start time.Time, metric, dim string) string {
	return fmt.Sprintf("%s %s %s %s", gran, start.UTC().Format(time.RFC3339), metric, dim)
}

// stored reads every row of analytics_rollups.
func stored(t *testing.T, d *dbtest.DB) figures {
	t.Helper()
	out := figures{}
	if err := each(context.Background(), d, `SELECT granularity, bucket_start, metric, dimension, metric_value FROM analytics_rollups`, nil,
		func(r *rowsT) error {
			var gran, metric, dim string
			var start time.Time
			var v float64
			if err := r.Scan(&gran, &start, &metric, &dim, &v); err != nil {
				return err
			}
			out[fkey(gran, start, metric, dim)] = v
			return nil
		}); err != nil {
		t.Fatal(err)
	}
	return out
}

// The oracle: each figure computed directly from the base tables with SQL, bucket by bucket, and
// the percentiles by linear interpolation between the ordered values (PERCENTILE_CONT's definition).
var oracleQueries = []struct {
	sql     string
	metrics []string // one per value column after the dimension
}{
	{`SELECT 'all', COUNT(*), SUM(CASE WHEN status IN ('cancelled', 'refunded') THEN 0 ELSE total END) FROM orders
WHERE created_at >= :1 AND created_at < :2 HAVING COUNT(*) > 0`, []string{mOrders, mRevenue}},
	{`SELECT status, COUNT(*), SUM(total) FROM orders WHERE created_at >= :1 AND created_at < :2 GROUP BY status`,
		[]string{mOrdersByStatus, mRevenueByStatus}},
	{`SELECT COALESCE(region, 'unknown'), COUNT(*), SUM(CASE WHEN status IN ('cancelled', 'refunded') THEN 0 ELSE total END) FROM orders
WHERE created_at >= :1 AND created_at < :2 GROUP BY COALESCE(region, 'unknown')`, []string{mOrdersByRegion, mRevenueByRegion}},
	{`SELECT p.category, COUNT(DISTINCT o.id), SUM(CASE WHEN o.status IN ('cancelled', 'refunded') THEN 0 ELSE i.line_total END)
FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
WHERE o.created_at >= :1 AND o.created_at < :2 GROUP BY p.category`, []string{mOrdersByCategory, mRevenueByCategory}},
	{`SELECT CAST(i.product_id AS VARCHAR(20)), SUM(i.quantity), SUM(i.line_total) FROM order_items i JOIN orders o ON o.id = i.order_id
WHERE o.created_at >= :1 AND o.created_at < :2 AND o.status NOT IN ('cancelled', 'refunded') GROUP BY i.product_id`,
		[]string{mProductUnits, mProductRevenue}},
	{`SELECT 'all', COUNT(DISTINCT session_id) FROM page_views WHERE created_at >= :1 AND created_at < :2 HAVING COUNT(session_id) > 0`,
		[]string{mSessions}},
	{`SELECT 'all', COUNT(*) FROM carts c WHERE created_at >= :1 AND created_at < :2 AND EXISTS (SELECT 1 FROM cart_items i WHERE i.cart_id = c.id)
HAVING COUNT(*) > 0`, []string{mCartSessions}},
	{`SELECT 'all', COUNT(*), SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END) FROM orders WHERE created_at >= :1 AND created_at < :2
HAVING COUNT(*) > 0`, []string{mFunnelOrders, mDelivered}},
	{`SELECT COALESCE(region, 'unknown'), COUNT(*) FROM page_views WHERE created_at >= :1 AND created_at < :2 GROUP BY COALESCE(region, 'unknown')`,
		[]string{mViewsByRegion}},
	{`SELECT page, COUNT(*) FROM page_views WHERE created_at >= :1 AND created_at < :2 GROUP BY page`, []string{mViewsByPage}},
	{`SELECT 'all', COUNT(*) FROM leads WHERE created_at >= :1 AND created_at < :2 HAVING COUNT(*) > 0`, []string{mLeads}},
	{`SELECT COALESCE(CAST(campaign_id AS VARCHAR(20)), 'none'), COUNT(*) FROM leads WHERE created_at >= :1 AND created_at < :2
GROUP BY campaign_id`, []string{mLeadsByCampaign}},
	{`SELECT status, COUNT(*) FROM leads WHERE created_at >= :1 AND created_at < :2 GROUP BY status`, []string{mLeadsByStatus}},
	{`SELECT 'all', SUM(event_count) FROM security_events WHERE window_start >= :1 AND window_start < :2 HAVING COUNT(*) > 0`, []string{mEvents}},
	{`SELECT attack_type, SUM(event_count) FROM security_events WHERE window_start >= :1 AND window_start < :2 GROUP BY attack_type`,
		[]string{mEventsByType}},
	{`SELECT severity, SUM(event_count) FROM security_events WHERE window_start >= :1 AND window_start < :2 GROUP BY severity`,
		[]string{mEventsBySeverity}},
}

const oracleLoadsSQL = `SELECT COALESCE(region, 'unknown'), page, load_time_ms FROM page_views
WHERE created_at >= :1 AND created_at < :2 AND load_time_ms IS NOT NULL ORDER BY load_time_ms`

// direct computes every figure of the buckets of [from, to) from the base tables.
func direct(t *testing.T, d *dbtest.DB, gran string, from, to time.Time) figures {
	t.Helper()
	step := time.Hour
	if gran == "day" {
		step = 24 * time.Hour
	}
	out := figures{}
	ctx := context.Background()
	for s := from; s.Before(to); s = s.Add(step) {
		e := s.Add(step)
		for _, q := range oracleQueries {
			if err := each(ctx, d, q.sql, []any{s, e}, func(r *rowsT) error {
				var dim string
				vals := make([]float64, len(q.metrics))
				dest := []any{&dim}
				for i := range vals {
					dest = append(dest, &vals[i])
				}
				if err := r.Scan(dest...); err != nil {
					return err
				}
				for i, m := range q.metrics {
					out[fkey(gran, s, m, dim)] = vals[i]
				}
				return nil
			}); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
		groups := map[[2]string][]float64{}
		if err := each(ctx, d, oracleLoadsSQL, []any{s, e}, func(r *rowsT) error {
			var region, page string
			var ms float64
			if err := r.Scan(&region, &page, &ms); err != nil {
				return err
			}
			groups[[2]string{"region", region}] = append(groups[[2]string{"region", region}], ms)
			groups[[2]string{"page", page}] = append(groups[[2]string{"page", page}], ms)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for g, vals := range groups {
			out[fkey(gran, s, "page_load.p50_ms_by_"+g[0], g[1])] = percentileCont(vals, 0.5)
			out[fkey(gran, s, "page_load.p95_ms_by_"+g[0], g[1])] = percentileCont(vals, 0.95)
		}
	}
	return out
}

// percentileCont is Oracle's PERCENTILE_CONT over ascending values.
func percentileCont(v []float64, p float64) float64 {
	rn := p * float64(len(v)-1)
	lo, hi := math.Floor(rn), math.Ceil(rn)
	if lo == hi {
		return v[int(lo)]
	}
	return (hi-rn)*v[int(lo)] + (rn-lo)*v[int(hi)]
}

// sameFigures fails on every figure that differs (absence as zero), listing a few.
func sameFigures(t *testing.T, got, want figures) {
	t.Helper()
	var diffs []string
	for k := range union(got, want) {
		if math.Abs(got[k]-want[k]) > 0.006 {
			diffs = append(diffs, fmt.Sprintf("%s: rollup %v, base tables %v", k, got[k], want[k]))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Fatalf("%d figures differ, e.g.:\n%s", len(diffs), strings.Join(diffs[:min(len(diffs), 15)], "\n"))
	}
}

func union(a, b figures) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}
