package analyticsrollup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Settle is how long after a time the rollup waits before taking rows up to it as final: an hour is
// rolled up once it ended Settle ago, and changes are read up to Settle ago. It is longer than any
// function's timeout (300 s), so a transaction that wrote a time commits before the rollup reads it.
const Settle = 6 * time.Minute

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
func Rollup(ctx context.Context, d *sql.DB, opts Options) (Result, error) {
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
	d        *sql.DB
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
		if err := db.InTx(ctx, r.d, func(ctx context.Context, tx *sql.Tx) error {
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
		return db.InTx(ctx, r.d, func(ctx context.Context, tx *sql.Tx) error {
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
		if err := each(ctx, r.d, q, []any{from, to, complete}, func(rows *sql.Rows) error {
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

// dayOf is the UTC day holding t.
func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
