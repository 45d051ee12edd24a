package analyticsrollup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// job is the rollup's row in analytics_rollup_state.
const job = "analytics"

// The state row and its lock. The lock is taken by one conditional UPDATE (free, or expired), and
// every chunk's transaction starts by renewing it with an UPDATE on the owner, which also locks the
// row until the chunk commits: a run that lost the lock (it expired and another took it) writes
// nothing more.
const (
	ensureStateSQL = `INSERT INTO analytics_rollup_state (job) SELECT :1 FROM dual
WHERE NOT EXISTS (SELECT 1 FROM analytics_rollup_state WHERE job = :2)`
	takeLockSQL = `UPDATE analytics_rollup_state SET lock_owner = :1, lock_expires_at = :2, updated_at = :3
WHERE job = :4 AND (lock_owner IS NULL OR lock_expires_at < :5)`
	renewLockSQL = `UPDATE analytics_rollup_state SET lock_expires_at = :1, updated_at = :2 WHERE job = :3 AND lock_owner = :4`
	releaseSQL   = `UPDATE analytics_rollup_state SET lock_owner = NULL, lock_expires_at = NULL WHERE job = :1 AND lock_owner = :2`
	readStateSQL = `SELECT complete_through, changes_through FROM analytics_rollup_state WHERE job = :1`
	startSQL     = `UPDATE analytics_rollup_state SET complete_through = :1, changes_through = :2 WHERE job = :3 AND lock_owner = :4`
	completeSQL  = `UPDATE analytics_rollup_state SET complete_through = :1 WHERE job = :2 AND lock_owner = :3`
	changesSQL   = `UPDATE analytics_rollup_state SET changes_through = :1 WHERE job = :2 AND lock_owner = :3`
	earliestSQL  = `SELECT MIN(t) FROM (
    SELECT MIN(created_at) AS t FROM orders UNION ALL SELECT MIN(created_at) FROM page_views
    UNION ALL SELECT MIN(created_at) FROM carts UNION ALL SELECT MIN(created_at) FROM leads
    UNION ALL SELECT MIN(window_start) FROM security_events) x`
)

// errLockLost means the run's lock expired and was taken: it stops without writing.
var errLockLost = errors.New("the rollup lock was lost")

// state is how far the rollup has come: every hour before CompleteThrough is rolled up (and every
// day that ends by then), and every change with updated_at before ChangesThrough is reflected.
type state struct {
	CompleteThrough, ChangesThrough *time.Time
}

// lock takes the singleton lock for owner until expires; false when another run holds it.
func lock(ctx context.Context, d *sql.DB, owner string, now, expires time.Time) (bool, error) {
	if _, err := d.ExecContext(ctx, ensureStateSQL, job, job); err != nil && !errors.Is(err, db.ErrUniqueViolation) {
		return false, fmt.Errorf("create state row: %w", err)
	}
	res, err := d.ExecContext(ctx, takeLockSQL, owner, expires, now, job, now)
	if err != nil {
		return false, fmt.Errorf("take lock: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// unlock releases the lock if owner still holds it.
func unlock(ctx context.Context, d *sql.DB, owner string) error {
	_, err := d.ExecContext(ctx, releaseSQL, job, owner)
	return err
}

// renew extends owner's lock as the first statement of a chunk's transaction.
func renew(ctx context.Context, tx *sql.Tx, owner string, now, expires time.Time) error {
	res, err := tx.ExecContext(ctx, renewLockSQL, expires, now, job, owner)
	if err != nil {
		return fmt.Errorf("renew lock: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errLockLost
	}
	return nil
}

func readState(ctx context.Context, q db.DBTX) (state, error) {
	var s state
	err := q.QueryRowContext(ctx, readStateSQL, job).Scan(&s.CompleteThrough, &s.ChangesThrough)
	return s, err
}

// setState records a step under owner's lock, in the chunk's transaction.
func setState(ctx context.Context, tx *sql.Tx, query string, owner string, times ...time.Time) error {
	args := make([]any, 0, len(times)+2)
	for _, t := range times {
		args = append(args, t)
	}
	res, err := tx.ExecContext(ctx, query, append(args, job, owner)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errLockLost
	}
	return nil
}
