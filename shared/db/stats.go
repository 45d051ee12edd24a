package db

import (
	"context"
	"sync/atomic"
	"time"
)

// Stats is what one request did on the database.
type Stats struct {
	Statements int           // statements executed (a batch counts once)
	Duration   time.Duration // their summed execution time
}

type statsKey struct{}

type statsCollector struct {
	n, d atomic.Int64
}

func (s *statsCollector) add(d time.Duration) {
	s.n.Add(1)
	s.d.Add(int64(d))
}

// WithStats returns a context in which every statement is counted; StatsFrom reads the totals. The
// request middleware calls it so the access log line carries the statement count and database time.
func WithStats(ctx context.Context) context.Context {
	return context.WithValue(ctx, statsKey{}, &statsCollector{})
}

// StatsFrom returns the totals of the statements run under ctx since WithStats (zero without it).
func StatsFrom(ctx context.Context) Stats {
	s := statsFrom(ctx)
	if s == nil {
		return Stats{}
	}
	return Stats{Statements: int(s.n.Load()), Duration: time.Duration(s.d.Load())}
}

func statsFrom(ctx context.Context) *statsCollector {
	s, _ := ctx.Value(statsKey{}).(*statsCollector)
	return s
}
