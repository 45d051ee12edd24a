package analyticsrollup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// The range a read may ask for: at most MaxHourBuckets hours or MaxDayBuckets days.
const (
	MaxHourBuckets = 31 * 24
	MaxDayBuckets  = 366
)

const (
	readFamilySQL = `SELECT bucket_start, metric, dimension, metric_value FROM analytics_rollups
WHERE granularity = :1 AND bucket_start >= :2 AND bucket_start < :3 AND metric LIKE :4
ORDER BY bucket_start, metric, dimension`
	readOverviewSQL = `SELECT bucket_start, metric, dimension, metric_value FROM analytics_rollups
WHERE granularity = :1 AND bucket_start >= :2 AND bucket_start < :3 AND dimension = 'all'
ORDER BY bucket_start, metric, dimension`
	readCompleteSQL = `SELECT complete_through FROM analytics_rollup_state WHERE job = :1`
)

// reports maps each read route's report to its metric family (the metric names' prefix); the
// overview is every family's total instead.
var reports = map[string]string{
	"overview": "", "sales": "sales.", "products": "products.", "funnel": "funnel.",
	"page-load": "page_load.", "leads": "leads.", "security": "security.",
}

// Report is a read route's answer: one entry per bucket from From up to To (or now), each with its
// figures by metric and dimension. Live buckets were computed from the base tables on this request
// (the rollup has not completed them yet).
type Report struct {
	Report          string     `json:"report"`
	Granularity     string     `json:"granularity"`
	From            time.Time  `json:"from"`
	To              time.Time  `json:"to"`
	CompleteThrough *time.Time `json:"complete_through"`
	Buckets         []Bucket   `json:"buckets"`
}

// Bucket is one hour or day of a Report.
type Bucket struct {
	Start   time.Time                     `json:"start"`
	Live    bool                          `json:"live"`
	Metrics map[string]map[string]float64 `json:"metrics"`
}

// query is a read's validated parameters.
type query struct {
	granularity string
	step        time.Duration
	from, to    time.Time
}

// parseQuery validates from, to (RFC 3339 or YYYY-MM-DD) and granularity, and aligns the range to
// whole buckets: from down, to up. Defaults: granularity day, to now, from 7 days (24 hours) before.
func parseQuery(op string, q url.Values, now time.Time) (query, error) {
	for k, v := range q {
		if k != "from" && k != "to" && k != "granularity" {
			return query{}, apperr.E(op, apperr.Invalid, "unknown parameter "+strconv.Quote(k)+": from, to and granularity are accepted")
		}
		if len(v) != 1 {
			return query{}, apperr.E(op, apperr.Invalid, k+" must be given once")
		}
	}
	p := query{granularity: q.Get("granularity"), step: 24 * time.Hour}
	maxBuckets := MaxDayBuckets
	switch p.granularity {
	case "", "day":
		p.granularity = "day"
	case "hour":
		p.step, maxBuckets = time.Hour, MaxHourBuckets
	default:
		return query{}, apperr.E(op, apperr.Invalid, "granularity must be hour or day")
	}
	var err error
	if p.to, err = parseTime(op, "to", q.Get("to"), now); err != nil {
		return query{}, err
	}
	def := p.to.Add(-7 * 24 * time.Hour)
	if p.granularity == "hour" {
		def = p.to.Add(-24 * time.Hour)
	}
	if p.from, err = parseTime(op, "from", q.Get("from"), def); err != nil {
		return query{}, err
	}
	p.from = p.from.Truncate(p.step)
	if up := p.to.Truncate(p.step); !up.Equal(p.to) {
		p.to = up.Add(p.step)
	}
	if !p.from.Before(p.to) {
		return query{}, apperr.E(op, apperr.Invalid, "from must be before to")
	}
	if n := p.to.Sub(p.from) / p.step; n > time.Duration(maxBuckets) {
		return query{}, apperr.E(op, apperr.Invalid, fmt.Sprintf("at most %d %s buckets per request", maxBuckets, p.granularity))
	}
	return p, nil
}

func parseTime(op, name, v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, apperr.E(op, apperr.Invalid, name+" must be an RFC 3339 time or a YYYY-MM-DD date")
}

// report serves GET /api/analytics/{name}.
func (s *Service) report(name string) web.HandlerFunc {
	family := reports[name]
	op := "analytics." + name
	return func(w http.ResponseWriter, r *http.Request) error {
		// The gateway admits staff holding the analytics permission; the function checks again rather
		// than trust the route alone.
		who, err := identity.FromRequest(r)
		if err != nil {
			return err
		}
		if !who.HasScope(manifest.Staff) || !who.HasPermission(manifest.Analytics) {
			return apperr.E(op, apperr.Forbidden, "analytics need the analytics permission")
		}
		values, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return apperr.E(op, apperr.Invalid, "malformed query string")
		}
		p, err := parseQuery(op, values, s.now())
		if err != nil {
			return err
		}
		rep, err := s.read(r.Context(), name, family, p)
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		w.Header().Set("Cache-Control", "no-store")
		web.JSON(w, http.StatusOK, rep)
		return nil
	}
}

// read answers from the rollups for the buckets the rollup completed, and computes the others
// live: at most three statements whatever the range (the state, the rollups, the live facts).
func (s *Service) read(ctx context.Context, name, family string, p query) (Report, error) {
	now := s.now().UTC()
	rep := Report{Report: name, Granularity: p.granularity, From: p.from, To: p.to}
	var complete *time.Time
	if err := s.db.QueryRowContext(ctx, readCompleteSQL, job).Scan(&complete); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Report{}, fmt.Errorf("read state: %w", err)
	}
	rep.CompleteThrough = complete
	// Buckets that end by complete_through come from the rollups.
	rolled := p.from
	if complete != nil {
		rolled = latest(p.from, earliest(p.to, complete.UTC().Truncate(p.step)))
	}
	end := earliest(p.to, now.Truncate(p.step).Add(p.step))
	byStart := map[time.Time]*Bucket{}
	for t := p.from; t.Before(end); t = t.Add(p.step) {
		rep.Buckets = append(rep.Buckets, Bucket{Start: t, Live: !t.Before(rolled), Metrics: map[string]map[string]float64{}})
	}
	for i := range rep.Buckets {
		byStart[rep.Buckets[i].Start] = &rep.Buckets[i]
	}
	if rolled.After(p.from) {
		q, args := readFamilySQL, []any{p.granularity, p.from, rolled, family + "%"}
		if family == "" {
			q, args = readOverviewSQL, args[:3]
		}
		if err := each(ctx, s.db, q, args, func(rows *sql.Rows) error {
			var start time.Time
			var m metric
			var v float64
			if err := rows.Scan(&start, &m.Metric, &m.Dimension, &v); err != nil {
				return err
			}
			if b := byStart[start.UTC()]; b != nil {
				put(b, family, m.Metric, m.Dimension, v)
			}
			return nil
		}); err != nil {
			return Report{}, fmt.Errorf("read rollups: %w", err)
		}
	}
	if rolled.Before(end) {
		f, err := loadFacts(ctx, s.db, rolled, end)
		if err != nil {
			return Report{}, err
		}
		b := newBucketer(rolled, p.step, int(end.Sub(rolled)/p.step))
		compute(f, b)
		for i, a := range b.aggs {
			out := byStart[rolled.Add(time.Duration(i)*p.step)]
			for _, m := range a.metrics() {
				if (family == "" && m.Dimension == all) || (family != "" && strings.HasPrefix(m.Metric, family)) {
					v, err := strconv.ParseFloat(m.Value, 64)
					if err != nil {
						return Report{}, err
					}
					put(out, family, m.Metric, m.Dimension, v)
				}
			}
		}
	}
	return rep, nil
}

func put(b *Bucket, family, metric, dim string, v float64) {
	name := strings.TrimPrefix(metric, family)
	if b.Metrics[name] == nil {
		b.Metrics[name] = map[string]float64{}
	}
	b.Metrics[name][dim] = v
}
