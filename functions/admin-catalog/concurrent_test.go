package admincatalog

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

// eightAtOnce sends the requests together and returns their statuses.
func eightAtOnce(f fixture, h map[string]string, method string, target func(i int) string, body func(i int) string, extra map[string]string) []int {
	statuses := make([]int, 8)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			hh := map[string]string{}
			for k, v := range h {
				hh[k] = v
			}
			for k, v := range extra {
				hh[k] = v
			}
			statuses[i] = dbtest.Serve(f.H, method, target(i), body(i), hh).Status
		})
	}
	wg.Wait()
	return statuses
}

func count(statuses []int, code int) int {
	n := 0
	for _, s := range statuses {
		if s == code {
			n++
		}
	}
	return n
}

// The same create sent eight times at once makes one product (the others 409 sku_taken), and eight
// updates carrying the same ETag make one change (the others 412): one row, one audit entry each.
func TestEightIdenticalWritesAtOnceMakeOneChange(t *testing.T) {
	f := newFixture(t)
	h := f.DB.As(t, seed.AdminUser)
	const path = "/api/admin/products"

	created := eightAtOnce(f, h, "POST", func(int) string { return path }, func(int) string { return valid(path, 77) }, nil)
	if count(created, http.StatusCreated) != 1 || count(created, http.StatusConflict) != 7 {
		t.Fatalf("eight identical creates answered %v, want one 201 and seven 409", created)
	}
	id := f.DB.Int(t, `SELECT id FROM products WHERE sku = 'TST-77'`)
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'product.create' AND entity_id = :1`, strconv.FormatInt(id, 10)); n != 1 {
		t.Fatalf("%d create audit rows, want 1", n)
	}

	detail := path + "/" + strconv.FormatInt(id, 10)
	etag := f.do(t, "GET", detail, "").ETag
	updated := eightAtOnce(f, h, "PATCH", func(int) string { return detail },
		func(i int) string { return fmt.Sprintf(`{"price":"%d.00"}`, 1000+i) }, map[string]string{"If-Match": etag})
	if count(updated, http.StatusOK) != 1 || count(updated, http.StatusPreconditionFailed) != 7 {
		t.Fatalf("eight updates with one ETag answered %v, want one 200 and seven 412", updated)
	}
	winner := -1
	for i, s := range updated {
		if s == http.StatusOK {
			winner = i
		}
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM products WHERE id = :1 AND price = :2`, id, 1000+winner); n != 1 {
		t.Fatalf("the product does not carry the winning update's price %d.00", 1000+winner)
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'product.update' AND entity_id = :1`, strconv.FormatInt(id, 10)); n != 1 {
		t.Fatalf("%d update audit rows, want 1", n)
	}
}
