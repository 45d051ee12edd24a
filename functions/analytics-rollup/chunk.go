package analyticsrollup

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

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
	err := db.InTx(ctx, r.d, func(ctx context.Context, tx *sql.Tx) error {
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
			if err := each(ctx, tx, existingRollupsSQL, []any{g, day, end}, func(rows *sql.Rows) error {
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
				if _, err := db.ExecBatch(ctx, tx, step.query, rows[:n]); err != nil {
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
