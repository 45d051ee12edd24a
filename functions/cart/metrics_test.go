package cart

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

// recordedAdditions is a hand-written Metrics that keeps what it is told.
type recordedAdditions []int64

func (r *recordedAdditions) RecordCartAddition(_ context.Context, quantity int64, _ ...attribute.KeyValue) {
	*r = append(*r, quantity)
}

func TestOnlySuccessfulAdditionsAreCounted(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	var rec recordedAdditions
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), WithMetrics(&rec))
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{db: d, h: h}
	pad, _ := f.product(t, "ACC-PAD-150")
	sold, _ := f.product(t, "DRN-VTOL-FAL") // stock 0
	base := "/api/carts/" + f.newCart(t) + "/items"
	if status, _, _, _ := f.do(t, "POST", base, add(pad, 3)); status != http.StatusOK {
		t.Fatalf("add = %d", status)
	}
	if status, _, _, _ := f.do(t, "POST", base, add(sold, 1)); status != http.StatusConflict {
		t.Fatalf("sold-out add = %d, want 409", status)
	}
	if len(rec) != 1 || rec[0] != 3 {
		t.Fatalf("recorded additions = %v, want [3] (the refused one is not an addition)", rec)
	}
}
