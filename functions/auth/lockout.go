package auth

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
)

// Lockout is the failed-login policy: MaxFailures failures within Window, counted per account and
// per client address, lock further attempts of that account or from that address until the oldest
// counted failure leaves the window (429 with Retry-After).
//
// The counters live in the login_attempts table, not in memory: the function runs as several
// processes (containers on OCI, processes under the local gateway) and each sees only part of an
// attack, so an in-memory counter would allow MaxFailures per process and forget everything on a
// cold start.
//
// An attempt is written as a failure before the password is checked (in the transaction that reads
// the counters), so concurrent attempts see each other and a burst cannot slip past the limit while
// hashes are computed; a successful login then removes its own row. A successful login forgives the
// account's failures for the account counter, and that address's failures of that account (the
// owner's typos), but not the failures from that address for other accounts: logging into one's own
// account does not reset a password-spraying address. Attempts refused by the lockout are not
// counted, so the lock lifts Window after the failures that caused it. On Oracle two attempts whose
// transactions overlap may both read the same count, so a concurrent burst can overshoot the limit
// by its concurrency; on SQLite the transactions are serialized.
type Lockout struct {
	MaxFailures int
	Window      time.Duration
}

// The default policy: 5 failures in 5 minutes.
const (
	DefaultMaxFailures = 5
	DefaultWindow      = 5 * time.Minute
)

const (
	// Each reads the most recent counted failures, newest first; the MaxFailures-th gives the time
	// the lock lifts.
	accountFailuresSQL = `SELECT attempted_at FROM login_attempts
WHERE account_key = :1 AND account_cleared = 0 AND attempted_at > :2
ORDER BY attempted_at DESC
FETCH FIRST :3 ROWS ONLY`
	addressFailuresSQL = `SELECT attempted_at FROM login_attempts
WHERE source_ip = :1 AND attempted_at > :2
ORDER BY attempted_at DESC
FETCH FIRST :3 ROWS ONLY`
	insertAttemptSQL = `INSERT INTO login_attempts (account_key, source_ip, attempted_at) VALUES (:1, :2, :3)`
	// A success: the account's own failures from this address (including the attempt itself) go, and
	// its failures from other addresses stop counting for the account.
	deleteOwnAttemptsSQL = `DELETE FROM login_attempts WHERE account_key = :1 AND source_ip = :2`
	clearAccountSQL      = `UPDATE login_attempts SET account_cleared = 1 WHERE account_key = :1 AND account_cleared = 0`
	purgeAttemptsSQL     = `DELETE FROM login_attempts WHERE attempted_at <= :1`
)

// admission is what the counters say about one login attempt.
type admission struct {
	locked     bool
	retryAfter time.Duration // when locked
	counter    string        // "account" or "address": which counter locked or, for an admitted attempt, is highest
	failures   int           // counted failures before this attempt, on that counter
}

// admit reads both counters and either refuses the attempt (locked) or records it as a failure.
func (s *Service) admit(ctx context.Context, account, ip string) (admission, error) {
	const op = "auth.Admit"
	now := s.now()
	cutoff := now.Add(-s.lockout.Window)
	var ad admission
	err := s.db.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		byAccount, err := s.recentFailures(ctx, tx, accountFailuresSQL, account, cutoff)
		if err != nil {
			return err
		}
		byAddress, err := s.recentFailures(ctx, tx, addressFailuresSQL, ip, cutoff)
		if err != nil {
			return err
		}
		ad = admission{counter: "account", failures: len(byAccount)}
		if len(byAddress) > len(byAccount) {
			ad = admission{counter: "address", failures: len(byAddress)}
		}
		for _, c := range []struct {
			name  string
			times []time.Time
		}{{"account", byAccount}, {"address", byAddress}} {
			if len(c.times) < s.lockout.MaxFailures {
				continue
			}
			// The lock lifts when the MaxFailures-th most recent failure leaves the window.
			wait := c.times[s.lockout.MaxFailures-1].Add(s.lockout.Window).Sub(now)
			if !ad.locked || wait > ad.retryAfter {
				ad = admission{locked: true, retryAfter: wait, counter: c.name, failures: len(c.times)}
			}
		}
		if ad.locked {
			return nil
		}
		if _, err := tx.ExecContext(ctx, insertAttemptSQL, account, ip, now); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		return nil
	})
	if err != nil {
		return admission{}, err
	}
	return ad, nil
}

func (s *Service) recentFailures(ctx context.Context, tx *db.Tx, query, key string, cutoff time.Time) ([]time.Time, error) {
	const op = "auth.RecentFailures"
	rows, err := tx.QueryContext(ctx, query, key, cutoff, s.lockout.MaxFailures)
	if err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, apperr.Wrap(op, apperr.Internal, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	return out, nil
}

// forgive applies a successful login to the counters (see Lockout).
func forgive(ctx context.Context, tx *db.Tx, account, ip string) error {
	if _, err := tx.ExecContext(ctx, deleteOwnAttemptsSQL, account, ip); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, clearAccountSQL, account)
	return err
}

// purge deletes failures that no longer count; run after a failed attempt, it keeps the table as
// small as the traffic of one window.
func (s *Service) purge(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, purgeAttemptsSQL, s.now().Add(-s.lockout.Window)); err != nil {
		return fmt.Errorf("auth.Purge: %w", err)
	}
	return nil
}

// retryAfterSeconds renders a wait as a Retry-After value: whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
