package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
)

// Throttle is the failed-login policy. Failures are counted, per fixed window, on three keys:
//
//   - the (account, address) pair: PairMax failures lock that pair until the window ends (429);
//   - the address: AddressMax failures, whatever the accounts, lock the address (password spraying);
//   - the account, across addresses: past AccountFree failures each further attempt must wait a
//     backoff after the last failure (AccountBackoff doubled per failure, at most AccountMaxBackoff),
//     answered 429 with Retry-After meanwhile. The account is slowed, never locked, so the owner is
//     never shut out by attempts from elsewhere, and can always reset the password by email.
//
// The counters live in login_throttle rows, not in memory: the function runs as several processes
// and containers, each seeing only part of an attack. An attempt is counted as a failure before the
// password is checked, in the transaction that decides it, so a burst cannot slip past a limit while
// hashes are computed; a success then forgives the pair and the account and takes its own count back
// off the address. Refused attempts are not counted.
//
// Safe under READ COMMITTED: the transaction locks each of its three rows with SELECT ... FOR UPDATE,
// always in the order address, pair, account, before reading the counts and writing them back, so two
// attempts on a shared key run one after the other and never deadlock. A missing row is created
// first by an INSERT ... WHERE NOT EXISTS; when two attempts create the same row at once, Oracle makes
// the second wait for the first's commit and fail with a unique violation, which is ignored: the row
// then exists and is locked by the SELECT. On SQLite the transaction holds the database's write lock
// from BEGIN (immediate), which serializes the same way.
type Throttle struct {
	Window            time.Duration
	PairMax           int
	AddressMax        int
	AccountFree       int
	AccountBackoff    time.Duration
	AccountMaxBackoff time.Duration
}

// The default policy.
const (
	DefaultWindow            = 15 * time.Minute
	DefaultPairMax           = 5
	DefaultAddressMax        = 20
	DefaultAccountFree       = 10
	DefaultAccountBackoff    = time.Second
	DefaultAccountMaxBackoff = 30 * time.Second
)

func (t Throttle) withDefaults() Throttle {
	set := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	setD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	setD(&t.Window, DefaultWindow)
	set(&t.PairMax, DefaultPairMax)
	set(&t.AddressMax, DefaultAddressMax)
	set(&t.AccountFree, DefaultAccountFree)
	setD(&t.AccountBackoff, DefaultAccountBackoff)
	setD(&t.AccountMaxBackoff, DefaultAccountMaxBackoff)
	return t
}

// accountBackoff is the wait after the account's failures-th failure.
func (t Throttle) accountBackoff(failures int) time.Duration {
	if failures < t.AccountFree {
		return 0
	}
	d := t.AccountBackoff
	for i := t.AccountFree; i < failures && d < t.AccountMaxBackoff; i++ {
		d *= 2
	}
	return min(d, t.AccountMaxBackoff)
}

// Throttle keys: "addr:<ip>", "pair:<ip> <email>", "acct:<email>" (emails lower-cased).
func addressKey(ip string) string       { return "addr:" + ip }
func pairKey(ip, account string) string { return "pair:" + ip + " " + account }
func accountKey(account string) string  { return "acct:" + account }

const (
	ensureThrottleSQL = `INSERT INTO login_throttle (throttle_key, failures, window_start)
SELECT :1, 0, :2 FROM dual WHERE NOT EXISTS (SELECT 1 FROM login_throttle WHERE throttle_key = :3)`
	lockThrottleSQL = `SELECT failures, window_start, COALESCE(last_failure_at, window_start) FROM login_throttle
WHERE throttle_key = :1 FOR UPDATE`
	countThrottleSQL = `UPDATE login_throttle SET failures = :1, window_start = :2, last_failure_at = :3 WHERE throttle_key = :4`
	// A success: the pair and the account are forgiven, and the address loses this attempt's count.
	forgiveThrottleSQL = `UPDATE login_throttle SET failures = 0 WHERE throttle_key IN (:1, :2)`
	uncountAddressSQL  = `UPDATE login_throttle SET failures = failures - 1 WHERE throttle_key = :1 AND failures > 0`
	purgeThrottleSQL   = `DELETE FROM login_throttle WHERE window_start <= :1 AND COALESCE(last_failure_at, window_start) <= :2`
)

// counter is one locked throttle row.
type counter struct {
	key         string
	failures    int
	windowStart time.Time
	lastFailure time.Time
}

// admission is what the counters say about one login attempt.
type admission struct {
	refused    bool
	retryAfter time.Duration // when refused
	counter    string        // "pair", "address" or "account": which limit refused, or is the highest
	failures   int           // counted failures before this attempt, on that counter
}

// admit locks the attempt's three counters and either refuses it or counts it as a failure.
func (s *Service) admit(ctx context.Context, account, ip string) (admission, error) {
	const op = "auth.Admit"
	now := s.now()
	t := s.throttle
	var ad admission
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx *sql.Tx) error {
		names := []string{"address", "pair", "account"}
		keys := []string{addressKey(ip), pairKey(ip, account), accountKey(account)}
		cs := make([]counter, len(keys))
		for i, key := range keys {
			c, err := lockCounter(ctx, tx, key, now)
			if err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
			if !c.windowStart.After(now.Add(-t.Window)) {
				c.failures, c.windowStart = 0, now // the window ended: a fresh one starts
			}
			cs[i] = c
		}
		limits := []int{t.AddressMax, t.PairMax, 0}
		for i, c := range cs {
			if c.failures > ad.failures {
				ad.counter, ad.failures = names[i], c.failures
			}
			var wait time.Duration
			if limits[i] > 0 && c.failures >= limits[i] {
				wait = c.windowStart.Add(t.Window).Sub(now)
			} else if backoff := t.accountBackoff(c.failures); limits[i] == 0 && backoff > 0 {
				// Only past AccountFree: now was read before the locks, so a concurrent attempt that
				// read the clock later may have written a last failure after it, which must not
				// refuse this one when no backoff is due.
				wait = c.lastFailure.Add(backoff).Sub(now)
			}
			if wait > 0 && (!ad.refused || wait > ad.retryAfter) {
				ad = admission{refused: true, retryAfter: wait, counter: names[i], failures: c.failures}
			}
		}
		if ad.refused {
			return nil
		}
		for _, c := range cs {
			if _, err := tx.ExecContext(ctx, countThrottleSQL, c.failures+1, c.windowStart, now, c.key); err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
		}
		return nil
	})
	if err != nil {
		return admission{}, err
	}
	return ad, nil
}

// lockCounter creates the key's row when missing and locks it.
func lockCounter(ctx context.Context, tx *sql.Tx, key string, now time.Time) (counter, error) {
	if _, err := tx.ExecContext(ctx, ensureThrottleSQL, key, now, key); err != nil && !errors.Is(err, db.ErrUniqueViolation) {
		return counter{}, err
	}
	c := counter{key: key}
	if err := tx.QueryRowContext(ctx, lockThrottleSQL, key).Scan(&c.failures, &c.windowStart, &c.lastFailure); err != nil {
		return counter{}, fmt.Errorf("lock %s: %w", key, err)
	}
	return c, nil
}

// forgive applies a successful login to the counters (see Throttle).
func forgive(ctx context.Context, tx *sql.Tx, account, ip string) error {
	if _, err := tx.ExecContext(ctx, forgiveThrottleSQL, pairKey(ip, account), accountKey(account)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, uncountAddressSQL, addressKey(ip))
	return err
}

// purge deletes counters whose window and backoff are over; run after a failed attempt, it keeps the
// table as small as one window's traffic.
func (s *Service) purge(ctx context.Context) error {
	now := s.now()
	cutoff := now.Add(-s.throttle.Window)
	if _, err := s.db.ExecContext(ctx, purgeThrottleSQL, cutoff, now.Add(-s.throttle.AccountMaxBackoff)); err != nil {
		return fmt.Errorf("auth.Purge: %w", err)
	}
	return nil
}

// retryAfterSeconds renders a wait as a Retry-After value: whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
