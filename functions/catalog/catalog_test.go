package catalog

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
	"github.com/octo-drone-shop/serverless/shared/sqltext"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	h, err := New(d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: h}
}

// get answers target, decoding a 200 body into out; it returns the status and the statements run.
func (f fixture) get(t *testing.T, target string, out any) (int, int) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", target, nil)
	ctx := db.WithStats(req.Context())
	f.h.ServeHTTP(rec, req.WithContext(ctx))
	if rec.Code == http.StatusOK && out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("decode %s: %v", rec.Body, err)
		}
	}
	if rec.Code != http.StatusOK && !strings.Contains(rec.Body.String(), `"error"`) {
		t.Fatalf("GET %s = %d without the error body: %s", target, rec.Code, rec.Body)
	}
	return rec.Code, db.StatsFrom(ctx).Statements
}

// all pages through target with limit 7 and returns every product in the order served.
func (f fixture) all(t *testing.T, target string) []Product {
	t.Helper()
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	var out []Product
	next := target + sep + "limit=7"
	for {
		var page ProductPage
		status, stmts := f.get(t, next, &page)
		if status != http.StatusOK {
			t.Fatalf("GET %s = %d", next, status)
		}
		if stmts != 1 {
			t.Fatalf("GET %s ran %d statements, want 1", next, stmts)
		}
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			return out
		}
		if len(page.Items) != 7 {
			t.Fatalf("a non-final page has %d items, want 7", len(page.Items))
		}
		next = target + sep + "limit=7&cursor=" + *page.NextCursor
	}
}

func TestListProductsSortsAndPagesEveryOrder(t *testing.T) {
	f := newFixture(t)
	// Reviews make the rating order meaningful: ratings 5,4 (4.50) and 3 (3.00) on two products.
	f.db.Exec(t, `DELETE FROM reviews`)
	f.db.Exec(t, `INSERT INTO reviews (product_id, author_name, rating) SELECT id, 'A', 5 FROM products WHERE sku = 'ACC-PAD-150'`)
	f.db.Exec(t, `INSERT INTO reviews (product_id, author_name, rating) SELECT id, 'B', 4 FROM products WHERE sku = 'ACC-PAD-150'`)
	f.db.Exec(t, `INSERT INTO reviews (product_id, author_name, rating) SELECT id, 'C', 3 FROM products WHERE sku = 'CTL-ANT-HG'`)
	f.db.Exec(t, `UPDATE products SET is_active = 0 WHERE sku = 'PRT-ESC-80'`)
	var active int
	if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM products WHERE is_active = 1`).Scan(&active); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sort string
		less func(a, b Product) bool // a must not come after b
	}{
		{"name", func(a, b Product) bool { return a.Name < b.Name || a.Name == b.Name && a.ID < b.ID }},
		{"price", func(a, b Product) bool { return a.Price < b.Price || a.Price == b.Price && a.ID < b.ID }},
		{"-price", func(a, b Product) bool { return a.Price > b.Price || a.Price == b.Price && a.ID > b.ID }},
		{"newest", func(a, b Product) bool {
			return a.CreatedAt.After(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && a.ID > b.ID
		}},
		{"rating", func(a, b Product) bool {
			return a.RatingAvg > b.RatingAvg || a.RatingAvg == b.RatingAvg && a.ID < b.ID
		}},
	} {
		t.Run(tc.sort, func(t *testing.T) {
			got := f.all(t, "/api/products?sort="+url.QueryEscape(tc.sort))
			if len(got) != active {
				t.Fatalf("served %d products, want the %d active ones", len(got), active)
			}
			seen := map[int64]bool{}
			for i, p := range got {
				if seen[p.ID] || p.SKU == "PRT-ESC-80" {
					t.Fatalf("product %d (%s) served twice or while inactive", p.ID, p.SKU)
				}
				seen[p.ID] = true
				if i > 0 && !tc.less(got[i-1], p) {
					t.Fatalf("order broken at %d: %+v before %+v", i, got[i-1], p)
				}
				if p.Price <= 0 || p.Currency != "USD" || p.SKU == "" || p.Category == "" {
					t.Errorf("product %+v lacks price, currency, sku or category", p)
				}
				if p.InStock != (p.Stock > 0) || p.LowStock != (p.Stock > 0 && p.Stock <= LowStock) {
					t.Errorf("flags wrong for %+v", p)
				}
			}
			if tc.sort == "rating" {
				if got[0].SKU != "ACC-PAD-150" || got[0].RatingAvg != 4.5 || got[0].RatingCount != 2 {
					t.Fatalf("first by rating = %s %v/%d, want ACC-PAD-150 4.5/2", got[0].SKU, got[0].RatingAvg, got[0].RatingCount)
				}
				if got[1].SKU != "CTL-ANT-HG" || got[1].RatingAvg != 3 || got[1].RatingCount != 1 {
					t.Fatalf("second by rating = %s %v/%d, want CTL-ANT-HG 3/1", got[1].SKU, got[1].RatingAvg, got[1].RatingCount)
				}
			}
		})
	}
}

func TestListProductsFilters(t *testing.T) {
	f := newFixture(t)
	f.db.Exec(t, `UPDATE products SET description = 'Rated 100% waterproof' WHERE sku = 'ACC-VEST-HV'`)
	for _, tc := range []struct {
		name, query string
		want        []string // SKUs, sorted
	}{
		{"q_matches_name_case_insensitively", "q=LANDING+PAD", []string{"ACC-PAD-150"}},
		{"q_matches_sku", "q=ctl-rtk", []string{"CTL-RTK-B2"}},
		{"q_matches_description", "q=prescription", []string{"DRN-A10-AGR"}},
		{"q_percent_is_literal", "q=100%25", []string{"ACC-VEST-HV"}},
		{"q_underscore_is_literal", "q=_", nil},
		{"category_is_exact", "category=controllers", []string{"CTL-ANT-HG", "CTL-ENT-2", "CTL-GCS-1", "CTL-LNK-4G", "CTL-PRO-7", "CTL-RTK-B2"}},
		{"filters_combine", "category=controllers&q=station", []string{"CTL-GCS-1", "CTL-RTK-B2"}},
		{"unknown_category_is_empty", "category=boats", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range f.all(t, "/api/products?"+tc.query) {
				got = append(got, p.SKU)
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestListProductsRejectsBadInput(t *testing.T) {
	f := newFixture(t)
	var page ProductPage
	if status, _ := f.get(t, "/api/products?limit=2&sort=price", &page); status != http.StatusOK || page.NextCursor == nil {
		t.Fatalf("setup: status %d", status)
	}
	for _, target := range []string{
		"/api/products?limit=0", "/api/products?limit=101", "/api/products?limit=x", "/api/products?sort=cost",
		"/api/products?cursor=%%%", "/api/products?cursor=!!!", "/api/products?cursor=bm90LWpzb24",
		"/api/products?sort=name&cursor=" + *page.NextCursor, // a price cursor under another sort
		"/api/products?q=" + strings.Repeat("x", 101), "/api/products?category=" + strings.Repeat("c", 65),
		"/api/categories?x=1",
	} {
		t.Run(target, func(t *testing.T) {
			if status, _ := f.get(t, target, nil); status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", status)
			}
		})
	}
}

func TestGetProduct(t *testing.T) {
	f := newFixture(t)
	var id, inactive int64
	ctx := context.Background()
	if err := f.db.QueryRowContext(ctx, `SELECT id FROM products WHERE sku = 'DRN-X8-HL'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	f.db.Exec(t, `DELETE FROM reviews WHERE product_id = :1`, id)
	f.db.Exec(t, `INSERT INTO reviews (product_id, author_name, rating) VALUES (:1, 'A', 4)`, id)
	f.db.Exec(t, `INSERT INTO reviews (product_id, author_name, rating) VALUES (:1, 'B', 4)`, id)
	f.db.Exec(t, `INSERT INTO reviews (product_id, author_name, rating) VALUES (:1, 'C', 5)`, id)
	if err := f.db.QueryRowContext(ctx, `SELECT id FROM products WHERE sku = 'PRT-FC-V5'`).Scan(&inactive); err != nil {
		t.Fatal(err)
	}
	f.db.Exec(t, `UPDATE products SET is_active = 0 WHERE id = :1`, inactive)

	var p Product
	status, stmts := f.get(t, "/api/products/"+itoa(id), &p)
	if status != http.StatusOK || stmts != 1 {
		t.Fatalf("status %d, %d statements; want 200 and 1", status, stmts)
	}
	if p.SKU != "DRN-X8-HL" || p.Price != 1899900 || p.Stock != 4 || !p.LowStock || p.RatingCount != 3 || p.RatingAvg != 4.33 {
		t.Fatalf("product = %+v", p)
	}
	// Any other spelling of an id names no product either: 404 as on every route, never 400 here and
	// 404 there, and "0"+id or "+"+id is not the product itself.
	for _, target := range []string{"/api/products/" + itoa(inactive), "/api/products/999999", "/api/products/abc",
		"/api/products/0", "/api/products/0" + itoa(id), "/api/products/+" + itoa(id), "/api/products/-1"} {
		if status, _ := f.get(t, target, nil); status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", target, status)
		}
	}
}

func TestReferenceLists(t *testing.T) {
	f := newFixture(t)
	f.db.Exec(t, `UPDATE products SET is_active = 0 WHERE sku = 'CTL-ANT-HG'`)
	f.db.Exec(t, `UPDATE shops SET is_active = 0 WHERE city = 'Austin'`)

	var cats List[Category]
	if status, stmts := f.get(t, "/api/categories", &cats); status != http.StatusOK || stmts != 1 {
		t.Fatalf("categories: %d, %d statements", status, stmts)
	}
	counts := map[string]int64{}
	for _, c := range cats.Items {
		counts[c.Name] = c.ProductCount
	}
	if len(counts) != 6 || counts["controllers"] != 5 || counts["drones"] != 8 {
		t.Fatalf("categories = %+v, want 6 with controllers 5 (one inactive) and drones 8", cats.Items)
	}

	var shops List[Shop]
	if status, _ := f.get(t, "/api/shops", &shops); status != http.StatusOK {
		t.Fatalf("shops: %d", status)
	}
	if len(shops.Items) != 2 || shops.Items[0].Latitude == nil || shops.Items[0].Name == "" {
		t.Fatalf("shops = %+v, want the 2 active ones with coordinates", shops.Items)
	}
	for _, s := range shops.Items {
		if s.City == "Austin" {
			t.Fatalf("inactive shop listed: %+v", s)
		}
	}

	var services List[ShopService]
	if status, _ := f.get(t, "/api/services", &services); status != http.StatusOK {
		t.Fatalf("services: %d", status)
	}
	if len(services.Items) != 4 || services.Items[0].Price <= 0 || services.Items[0].DurationMinutes <= 0 {
		t.Fatalf("services = %+v", services.Items)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestProductReadsAggregateOnlyTheirReviews: a product page, and a list page in any order but rating,
// read the review aggregate of their own products only. Checked on the embedded database's plan: no
// such statement passes over the reviews table (a SCAN of it or of its alias r) or materializes a
// grouping of it, which the rating order does and must (it sorts on every product's aggregate). The
// cost this keeps away grows with the reviews table: 140 ms per product page at 100 000 reviews.
func TestProductReadsAggregateOnlyTheirReviews(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{})
	d.RequireSQLite(t)
	raw, err := sqlite.Open(d.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	passesOverReviews := regexp.MustCompile(`\bSCAN (reviews|r)\b|MATERIALIZE`)
	plan := func(t *testing.T, oracle string, binds int) string {
		t.Helper()
		text, err := sqltext.Translate(oracle)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := raw.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+text, make([]any, binds)...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, detail)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	if p := plan(t, getProductSQL, 1); passesOverReviews.MatchString(p) {
		t.Errorf("a product page passes over every review:\n%s", p)
	}
	for name, o := range sorts {
		p := plan(t, listProductsSQL(o), 11)
		if passes := passesOverReviews.MatchString(p); passes != o.byRating {
			t.Errorf("sort %s: passes over every review %v, want %v:\n%s", name, passes, o.byRating, p)
		}
	}
}
