package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// scheduled is one function's emulated OCI Resource Scheduler schedule.
type scheduled struct {
	fn    string
	sched manifest.Schedule
	body  []byte
}

// schedules parses every declared schedule; an unusable one fails the gateway's start.
func (g *Gateway) schedules() ([]scheduled, error) {
	var out []scheduled
	for _, fn := range g.bundle.Functions {
		s := fn.Schedule
		if s == nil {
			continue
		}
		if _, err := s.Next(g.cfg.Now()); err != nil {
			return nil, fmt.Errorf("gateway: function %s: %w", fn.Name, err)
		}
		body, err := json.Marshal(s.Body)
		if err != nil {
			return nil, fmt.Errorf("gateway: function %s: schedule body: %w", fn.Name, err)
		}
		out = append(out, scheduled{fn: fn.Name, sched: *s, body: body})
	}
	return out, nil
}

// next is the first run strictly after t; the expression was checked by schedules, so an error cannot
// occur here and reads as "never fires".
func (s scheduled) next(t time.Time) time.Time {
	n, err := s.sched.Next(t)
	if err != nil {
		return time.Time{}
	}
	return n
}

// startSchedules runs one goroutine per schedule until Close.
func (g *Gateway) startSchedules(list []scheduled) {
	ctx, cancel := context.WithCancel(context.Background())
	g.stopSch, g.schDone = cancel, make(chan struct{})
	var wg sync.WaitGroup
	for _, s := range list {
		wg.Go(func() { g.runSchedule(ctx, s) })
		g.log.Info("schedule enabled", "function", s.fn, "next", s.next(g.cfg.Now()).Format(time.RFC3339))
	}
	go func() {
		wg.Wait()
		close(g.schDone)
	}()
}

// runSchedule invokes the function at each cron time with a plain POST of the schedule's body, as
// Resource Scheduler does. A run in progress delays the next one rather than overlapping it.
func (g *Gateway) runSchedule(ctx context.Context, s scheduled) {
	for {
		next := s.next(g.cfg.Now())
		if next.IsZero() {
			g.log.Warn("schedule never fires", "function", s.fn)
			return
		}
		t := time.NewTimer(next.Sub(g.cfg.Now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		start := time.Now()
		_, err := g.invoke(ctx, s.fn, s.body)
		attrs := []any{"function", s.fn, "scheduled_at", next.Format(time.RFC3339), "duration_ms", ms(time.Since(start))}
		if err != nil {
			g.log.Error("scheduled invocation failed", append(attrs, "error", err.Error())...)
			continue
		}
		g.log.Info("scheduled invocation", attrs...)
	}
}
