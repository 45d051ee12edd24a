package catalog

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

func newHandler(t *testing.T) http.Handler {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	h, err := New(d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(t *testing.T, h http.Handler, target string) (int, ProductPage) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	var page ProductPage
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Fatalf("decode %s: %v", rec.Body, err)
		}
	}
	return rec.Code, page
}

func TestListProductsPagesThroughTheSeededCatalog(t *testing.T) {
	h := newHandler(t)
	seen := map[int64]bool{}
	target := "/api/products?limit=7"
	prev := ""
	pages := 0
	for {
		status, page := get(t, h, target)
		if status != http.StatusOK {
			t.Fatalf("GET %s = %d", target, status)
		}
		pages++
		for _, p := range page.Items {
			if seen[p.ID] {
				t.Fatalf("product %d returned twice", p.ID)
			}
			seen[p.ID] = true
			if p.Name < prev {
				t.Fatalf("order broken: %q after %q", p.Name, prev)
			}
			prev = p.Name
			if p.Price <= 0 || p.Currency != "USD" || p.SKU == "" {
				t.Errorf("product %+v lacks price, currency or sku", p)
			}
			if p.InStock != (p.Stock > 0) || p.LowStock != (p.Stock > 0 && p.Stock <= LowStock) {
				t.Errorf("flags wrong for %+v", p)
			}
		}
		if page.NextCursor == nil {
			break
		}
		if len(page.Items) != 7 {
			t.Fatalf("a non-final page has %d items, want 7", len(page.Items))
		}
		target = "/api/products?limit=7&cursor=" + *page.NextCursor
	}
	if len(seen) < 40 || pages < 6 {
		t.Fatalf("saw %d products over %d pages, want the whole seeded catalog (>= 40)", len(seen), pages)
	}
}

func TestListProductsRejectsBadInput(t *testing.T) {
	h := newHandler(t)
	for _, target := range []string{
		"/api/products?limit=0", "/api/products?limit=101", "/api/products?limit=x",
		"/api/products?cursor=%%%", "/api/products?cursor=!!!", "/api/products?cursor=bm90LWpzb24",
	} {
		t.Run(target, func(t *testing.T) {
			if status, _ := get(t, h, target); status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", status)
			}
		})
	}
}
