package workflowgateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// DefaultLockLease bounds how long a sweep holds the lock: past the function's timeout (120 s), so a
// live sweep never loses it, and short enough that a killed one blocks only the next few schedules.
const DefaultLockLease = 5 * time.Minute

// sweepLock is the workflow_locks row of the sweep.
const sweepLock = "sweep"

// createLockSQL creates the lock row, expired, if it is missing; a concurrent creator's unique
// violation means it exists, which is all that is needed.
const createLockSQL = `INSERT INTO workflow_locks (name, holder, expires_at)
SELECT :1, NULL, :2 FROM dual WHERE NOT EXISTS (SELECT 1 FROM workflow_locks l WHERE l.name = :3)`

// takeLockSQL takes the lock in one conditional statement (expires_at <= now): of two sweeps, the database lets one
// UPDATE match (the second waits for the first's row lock on ATP, then re-evaluates expires_at and
// matches nothing). Its row count decides.
const takeLockSQL = `UPDATE workflow_locks SET holder = :1, expires_at = :2 WHERE name = :3 AND expires_at <= :4`

// releaseLockSQL gives the lock back, only if this sweep still holds it.
const releaseLockSQL = `UPDATE workflow_locks SET holder = NULL, expires_at = :1 WHERE name = :2 AND holder = :3`

// SweepAnswer is the scheduled invocation's answer.
type SweepAnswer struct {
	Skipped bool   `json:"skipped"`
	Reason  string `json:"reason,omitempty"`
	Run     *Run   `json:"run,omitempty"`
}

// sweepHandler serves the scheduled invocation (a plain POST of the schedule's body, whatever it is).
func (s *Service) sweepHandler(w http.ResponseWriter, r *http.Request) error {
	const op = "workflow.Sweep"
	ans, err := s.Sweep(r.Context())
	if err != nil {
		return apperr.Wrap(op, apperr.Unavailable, err)
	}
	web.JSON(w, http.StatusOK, ans)
	return nil
}

// Sweep runs the sweep queries and probes the components, as one scheduled run, unless another sweep
// holds the lock.
func (s *Service) Sweep(ctx context.Context) (SweepAnswer, error) {
	token, ok, err := s.takeLock(ctx)
	if err != nil {
		return SweepAnswer{}, err
	}
	if !ok {
		return SweepAnswer{Skipped: true, Reason: "another sweep holds the lock"}, nil
	}
	defer s.releaseLock(token)
	run, err := openRun(ctx, s.db, "sweep", "Scheduled health sweep", modeScheduled, s.opts.Now())
	if err != nil {
		return SweepAnswer{}, err
	}
	var wg sync.WaitGroup
	var snaps []Snapshot
	wg.Go(func() { snaps = s.probeAll(ctx) })
	for _, q := range s.opts.Catalog {
		if !q.Sweep {
			continue
		}
		binds, err := q.binds("workflow.Sweep", nil, DefaultRows, s.opts.Now())
		if err != nil {
			return SweepAnswer{}, err
		}
		_, ex := execute(ctx, s.db, q, binds, DefaultRows, modeScheduled, s.opts.Now)
		run.Executions = append(run.Executions, ex)
	}
	wg.Wait()
	run.Components = snaps
	if err := s.close(ctx, &run, identity.Principal{}, nil); err != nil {
		return SweepAnswer{}, err
	}
	return SweepAnswer{Run: &run}, nil
}

func (s *Service) takeLock(ctx context.Context) (string, bool, error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	now := s.opts.Now().UTC().Truncate(time.Millisecond)
	if _, err := s.db.ExecContext(ctx, createLockSQL, sweepLock, time.Unix(0, 0).UTC(), sweepLock); err != nil && !errors.Is(err, db.ErrUniqueViolation) {
		return "", false, err
	}
	res, err := s.db.ExecContext(ctx, takeLockSQL, token, now.Add(s.opts.LockLease), sweepLock, now)
	if err != nil {
		return "", false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return "", false, err
	}
	return token, n == 1, nil
}

// releaseLock runs even when the request's context is done, so the next sweep need not wait for the
// lease.
func (s *Service) releaseLock(token string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.db.ExecContext(ctx, releaseLockSQL, s.opts.Now().UTC().Truncate(time.Millisecond), sweepLock, token); err != nil {
		s.log.Warn("workflow: sweep lock not released (it expires by itself)", "error", err.Error())
	}
}
