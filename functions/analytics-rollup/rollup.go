package analyticsrollup

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Settle is how long after a time the rollup waits before taking rows up to it as final: an hour is
// rolled up once it ended Settle ago, and changes are read up to Settle ago. It is longer than any
// function's timeout (300 s), so a transaction that wrote a time commits before the rollup reads it.
const Settle = 6 * time.Minute

// The rollup's writes. Under the lock a chunk reads the rows its buckets hold, then inserts the
// figures that have no row, MERGEs (on ux_analytics_rollups_key) those whose value changed, and
// deletes the rows of figures that fell to nothing: running a bucket again changes nothing, and the
// rows of a bucket are updated in place (same ids). New rows go in as a plain multi-row INSERT: the
// embedded database runs a MERGE row by row, which made the first rollup of a month twice as slow;
// were the lock ever broken, a second writer's INSERT would collide on the unique index and its
// chunk roll back, so nothing is counted twice.
const (
	existingRollupsSQL = `SELECT id, granularity, bucket_start, metric, dimension, metric_value FROM analytics_rollups
WHERE granularity = :1 AND bucket_start >= :2 AND bucket_start < :3`
	insertRollupSQL = `INSERT INTO analytics_rollups (granularity, bucket_start, metric, dimension, metric_value, updated_at)
VALUES (:1, :2, :3, :4, :5, :6)`
	mergeRollupSQL = `MERGE INTO analytics_rollups r
USING (SELECT :1 AS granularity, :2 AS bucket_start, :3 AS metric, :4 AS dimension, :5 AS metric_value, :6 AS updated_at FROM dual) s
ON (r.granularity = s.granularity AND r.bucket_start = s.bucket_start AND r.metric = s.metric AND r.dimension = s.dimension)
WHEN MATCHED THEN UPDATE SET r.metric_value = s.metric_value, r.updated_at = s.updated_at
WHEN NOT MATCHED THEN INSERT (granularity, bucket_start, metric, dimension, metric_value, updated_at)
VALUES (s.granularity, s.bucket_start, s.metric, s.dimension, s.metric_value, s.updated_at)`
	deleteRollupSQL = `DELETE FROM analytics_rollups WHERE id = :1`
)

// The rows changed since the last run, by the time that places them in a bucket.
var changedSQL = []string{
	`SELECT created_at FROM orders WHERE updated_at >= :1 AND updated_at < :2 AND created_at < :3`,
	`SELECT created_at FROM carts WHERE updated_at >= :1 AND updated_at < :2 AND created_at < :3`,
	`SELECT created_at FROM leads WHERE updated_at >= :1 AND updated_at < :2 AND created_at < :3`,
	`SELECT window_start FROM security_events WHERE updated_at >= :1 AND updated_at < :2 AND window_start < :3`,
}

// Options adjusts a run.
type Options struct {
	// Now is the run's clock; time.Now when nil.
	Now func() time.Time
	// Budget bounds the run: no new day starts after it is spent (the run resumes next time); a run
	// always rolls at least one day, so it progresses whatever the budget.
	Budget time.Duration
	// Lease is how long the lock holds without renewal; 10 minutes when zero.
	Lease time.Duration
}

// Result says what a run did.
type Result struct {
	// Skipped is true when another run held the lock: this one did nothing.
	Skipped bool `json:"skipped"`
	// Days is the number of days (or the current day's complete hours) rolled up, Rerolled those
	// rolled again for changed rows, Rows the rows inserted, updated or deleted.
	Days     int   `json:"days"`
	Rerolled int   `json:"rerolled"`
	Rows     int64 `json:"rows"`
	// CaughtUp is false when the budget ran out first.
	CaughtUp        bool       `json:"caught_up"`
	CompleteThrough *time.Time `json:"complete_through"`
	// MetricsPosted is true when the last completed hour's KPIs went to the Publisher.
	MetricsPosted bool `json:"metrics_posted"`

	lastHour   time.Time
	lastTotals map[string]float64
}

// Rollup brings the rollups up to date: it re-rolls the days holding rows changed since the last
// run, then rolls up every complete hour (and complete day) not rolled up yet, a day per
// transaction, until caught up or out of budget. Only one run works at a time (the lock row).
func Rollup(ctx context.Context, d *db.DB, opts Options) (Result, error) {
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	lease := opts.Lease
	if lease <= 0 {
		lease = 10 * time.Minute
	}
	r := &run{d: d, owner: web.NewID(), clock: clock, lease: lease, deadline: clock().Add(opts.Budget)}
	if opts.Budget <= 0 {
		r.deadline = clock().Add(24 * time.Hour)
	}
	ok, err := lock(ctx, d, r.owner, clock(), clock().Add(lease))
	if err != nil || !ok {
		return Result{Skipped: err == nil}, err
	}
	defer func() { _ = unlock(context.WithoutCancel(ctx), d, r.owner) }()
	err = r.run(ctx)
	if errors.Is(err, errLockLost) {
		return r.res, fmt.Errorf("analytics rollup: %w", err)
	}
	return r.res, err
}

type run struct {
	d        *db.DB
	owner    string
	clock    func() time.Time
	lease    time.Duration
	deadline time.Time
	res      Result
}

func (r *run) run(ctx context.Context) error {
	now := r.clock()
	settled := now.Add(-Settle)
	target := settled.Truncate(time.Hour)
	st, err := readState(ctx, r.d)
	if err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	if st.CompleteThrough == nil {
		var earliest *time.Time
		if err := r.d.QueryRowContext(ctx, earliestSQL).Scan(&earliest); err != nil {
			return fmt.Errorf("read earliest activity: %w", err)
		}
		start := target
		if earliest != nil && earliest.Before(target) {
			start = dayOf(*earliest)
		}
		// Every bucket rolled from now on reflects the changes made before this run.
		if err := r.d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			return setState(ctx, tx, startSQL, r.owner, start, settled)
		}); err != nil {
			return fmt.Errorf("start state: %w", err)
		}
		st = state{CompleteThrough: &start, ChangesThrough: &settled}
	}
	complete := *st.CompleteThrough
	r.res.CompleteThrough = &complete
	rerolledAll, err := r.reroll(ctx, *st.ChangesThrough, settled, complete)
	if err != nil {
		return err
	}
	// Each day's figures are computed while the previous day's are written (a reader beside the
	// writer, on another connection): the catch-up of a month reads and writes at once.
	prefetch := func(from time.Time) <-chan prepared {
		ch := make(chan prepared, 1)
		end := earliest(dayOf(from).Add(24*time.Hour), target)
		go func() { ch <- r.prepare(ctx, dayOf(from), end) }()
		return ch
	}
	var pending <-chan prepared
	if complete.Before(target) {
		pending = prefetch(complete)
	}
	for pending != nil {
		p := <-pending
		pending = nil
		if p.end.Before(target) && r.clock().Before(r.deadline) {
			pending = prefetch(p.end)
		}
		if err := r.write(ctx, p, completeSQL); err != nil {
			return err
		}
		r.res.Days++
		if pending == nil && p.end.Before(target) {
			return nil // out of budget: the next run resumes at p.end
		}
	}
	r.res.CaughtUp = true
	if rerolledAll {
		return r.d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			return setState(ctx, tx, changesSQL, r.owner, settled)
		})
	}
	return nil
}

// reroll rolls again every day before complete holding a row changed in [from, to); false when the
// budget ran out first (the changes are read again next time: re-rolling is idempotent).
func (r *run) reroll(ctx context.Context, from, to, complete time.Time) (bool, error) {
	days := map[time.Time]bool{}
	for _, q := range changedSQL {
		if err := each(ctx, r.d, q, []any{from, to, complete}, func(rows *db.Rows) error {
			var at time.Time
			if err := rows.Scan(&at); err != nil {
				return err
			}
			days[dayOf(at)] = true
			return nil
		}); err != nil {
			return false, fmt.Errorf("read changed rows: %w", err)
		}
	}
	for day := range days {
		if r.res.Rerolled > 0 && !r.clock().Before(r.deadline) {
			return false, nil
		}
		if err := r.chunk(ctx, day, earliest(day.Add(24*time.Hour), complete), ""); err != nil {
			return false, err
		}
		r.res.Rerolled++
	}
	return true, nil
}

// chunk rolls up the hours of [day, end) and, when end closes the day, the day: see prepare and
// write.
func (r *run) chunk(ctx context.Context, day, end time.Time, advance string) error {
	return r.write(ctx, r.prepare(ctx, day, end), advance)
}

// prepared is a chunk's figures, computed from the base tables before its transaction.
type prepared struct {
	day, end time.Time
	full     bool
	wanted   map[string]want
	last     *agg // the chunk's last hour
	err      error
}

type want struct {
	value float64
	row   []any
}

// prepare reads the base rows of [day, end) and computes every figure of its hours and, when the
// chunk is the whole day, of the day.
func (r *run) prepare(ctx context.Context, day, end time.Time) prepared {
	p := prepared{day: day, end: end, full: end.Equal(day.Add(24 * time.Hour)), wanted: map[string]want{}}
	f, err := loadFacts(ctx, r.d, day, end)
	if err != nil {
		p.err = err
		return p
	}
	hours := newBucketer(day, time.Hour, int(end.Sub(day)/time.Hour))
	buckets := []*bucketer{hours}
	if p.full {
		buckets = append(buckets, newBucketer(day, 24*time.Hour, 1))
	}
	compute(f, buckets...)
	stamp := r.clock().UTC()
	add := func(granularity string, start time.Time, a *agg) error {
		for _, m := range a.metrics() {
			v, err := strconv.ParseFloat(m.Value, 64)
			if err != nil {
				return err
			}
			p.wanted[rollupKey(granularity, start, m.Metric, m.Dimension)] = want{v,
				[]any{granularity, start, m.Metric, m.Dimension, db.Decimal(m.Value), stamp}}
		}
		return nil
	}
	for i, a := range hours.aggs {
		if p.err = add("hour", day.Add(time.Duration(i)*time.Hour), a); p.err != nil {
			return p
		}
	}
	if p.full {
		p.err = add("day", day, buckets[1].aggs[0])
	}
	p.last = hours.aggs[len(hours.aggs)-1]
	return p
}

// write stores a prepared chunk in one transaction that first renews the lock, then reads the rows
// the chunk's buckets hold and writes the difference, and ends by recording progress (advance, when
// given).
func (r *run) write(ctx context.Context, p prepared, advance string) error {
	if p.err != nil {
		return fmt.Errorf("roll up %s: %w", p.day.Format(time.DateOnly), p.err)
	}
	day, end, full, wanted := p.day, p.end, p.full, p.wanted
	err := r.d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		now := r.clock()
		if err := renew(ctx, tx, r.owner, now, now.Add(r.lease)); err != nil {
			return err
		}
		seen := map[string]bool{}
		var changed, gone [][]any
		grans := []string{"hour"}
		if full {
			grans = append(grans, "day")
		}
		for _, g := range grans {
			if err := each(ctx, tx, existingRollupsSQL, []any{g, day, end}, func(rows *db.Rows) error {
				var id int64
				var gran, metric, dim string
				var start time.Time
				var v float64
				if err := rows.Scan(&id, &gran, &start, &metric, &dim, &v); err != nil {
					return err
				}
				k := rollupKey(gran, start, metric, dim)
				w, ok := wanted[k]
				seen[k] = true
				switch {
				case !ok:
					gone = append(gone, []any{id})
				case w.value != v:
					changed = append(changed, w.row)
				}
				return nil
			}); err != nil {
				return fmt.Errorf("read rollups: %w", err)
			}
		}
		var fresh [][]any
		for k, w := range wanted {
			if !seen[k] {
				fresh = append(fresh, w.row)
			}
		}
		for _, step := range []struct {
			query string
			rows  [][]any
		}{{insertRollupSQL, fresh}, {mergeRollupSQL, changed}, {deleteRollupSQL, gone}} {
			for rows := step.rows; len(rows) > 0; {
				n := min(len(rows), 400/len(rows[0]))
				if _, err := tx.ExecBatch(ctx, step.query, rows[:n]); err != nil {
					return fmt.Errorf("write rollups: %w", err)
				}
				rows = rows[n:]
				r.res.Rows += int64(n)
			}
		}
		if advance != "" {
			return setState(ctx, tx, advance, r.owner, end)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("roll up %s: %w", day.Format(time.DateOnly), err)
	}
	if advance != "" {
		r.res.CompleteThrough = &end
		r.res.lastHour, r.res.lastTotals = end.Add(-time.Hour), p.last.totals()
	}
	return nil
}

// rollupKey names one figure of one bucket.
func rollupKey(granularity string, start time.Time, metric, dimension string) string {
	return granularity + " " + start.UTC().Format(time.RFC3339) + " " + metric + " " + dimension
}

// dayOf is the UTC day holding t.
func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
