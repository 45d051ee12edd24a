package analyticsrollup

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type rowsT = sql.Rows

// genNow is when the generated activity ends; the rollup runs an hour later.
var genNow = time.Date(2026, 3, 10, 14, 20, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	tick time.Duration // added after each reading
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.tick)
	return t
}

func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// activity is a seeded database with three days of generated activity.
func activity(t *testing.T) *dbtest.DB {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	if _, err := seed.Activity(context.Background(), d.DB, seed.ActivityOptions{Days: 3, Orders: 240, Seed: 3, Now: genNow}); err != nil {
		t.Fatal(err)
	}
	return d
}

func rollup(t *testing.T, d *dbtest.DB, c *clock, opts Options) Result {
	t.Helper()
	opts.Now = c.now
	res, err := Rollup(context.Background(), d.DB, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// expected is every figure the rollup must hold at clock time now, from the base tables: every hour
// from the day of the earliest activity to the last settled hour, and every whole day in it.
func expected(t *testing.T, d *dbtest.DB, now time.Time) figures {
	t.Helper()
	var first time.Time
	if err := d.QueryRowContext(context.Background(), earliestSQL).Scan(&first); err != nil {
		t.Fatal(err)
	}
	target := now.Add(-Settle).Truncate(time.Hour)
	want := direct(t, d, "hour", dayOf(first), target)
	for k, v := range direct(t, d, "day", dayOf(first), dayOf(target)) {
		want[k] = v
	}
	return want
}

func TestEveryRollupEqualsTheBaseTables(t *testing.T) {
	d := activity(t)
	c := &clock{t: genNow.Add(time.Hour)}
	res := rollup(t, d, c, Options{})
	if !res.CaughtUp || res.Days == 0 || res.Rows == 0 {
		t.Fatalf("first run: %+v", res)
	}
	got := stored(t, d)
	sameFigures(t, got, expected(t, d, c.now()))
	if got[fkey("day", dayOf(genNow.Add(-24*time.Hour)), mOrders, all)] == 0 {
		t.Fatal("no orders rolled up for the day before: the comparison saw nothing")
	}
}

func TestRunningTwiceChangesNothing(t *testing.T) {
	d := activity(t)
	c := &clock{t: genNow.Add(time.Hour)}
	rollup(t, d, c, Options{})
	first := stored(t, d)
	ids := d.Int(t, `SELECT SUM(id) FROM analytics_rollups`)
	if res := rollup(t, d, c, Options{}); res.Rows != 0 || res.Days != 0 || res.Rerolled != 0 {
		t.Fatalf("a second run at the same time wrote: %+v", res)
	}
	// Rolling every bucket again (as after a lost state) gives the same rows, updated in place.
	d.Exec(t, `UPDATE analytics_rollup_state SET complete_through = NULL`)
	if res := rollup(t, d, c, Options{}); res.Days == 0 || res.Rows != 0 {
		t.Fatalf("rolling every bucket again wrote rows or rolled nothing: %+v", res)
	}
	sameFigures(t, stored(t, d), first)
	if n := d.Int(t, `SELECT SUM(id) FROM analytics_rollups`); n != ids {
		t.Fatalf("re-rolling replaced rows instead of updating them (id sum %d, was %d)", n, ids)
	}
}

func TestTwoRunsAtOnceCountOnce(t *testing.T) {
	d := activity(t)
	c := &clock{t: genNow.Add(time.Hour)}
	var wg sync.WaitGroup
	results := make([]Result, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = Rollup(context.Background(), d.DB, Options{Now: c.now})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	sameFigures(t, stored(t, d), expected(t, d, c.now()))
}

func TestARunWaitsForTheLockHolderUntilItsLeaseExpires(t *testing.T) {
	d := activity(t)
	c := &clock{t: genNow.Add(time.Hour)}
	d.Exec(t, `INSERT INTO analytics_rollup_state (job, lock_owner, lock_expires_at) VALUES (:1, 'other-run', :2)`, job, c.now().Add(time.Minute))
	if res := rollup(t, d, c, Options{}); !res.Skipped || res.Rows != 0 {
		t.Fatalf("ran while another run held the lock: %+v", res)
	}
	if n := d.Int(t, `SELECT COUNT(*) FROM analytics_rollups`); n != 0 {
		t.Fatalf("%d rows written under another run's lock", n)
	}
	c.set(c.now().Add(2 * time.Minute))
	if res := rollup(t, d, c, Options{}); res.Skipped || !res.CaughtUp {
		t.Fatalf("the expired lock was not taken over: %+v", res)
	}
	if owner := d.Int(t, `SELECT COUNT(*) FROM analytics_rollup_state WHERE lock_owner IS NULL`); owner != 1 {
		t.Fatal("the lock was not released")
	}
}

func TestARunThatLostItsLockStops(t *testing.T) {
	d := activity(t)
	c := &clock{t: genNow.Add(time.Hour)}
	d.Exec(t, `INSERT INTO analytics_rollup_state (job) VALUES (:1)`, job)
	r := &run{d: d.DB, owner: "me", clock: c.now, lease: time.Minute, deadline: c.now().Add(time.Hour)}
	if ok, err := lock(context.Background(), d.DB, "me", c.now(), c.now().Add(time.Minute)); err != nil || !ok {
		t.Fatalf("lock: %v %v", ok, err)
	}
	d.Exec(t, `UPDATE analytics_rollup_state SET lock_owner = 'thief'`)
	if err := r.chunk(context.Background(), dayOf(genNow), dayOf(genNow).Add(time.Hour), completeSQL); err == nil {
		t.Fatal("a run without its lock wrote a chunk")
	}
	if n := d.Int(t, `SELECT COUNT(*) FROM analytics_rollups`); n != 0 {
		t.Fatalf("%d rows written without the lock", n)
	}
}

func TestLateCancellationIsRolledAgain(t *testing.T) {
	d := activity(t)
	c := &clock{t: genNow.Add(time.Hour)}
	rollup(t, d, c, Options{})
	// An order of two days ago is cancelled now; the next hourly run corrects its buckets.
	c.set(c.now().Add(time.Hour))
	id := d.Int(t, `SELECT MIN(id) FROM orders WHERE status <> 'cancelled' AND created_at < :1`, genNow.Add(-48*time.Hour))
	d.Exec(t, `UPDATE orders SET status = 'cancelled', updated_at = :1 WHERE id = :2`, c.now(), id)
	before := stored(t, d)
	c.set(c.now().Add(Settle + time.Hour))
	if res := rollup(t, d, c, Options{}); res.Rerolled != 1 {
		t.Fatalf("want the cancelled order's day rolled again: %+v", res)
	}
	after := stored(t, d)
	sameFigures(t, after, expected(t, d, c.now()))
	var at time.Time
	if err := d.QueryRowContext(context.Background(), `SELECT created_at FROM orders WHERE id = :1`, id).Scan(&at); err != nil {
		t.Fatal(err)
	}
	k := fkey("day", dayOf(at), mOrdersByStatus, "cancelled")
	if after[k] != before[k]+1 {
		t.Fatalf("cancelled orders of that day: %v, was %v", after[k], before[k])
	}
}

func TestARunOutOfBudgetResumesWhereItStopped(t *testing.T) {
	d := activity(t)
	c := &clock{t: genNow.Add(time.Hour), tick: time.Microsecond}
	var runs int
	for {
		res := rollup(t, d, c, Options{Budget: time.Nanosecond})
		runs++
		if res.Days != 1 && !res.CaughtUp {
			t.Fatalf("run %d rolled %d days", runs, res.Days)
		}
		if res.CaughtUp {
			break
		}
		if runs > 400 {
			t.Fatal("never caught up")
		}
	}
	if runs < 3 {
		t.Fatalf("caught up in %d runs: the budget was not applied", runs)
	}
	sameFigures(t, stored(t, d), expected(t, d, c.now()))
}

// History written after a run (octo seed --activity on a live database) lands in rolled-up days as
// changes, and the next run rolls those days again.
func TestActivityGeneratedAfterARunIsRolledUpByTheNext(t *testing.T) {
	d := activity(t)
	c := &clock{t: genNow.Add(time.Hour)}
	rollup(t, d, c, Options{})
	if _, err := seed.Activity(context.Background(), d.DB, seed.ActivityOptions{Days: 2, Orders: 60, Seed: 9, Now: c.now()}); err != nil {
		t.Fatal(err)
	}
	c.set(c.now().Add(Settle + time.Hour))
	if res := rollup(t, d, c, Options{}); res.Rerolled < 2 {
		t.Fatalf("want the generated days rolled again: %+v", res)
	}
	sameFigures(t, stored(t, d), expected(t, d, c.now()))
}
