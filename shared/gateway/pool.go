package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// errPoolClosed and errQueueTimeout are the pool's two refusals; the gateway answers both with 503.
var (
	errPoolClosed   = errors.New("gateway: function pool is shut down")
	errQueueTimeout = errors.New("gateway: every instance stayed busy")
)

// stopGrace is how long a stopped process gets between SIGTERM and SIGKILL.
const stopGrace = 3 * time.Second

// pool runs the processes of one function the way OCI Functions scales a function: a process serves
// one call at a time; when every process is busy a new one is started (a cold start) up to max;
// beyond that callers queue for at most queueWait. Idle processes beyond one are stopped after
// idleTimeout; a process that dies is replaced so at least one instance stays up.
type pool struct {
	name        string
	spec        ProcessSpec
	max         int
	idleTimeout time.Duration
	queueWait   time.Duration
	log         *slog.Logger

	mu        sync.Mutex
	all       map[*Process]bool      // live processes (idle or busy)
	idle      []*Process             // idle processes, least recently used first
	idleSince map[*Process]time.Time // when each idle process was released
	starting  int                    // starts in progress, counted against max
	waiters   []chan *Process        // FIFO of queued callers
	closed    bool
	bg        sync.WaitGroup // replacement starts and the idle reaper
	stopReap  chan struct{}
}

func newPool(name string, spec ProcessSpec, max int, idleTimeout, queueWait time.Duration, log *slog.Logger) *pool {
	return &pool{name: name, spec: spec, max: max, idleTimeout: idleTimeout, queueWait: queueWait, log: log,
		all: map[*Process]bool{}, idleSince: map[*Process]time.Time{}, stopReap: make(chan struct{})}
}

// open pre-starts the first instance and the idle reaper.
func (pl *pool) open(ctx context.Context) (*Process, error) {
	p, err := pl.start(ctx, "startup")
	if err != nil {
		return nil, err
	}
	pl.release(p)
	pl.bg.Add(1)
	go pl.reap()
	return p, nil
}

// start runs a new process and registers it as busy (the caller owns it).
func (pl *pool) start(ctx context.Context, reason string) (*Process, error) {
	p, err := StartProcess(ctx, pl.spec)
	if err != nil {
		pl.log.Error("cold start failed", "function", pl.name, "reason", reason, "error", err.Error())
		return nil, err
	}
	pl.mu.Lock()
	if pl.closed {
		pl.mu.Unlock()
		p.Stop(stopGrace)
		return nil, errPoolClosed
	}
	pl.all[p] = true
	n := len(pl.all)
	pl.mu.Unlock()
	pl.log.Info("cold start", "function", pl.name, "pid", p.PID, "cold_start_ms", ms(p.ColdStart),
		"reason", reason, "instances", n, "socket_dir", p.Dir())
	go pl.watch(p)
	return p, nil
}

// acquire returns an idle process, starts one when all are busy and max allows, or waits.
func (pl *pool) acquire(ctx context.Context) (*Process, error) {
	pl.mu.Lock()
	if pl.closed {
		pl.mu.Unlock()
		return nil, errPoolClosed
	}
	if n := len(pl.idle); n > 0 {
		p := pl.idle[n-1] // most recently used: keeps the others aging towards the reaper
		pl.idle = pl.idle[:n-1]
		delete(pl.idleSince, p)
		pl.mu.Unlock()
		return p, nil
	}
	if len(pl.all)+pl.starting < pl.max {
		pl.starting++
		pl.mu.Unlock()
		p, err := pl.start(ctx, "scale-out")
		pl.mu.Lock()
		pl.starting--
		pl.mu.Unlock()
		return p, err
	}
	ch := make(chan *Process, 1)
	pl.waiters = append(pl.waiters, ch)
	pl.mu.Unlock()

	t := time.NewTimer(pl.queueWait)
	defer t.Stop()
	var err error
	select {
	case p, ok := <-ch:
		if !ok {
			return nil, errPoolClosed
		}
		return p, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-t.C:
		err = errQueueTimeout
	}
	pl.mu.Lock()
	pl.waiters = slices.DeleteFunc(pl.waiters, func(c chan *Process) bool { return c == ch })
	pl.mu.Unlock()
	select {
	case p, ok := <-ch:
		if ok {
			pl.release(p) // handed over just before we gave up: pass it on
		}
	default:
	}
	return nil, err
}

// release returns a healthy process: to the first queued caller, else to the idle list.
func (pl *pool) release(p *Process) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if !pl.all[p] {
		return // died or was discarded meanwhile
	}
	if len(pl.waiters) > 0 {
		ch := pl.waiters[0]
		pl.waiters = pl.waiters[1:]
		ch <- p
		return
	}
	pl.idle = append(pl.idle, p)
	pl.idleSince[p] = time.Now()
}

// discard stops a process whose state is unknown (a failed or timed-out call).
func (pl *pool) discard(p *Process, why string) {
	if pl.forget(p) {
		pl.log.Warn("stopping instance", "function", pl.name, "pid", p.PID, "reason", why)
	}
	p.Stop(stopGrace)
	pl.replenish()
}

// watch notices an exit the pool did not ask for and replenishes.
func (pl *pool) watch(p *Process) {
	<-p.Done()
	if pl.forget(p) {
		pl.log.Error("function process exited", "function", pl.name, "pid", p.PID, "error", fmt.Sprint(p.Err()))
		pl.replenish()
	}
}

// forget removes p from the pool and reports whether it was still registered.
func (pl *pool) forget(p *Process) bool {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if !pl.all[p] {
		return false
	}
	delete(pl.all, p)
	delete(pl.idleSince, p)
	pl.idle = slices.DeleteFunc(pl.idle, func(q *Process) bool { return q == p })
	return true
}

// replenish starts a replacement when no instance is left or callers are queued.
func (pl *pool) replenish() {
	pl.mu.Lock()
	need := !pl.closed && (len(pl.all)+pl.starting == 0 || len(pl.waiters) > 0) && len(pl.all)+pl.starting < pl.max
	if need {
		pl.starting++
		pl.bg.Add(1)
	}
	pl.mu.Unlock()
	if !need {
		return
	}
	go func() {
		defer pl.bg.Done()
		p, err := pl.startWithRetry()
		pl.mu.Lock()
		pl.starting--
		pl.mu.Unlock()
		if err == nil {
			pl.release(p)
		}
	}()
}

// startWithRetry restarts a function with exponential backoff (crash loops do not spin the CPU)
// until it starts or the pool closes.
func (pl *pool) startWithRetry() (*Process, error) {
	backoff := 100 * time.Millisecond
	for {
		p, err := pl.start(context.Background(), "restart")
		if err == nil || errors.Is(err, errPoolClosed) {
			return p, err
		}
		select {
		case <-pl.stopReap:
			return nil, errPoolClosed
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// reap stops processes idle longer than idleTimeout, always keeping one instance.
func (pl *pool) reap() {
	defer pl.bg.Done()
	t := time.NewTicker(max(pl.idleTimeout/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-pl.stopReap:
			return
		case <-t.C:
		}
		var stale []*Process
		pl.mu.Lock()
		for len(pl.idle) > 0 && len(pl.all) > 1 && time.Since(pl.idleSince[pl.idle[0]]) >= pl.idleTimeout {
			p := pl.idle[0]
			pl.idle = pl.idle[1:]
			delete(pl.idleSince, p)
			delete(pl.all, p)
			stale = append(stale, p)
		}
		pl.mu.Unlock()
		for _, p := range stale {
			pl.log.Info("idle instance stopped", "function", pl.name, "pid", p.PID)
			p.Stop(stopGrace)
		}
	}
}

// close refuses new calls, fails queued ones, and stops every process (busy ones too: their calls
// fail). It waits for background starts to finish.
func (pl *pool) close() {
	pl.mu.Lock()
	if pl.closed {
		pl.mu.Unlock()
		return
	}
	pl.closed = true
	close(pl.stopReap)
	for _, ch := range pl.waiters {
		close(ch)
	}
	pl.waiters = nil
	procs := make([]*Process, 0, len(pl.all))
	for p := range pl.all {
		procs = append(procs, p)
	}
	clear(pl.all)
	pl.idle = nil
	pl.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Go(func() { p.Stop(stopGrace) })
	}
	wg.Wait()
	pl.bg.Wait()
}

// pids returns the live processes' ids.
func (pl *pool) pids() []int {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	out := make([]int, 0, len(pl.all))
	for p := range pl.all {
		out = append(out, p.PID)
	}
	slices.Sort(out)
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
