// Package analyticsrollup is the analytics function: an hourly scheduled rollup of the shop's
// activity into analytics_rollups, and the dashboards' read routes served from it.
//
//	POST /_invoke                    (Resource Scheduler, hourly) -> Result
//	GET  /api/analytics/{report}     staff; report = overview, sales, products, funnel, page-load,
//	                                 leads, security; ?from&to&granularity=hour|day
//
// What is rolled up, per UTC hour and day (metrics.go names every metric): orders and revenue by
// status, region and category; units and revenue per product; the funnel (sessions with a page view,
// carts holding items, orders, orders now delivered); page load p50/p95 (PERCENTILE_CONT, exact,
// computed in Go from the bucket's values) and views by region and page; leads by campaign and status;
// security events (their counts) by type and severity. Revenue is the orders' totals except cancelled
// and refunded orders. Every row lands in the bucket of its creation time (a security event's window).
//
// Decisions:
//   - Computed in Go from the base rows of one day at a time (one statement per day, one consistent
//     snapshot on Oracle: facts.go), so a day's distinct sessions and percentiles are exact, both
//     dialects give the same figures, and a day's 24 hours and the day itself come from one read. The next day is read while a day is written.
//   - Idempotent: under the lock a chunk reads its buckets' rows, inserts the figures that have no
//     row, MERGEs (on ux_analytics_rollups_key) those whose value changed and deletes those that fell
//     to nothing. Running a bucket again gives the same rows, and writes none.
//   - Catch-up: analytics_rollup_state.complete_through is the end of the last complete hour rolled
//     up; a run rolls day by day from there to the last hour that ended Settle ago, one transaction per
//     day that also advances complete_through, so a run out of budget resumes where it stopped. The
//     first run starts at the day of the earliest activity. A day's bucket is written when it is whole.
//   - Late changes: rows whose updated_at moved since changes_through (orders cancelled or delivered
//     later, carts filled later, leads qualified, security windows counted up) mark their creation
//     day, and those days are rolled again before the catch-up. This relies on every change setting
//     updated_at (the bundle's convention) and committing within Settle of it.
//   - Singleton: a lock row (owner, expiry) taken by one conditional UPDATE; each day's transaction
//     starts by renewing it (an UPDATE that locks the row to the commit), so two runs never write at
//     once and a run whose lease expired and was taken over stops.
//   - Reads: buckets that end by complete_through come from the rollups; later ones (the current,
//     incomplete bucket, or all when the rollup is behind) are computed live with the same code, so
//     a live figure is the one the rollup will store. At most 744 hours or 366 days per request.
package analyticsrollup

import (
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "analytics-rollup"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// reserve is the invocation time left unused by a scheduled run, for the answer and the spans.
const reserve = 30 * time.Second

// Build is the function's composition: under OCI Functions (a resource principal is present) the
// KPIs also go to OCI Monitoring, unless OCTO_ANALYTICS_METRICS=off.
func Build(store *sql.DB, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	cfg := Config{}
	if getenv("OCI_RESOURCE_PRINCIPAL_VERSION") != "" && getenv("OCTO_ANALYTICS_METRICS") != "off" {
		pub, err := NewOCIMetrics(getenv("OCTO_ANALYTICS_METRICS_ENDPOINT"))
		if err != nil {
			return nil, err
		}
		cfg.Publisher = pub
	}
	return New(store, log, cfg)
}

// defaultBudget bounds a scheduled run when its context has no deadline.
const defaultBudget = 4 * time.Minute

// Service serves the function's routes and runs the rollup.
type Service struct {
	db  *sql.DB
	log *slog.Logger
	now func() time.Time
	pub Publisher
}

// Config is what New needs beyond the database.
type Config struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Publisher receives each scheduled run's last completed hour (OCI Monitoring); none when nil.
	Publisher Publisher
}

// New returns the function's handler.
func New(store *sql.DB, log *slog.Logger, cfg Config) (http.Handler, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Service{db: store, log: log, now: now, pub: cfg.Publisher}
	handlers := map[string]web.HandlerFunc{web.InvokePattern: s.invoke}
	for name := range reports {
		handlers["GET /api/analytics/"+name] = s.report(name)
	}
	return web.NewRouter(Declaration(), log, handlers)
}

// invoke runs the rollup for the scheduler (the body, the declared {"rollup":"hourly"}, is not read).
func (s *Service) invoke(w http.ResponseWriter, r *http.Request) error {
	budget := defaultBudget
	if dl, ok := r.Context().Deadline(); ok {
		budget = time.Until(dl) - reserve
	}
	res, err := Rollup(r.Context(), s.db, Options{Now: s.now, Budget: budget})
	if err != nil {
		return apperr.Wrap("analytics.Rollup", apperr.Unavailable, err)
	}
	if s.pub != nil && res.lastTotals != nil {
		// A failure answers 503 (the function's error alarm fires); the rollup itself is committed.
		if err := s.pub.Publish(r.Context(), res.lastHour, res.lastTotals); err != nil {
			return apperr.Wrap("analytics.Publish", apperr.Unavailable, err)
		}
		res.MetricsPosted = true
	}
	s.log.InfoContext(r.Context(), "analytics rollup", "skipped", res.Skipped, "days", res.Days, "rerolled", res.Rerolled,
		"rows", res.Rows, "caught_up", res.CaughtUp, "metrics_posted", res.MetricsPosted)
	web.JSON(w, http.StatusOK, res)
	return nil
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi): every report
// route, as the handler map above binds them, answers a Report.
var Contract = func() []contract.Operation {
	var ops []contract.Operation
	for name := range reports {
		ops = append(ops, contract.Operation{Route: "GET /api/analytics/" + name, Response: Report{},
			Query: []string{"granularity", "from", "to"}})
	}
	return ops
}()
