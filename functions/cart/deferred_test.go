package cart

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/commerce"
)

// TestConcurrentAddsLockTheCartFirst: with SQLite's deferred transactions (BEGIN locks nothing, as
// Oracle's READ COMMITTED takes no lock on a read) concurrent additions to one cart never merge past
// the line limit and none fails busy: each change's first statement updates the cart row, which
// serialises the read of the line's quantity and the write (see ARCHITECTURE.md, "Concurrency on
// Oracle").
func TestConcurrentAddsLockTheCartFirst(t *testing.T) {
	f := newFixture(t)
	var err error
	if f.h, err = New(f.db.Deferred(t, 8), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	var pid int64
	if err := f.db.QueryRowContext(context.Background(), `SELECT MIN(id) FROM products WHERE is_active = 1 AND stock >= :1`,
		commerce.MaxQuantity).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	id := f.newCart(t)
	const adds = 40 // of 1 each: at most MaxQuantity (20) fit
	statuses := make([]int, adds)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range adds {
		wg.Go(func() {
			<-start
			statuses[i], _, _, _ = f.do(t, "POST", "/api/carts/"+id+"/items", add(pid, 1))
		})
	}
	close(start)
	wg.Wait()
	ok, failed := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusConflict:
		default:
			failed++
		}
	}
	if failed > 0 {
		t.Errorf("%d additions failed (answers %v): they decided on a read another transaction changed", failed, statuses)
	}
	q := f.db.Int(t, `SELECT quantity FROM cart_items WHERE cart_id = :1 AND product_id = :2`, id, pid)
	if q != int64(ok) || q > commerce.MaxQuantity {
		t.Errorf("line quantity %d after %d successful additions of 1, want %d and at most %d", q, ok, ok, commerce.MaxQuantity)
	}
}
