package analyticsrollup

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// Metric names: a family prefix (the read route serving it) and the figure. Dimension "all" is the
// total; otherwise the dimension is the value grouped by (status, region, category, product id,
// page, campaign id or "none", attack type, severity).
const (
	mOrders            = "sales.orders"
	mRevenue           = "sales.revenue"
	mOrdersByStatus    = "sales.orders_by_status"
	mRevenueByStatus   = "sales.revenue_by_status"
	mOrdersByRegion    = "sales.orders_by_region"
	mRevenueByRegion   = "sales.revenue_by_region"
	mOrdersByCategory  = "sales.orders_by_category"
	mRevenueByCategory = "sales.revenue_by_category"
	mProductUnits      = "products.units"
	mProductRevenue    = "products.revenue"
	mSessions          = "funnel.sessions"
	mCartSessions      = "funnel.cart_sessions"
	mFunnelOrders      = "funnel.orders"
	mDelivered         = "funnel.delivered"
	mViewsByRegion     = "page_load.views_by_region"
	mP50ByRegion       = "page_load.p50_ms_by_region"
	mP95ByRegion       = "page_load.p95_ms_by_region"
	mViewsByPage       = "page_load.views_by_page"
	mP50ByPage         = "page_load.p50_ms_by_page"
	mP95ByPage         = "page_load.p95_ms_by_page"
	mLeads             = "leads.leads"
	mLeadsByCampaign   = "leads.by_campaign"
	mLeadsByStatus     = "leads.by_status"
	mEvents            = "security.events"
	mEventsByType      = "security.by_type"
	mEventsBySeverity  = "security.by_severity"
)

// all is the dimension of a total.
const all = "all"

// dimensionBytes is analytics_rollups.dimension's size: a longer page is cut (at a character).
const dimensionBytes = 128

// metric is one rollup row's figure: Value is decimal text (cents as 0.00, percentiles as 0.00).
type metric struct {
	Metric, Dimension, Value string
}

type key struct{ metric, dim string }

// agg accumulates one bucket.
type agg struct {
	n        map[key]int64
	cents    map[key]money.Cents
	sessions map[string]struct{}
	catOrder map[key]map[int64]struct{}
	loads    map[key][]int64
}

func newAgg() *agg {
	return &agg{n: map[key]int64{}, cents: map[key]money.Cents{}, sessions: map[string]struct{}{},
		catOrder: map[key]map[int64]struct{}{}, loads: map[key][]int64{}}
}

// earns reports whether an order's amount counts as revenue: not cancelled or refunded.
func earns(status string) bool { return status != "cancelled" && status != "refunded" }

// bucketer assigns times to the buckets from start, of size step, count of them.
type bucketer struct {
	start time.Time
	step  time.Duration
	aggs  []*agg
}

func newBucketer(start time.Time, step time.Duration, count int) *bucketer {
	b := &bucketer{start: start, step: step, aggs: make([]*agg, count)}
	for i := range b.aggs {
		b.aggs[i] = newAgg()
	}
	return b
}

func (b *bucketer) at(t time.Time) *agg {
	if t.Before(b.start) {
		return nil
	}
	i := int(t.Sub(b.start) / b.step)
	if i >= len(b.aggs) {
		return nil
	}
	return b.aggs[i]
}

// compute adds every fact to its bucket in each bucketer (an hour and its day, say).
func compute(f *facts, bs ...*bucketer) {
	status := make(map[int64]string, len(f.orders))
	for _, o := range f.orders {
		status[o.id] = o.status
	}
	for _, b := range bs {
		for _, o := range f.orders {
			if a := b.at(o.at); a != nil {
				a.n[key{mOrders, all}]++
				a.n[key{mOrdersByStatus, o.status}]++
				a.cents[key{mRevenueByStatus, o.status}] += o.total
				a.n[key{mOrdersByRegion, o.region}]++
				a.n[key{mFunnelOrders, all}]++
				if o.status == "delivered" {
					a.n[key{mDelivered, all}]++
				}
				if earns(o.status) {
					a.cents[key{mRevenue, all}] += o.total
					a.cents[key{mRevenueByRegion, o.region}] += o.total
				}
			}
		}
		for _, i := range f.items {
			if a := b.at(i.at); a != nil {
				k := key{mOrdersByCategory, i.category}
				if a.catOrder[k] == nil {
					a.catOrder[k] = map[int64]struct{}{}
				}
				a.catOrder[k][i.order] = struct{}{}
				if earns(status[i.order]) {
					p := strconv.FormatInt(i.product, 10)
					a.cents[key{mRevenueByCategory, i.category}] += i.total
					a.n[key{mProductUnits, p}] += i.qty
					a.cents[key{mProductRevenue, p}] += i.total
				}
			}
		}
		for _, v := range f.views {
			if a := b.at(v.at); a != nil {
				if v.session != "" {
					a.sessions[v.session] = struct{}{}
				}
				page := db.CutBytes(v.page, dimensionBytes)
				a.n[key{mViewsByRegion, v.region}]++
				a.n[key{mViewsByPage, page}]++
				if v.loadMS >= 0 {
					a.loads[key{mP50ByRegion, v.region}] = append(a.loads[key{mP50ByRegion, v.region}], v.loadMS)
					a.loads[key{mP50ByPage, page}] = append(a.loads[key{mP50ByPage, page}], v.loadMS)
				}
			}
		}
		for _, at := range f.carts {
			if a := b.at(at); a != nil {
				a.n[key{mCartSessions, all}]++
			}
		}
		for _, l := range f.leads {
			if a := b.at(l.at); a != nil {
				c := "none"
				if l.campaign != 0 {
					c = strconv.FormatInt(l.campaign, 10)
				}
				a.n[key{mLeads, all}]++
				a.n[key{mLeadsByCampaign, c}]++
				a.n[key{mLeadsByStatus, l.status}]++
			}
		}
		for _, e := range f.incidents {
			if a := b.at(e.at); a != nil {
				a.n[key{mEvents, all}] += e.count
				a.n[key{mEventsByType, e.kind}] += e.count
				a.n[key{mEventsBySeverity, e.severity}] += e.count
			}
		}
	}
}

// metrics returns the bucket's rows, sorted by metric and dimension. Absent figures have no row:
// an hour without orders has no sales rows (a reader takes absence as zero).
func (a *agg) metrics() []metric {
	var out []metric
	for k, v := range a.n {
		out = append(out, metric{k.metric, k.dim, strconv.FormatInt(v, 10)})
	}
	for k, v := range a.cents {
		out = append(out, metric{k.metric, k.dim, v.String()})
	}
	if len(a.sessions) > 0 {
		out = append(out, metric{mSessions, all, strconv.Itoa(len(a.sessions))})
	}
	for k, s := range a.catOrder {
		out = append(out, metric{k.metric, k.dim, strconv.Itoa(len(s))})
	}
	for k, vals := range a.loads {
		slices.Sort(vals)
		p95 := mP95ByRegion
		if k.metric == mP50ByPage {
			p95 = mP95ByPage
		}
		out = append(out, metric{k.metric, k.dim, percentile(vals, 50)}, metric{p95, k.dim, percentile(vals, 95)})
	}
	slices.SortFunc(out, func(x, y metric) int {
		if c := strings.Compare(x.Metric, y.Metric); c != 0 {
			return c
		}
		return strings.Compare(x.Dimension, y.Dimension)
	})
	return out
}

// percentile is PERCENTILE_CONT(pct/100) of sorted values, exactly, as decimal text with two places:
// the rank pct*(n-1)/100 has a fractional part in hundredths, so the interpolation is exact in
// integers (hundredths of a millisecond).
func percentile(sorted []int64, pct int64) string {
	n := int64(len(sorted))
	r := pct * (n - 1)
	lo, frac := r/100, r%100
	v := sorted[lo] * 100
	if frac > 0 {
		v += frac * (sorted[lo+1] - sorted[lo])
	}
	return strconv.FormatInt(v/100, 10) + "." + pad2(v%100)
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
