package checkout

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

// recordedOrders is a hand-written Metrics that keeps what it is told.
type recordedOrders struct {
	mu     sync.Mutex
	totals []float64
}

func (r *recordedOrders) RecordOrder(_ context.Context, totalUSD float64, _ ...attribute.KeyValue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.totals = append(r.totals, totalUSD)
}

func TestNewOrdersAreCountedOnceWithTheirRevenue(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	rec := &recordedOrders{}
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), WithMetrics(rec), WithVerifier(dbtest.NewTokens(t).Verifier))
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{db: d, h: h}
	p := f.product(t, "T-M", 250050, 3)
	payload := body(f.cart(t, map[int64]int64{p: 2}), "metrics@example.com", "")
	if got := f.checkout(t, "metrics-key-01", payload); got.status != http.StatusCreated {
		t.Fatalf("first checkout: %d %+v", got.status, got.err)
	}
	if got := f.checkout(t, "metrics-key-01", payload); got.status != http.StatusOK {
		t.Fatalf("replay: %d %+v", got.status, got.err)
	}
	// 2 x 2500.50 = 5001.00, at or over 5000.00: free shipping.
	if len(rec.totals) != 1 || rec.totals[0] != 5001.00 {
		t.Fatalf("recorded orders = %v, want one order of 5001.00 (the replay is not a new order)", rec.totals)
	}
}
