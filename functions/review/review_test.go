package review

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: h}
}

// response is what a request answered, and the statements it ran.
type response struct {
	status int
	body   []byte
	stmts  int
}

func (f fixture) do(t *testing.T, method, target, body string, headers map[string]string) response {
	t.Helper()
	s := dbtest.Serve(f.h, method, target, body, headers)
	return response{status: s.Status, body: s.Body, stmts: s.Statements}
}

func (r response) decode(t *testing.T, out any) {
	t.Helper()
	dbtest.Decode(t, r.body, out)
}

// errorCode returns the code of a JSON error body, failing when the body is not one.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	return dbtest.ErrorCode(t, r.body)
}

func (f fixture) user(t *testing.T, username string) map[string]string {
	t.Helper()
	id := f.db.Int(t, `SELECT id FROM users WHERE username = :1`, username)
	return map[string]string{gateway.PrincipalHeader: identity.LocalPrincipal(id), gateway.ScopesHeader: "customer"}
}

// product returns an active product the shopper bought (bought) or never ordered (!bought).
func (f fixture) product(t *testing.T, bought bool) int64 {
	t.Helper()
	q := `SELECT MIN(p.id) FROM products p WHERE p.is_active = 1 AND NOT EXISTS (
    SELECT 1 FROM order_items oi JOIN orders o ON o.id = oi.order_id JOIN users u ON u.customer_id = o.customer_id
    WHERE oi.product_id = p.id AND u.username = :1)`
	if bought {
		q = `SELECT MIN(p.id) FROM products p WHERE p.is_active = 1 AND EXISTS (
    SELECT 1 FROM order_items oi JOIN orders o ON o.id = oi.order_id JOIN users u ON u.customer_id = o.customer_id
    WHERE oi.product_id = p.id AND u.username = :1 AND o.status IN ('paid', 'processing', 'shipped', 'delivered'))`
	}
	return f.db.Int(t, q, seed.ShopperUser)
}

func reviewsPath(id int64) string { return "/api/products/" + strconv.FormatInt(id, 10) + "/reviews" }

func accountPath(id int64) string {
	return "/api/account/products/" + strconv.FormatInt(id, 10) + "/reviews"
}

func TestBadReviewsAre4xxAndChangeNothing(t *testing.T) {
	f := newFixture(t)
	pid := f.product(t, false)
	inactive := f.product(t, true)
	if _, err := f.db.ExecContext(context.Background(), `UPDATE products SET is_active = 0 WHERE id = :1`, inactive); err != nil {
		t.Fatal(err)
	}
	shopper := f.user(t, seed.ShopperUser)
	before := f.db.Int(t, `SELECT COUNT(*) FROM reviews`)
	long := strings.Repeat("é", 2001)
	for _, tc := range []struct {
		name, target, body string
		headers            map[string]string
		status             int
		code               string
	}{
		{"rating_0_is_400", reviewsPath(pid), `{"rating":0,"author_name":"Ann"}`, nil, 400, "invalid_request"},
		{"rating_6_is_400", reviewsPath(pid), `{"rating":6,"author_name":"Ann"}`, nil, 400, "invalid_request"},
		{"rating_string_is_400", reviewsPath(pid), `{"rating":"5","author_name":"Ann"}`, nil, 400, "invalid_request"},
		{"rating_missing_is_400", reviewsPath(pid), `{"author_name":"Ann","comment":"great"}`, nil, 400, "invalid_request"},
		{"rating_null_is_400", reviewsPath(pid), `{"rating":null,"author_name":"Ann"}`, nil, 400, "invalid_request"},
		{"rating_fraction_is_400", reviewsPath(pid), `{"rating":4.5,"author_name":"Ann"}`, nil, 400, "invalid_request"},
		{"account_rating_missing_is_400", accountPath(pid), `{"comment":"x"}`, shopper, 400, "invalid_request"},
		{"account_rating_6_is_400", accountPath(pid), `{"rating":6}`, shopper, 400, "invalid_request"},
		{"author_missing_is_400", reviewsPath(pid), `{"rating":4}`, nil, 400, "invalid_request"},
		{"author_blank_is_400", reviewsPath(pid), `{"rating":4,"author_name":"   "}`, nil, 400, "invalid_request"},
		{"author_over_100_is_400", reviewsPath(pid), `{"rating":4,"author_name":"` + strings.Repeat("a", 101) + `"}`, nil, 400, "invalid_request"},
		{"comment_over_2000_chars_is_400", reviewsPath(pid), `{"rating":4,"author_name":"Ann","comment":"` + long + `"}`, nil, 400, "invalid_request"},
		{"title_with_newline_is_400", reviewsPath(pid), `{"rating":4,"author_name":"Ann","title":"a\nb"}`, nil, 400, "invalid_request"},
		{"unknown_field_is_400", reviewsPath(pid), `{"rating":4,"author_name":"Ann","customer_id":1}`, nil, 400, "invalid_request"},
		{"title_whitespace_only_is_400", reviewsPath(pid), `{"rating":4,"author_name":"Ann","title":" \u3000 "}`, nil, 400, "invalid_request"},
		{"author_with_rtl_override_is_400", reviewsPath(pid), `{"rating":4,"author_name":"Ann \u202egnp.exe"}`, nil, 400, "invalid_request"},
		{"title_with_zero_width_space_is_400", reviewsPath(pid), `{"rating":4,"author_name":"Ann","title":"Gr\u200beat"}`, nil, 400, "invalid_request"},
		{"author_over_100_bytes_is_400", reviewsPath(pid), `{"rating":4,"author_name":"` + strings.Repeat("é", 51) + `"}`, nil, 400, "invalid_request"},
		{"duplicate_rating_is_400", reviewsPath(pid), `{"rating":1,"author_name":"Ann","rating":5}`, nil, 400, "invalid_request"},
		{"case_variant_rating_is_400", reviewsPath(pid), `{"Rating":4,"author_name":"Ann"}`, nil, 400, "invalid_request"},
		{"lone_surrogate_is_400", reviewsPath(pid), `{"rating":4,"author_name":"Ann \ud800"}`, nil, 400, "invalid_request"},
		{"trailing_data_is_400", reviewsPath(pid), `{"rating":4,"author_name":"Ann"} {}`, nil, 400, "invalid_request"},
		{"unknown_product_is_404", reviewsPath(99999999), `{"rating":4,"author_name":"Ann"}`, nil, 404, "not_found"},
		{"inactive_product_is_404", reviewsPath(inactive), `{"rating":4,"author_name":"Ann"}`, nil, 404, "not_found"},
		{"account_inactive_product_is_404", accountPath(inactive), `{"rating":4}`, shopper, 404, "not_found"},
		{"account_without_customer_is_403", accountPath(pid), `{"rating":4}`, f.user(t, seed.AdminUser), 403, "no_customer_profile"},
		{"external_principal_is_403", accountPath(pid), `{"rating":4}`, map[string]string{gateway.PrincipalHeader: "oidc:abc"}, 403, "no_customer_profile"},
		{"account_route_without_principal_is_401", accountPath(pid), `{"rating":4}`, nil, 401, "unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, "POST", tc.target, tc.body, tc.headers)
			if r.status != tc.status || r.errorCode(t) != tc.code {
				t.Fatalf("= %d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM reviews`); n != before {
				t.Fatalf("reviews %d -> %d", before, n)
			}
		})
	}
	t.Run("text_plain_is_415", func(t *testing.T) {
		r := f.do(t, "POST", reviewsPath(pid), `{"rating":4,"author_name":"Ann"}`, map[string]string{"Content-Type": "text/plain"})
		if r.status != http.StatusUnsupportedMediaType || r.errorCode(t) != "unsupported_media_type" {
			t.Fatalf("= %d %s", r.status, r.body)
		}
	})
}

func TestAnonymousReviewIsStoredExactlyAsGiven(t *testing.T) {
	f := newFixture(t)
	pid := f.product(t, false)
	texts := map[string]string{
		"author_name": "Siobhán O'Brien -- #42",
		"title":       "drop-in replacement, select the 5 inch props",
		"comment":     "<b>Works</b> with 1; DROP TABLE reviews; --\nline two\t& \"quotes\" 'single' \\ 日本語",
	}
	body, err := json.Marshal(map[string]any{"rating": 4, "author_name": texts["author_name"], "title": texts["title"], "comment": texts["comment"]})
	if err != nil {
		t.Fatal(err)
	}
	r := f.do(t, "POST", reviewsPath(pid), string(body), nil)
	if r.status != http.StatusCreated {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	var got Review
	r.decode(t, &got)
	if got.ID == 0 || got.Verified || got.Rating != 4 || got.AuthorName != texts["author_name"] {
		t.Fatalf("answer %+v", got)
	}
	var author, title, comment string
	var customer *int64
	err = f.db.QueryRowContext(context.Background(), `SELECT author_name, title, review_text, customer_id FROM reviews WHERE id = :1`, got.ID).
		Scan(&author, &title, &comment, &customer)
	if err != nil {
		t.Fatal(err)
	}
	if author != texts["author_name"] || title != texts["title"] || comment != texts["comment"] || customer != nil {
		t.Fatalf("stored %q %q %q customer %v", author, title, comment, customer)
	}
	var page Page
	f.do(t, "GET", reviewsPath(pid), "", nil).decode(t, &page)
	if len(page.Items) == 0 || page.Items[0].ID != got.ID || *page.Items[0].Comment != texts["comment"] {
		t.Fatalf("the list does not return the review as stored: %+v", page.Items)
	}
}

func TestCustomerReviewIsLinkedVerifiedAndUpdatedInPlace(t *testing.T) {
	f := newFixture(t)
	shopper := f.user(t, seed.ShopperUser)
	customer := f.db.Int(t, `SELECT customer_id FROM users WHERE username = :1`, seed.ShopperUser)
	for _, tc := range []struct {
		name     string
		bought   bool
		verified bool
	}{
		{"bought_product_is_verified", true, true},
		{"unbought_product_is_not_verified", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pid := f.product(t, tc.bought)
			if _, err := f.db.ExecContext(context.Background(), `DELETE FROM reviews WHERE customer_id = :1 AND product_id = :2`, customer, pid); err != nil {
				t.Fatal(err)
			}
			r := f.do(t, "POST", accountPath(pid), `{"rating":5,"title":"Great"}`, shopper)
			if r.status != http.StatusCreated {
				t.Fatalf("first POST = %d %s", r.status, r.body)
			}
			var first Review
			r.decode(t, &first)
			wantAuthor := ""
			if err := f.db.QueryRowContext(context.Background(), `SELECT name FROM customers WHERE id = :1`, customer).Scan(&wantAuthor); err != nil {
				t.Fatal(err)
			}
			if first.Verified != tc.verified || first.AuthorName != wantAuthor {
				t.Fatalf("first review %+v, want verified %t by %q", first, tc.verified, wantAuthor)
			}
			r = f.do(t, "POST", accountPath(pid), `{"rating":2,"comment":"changed my mind","author_name":"J."}`, shopper)
			if r.status != http.StatusOK {
				t.Fatalf("second POST = %d %s", r.status, r.body)
			}
			var second Review
			r.decode(t, &second)
			if second.ID != first.ID || !second.CreatedAt.Equal(first.CreatedAt) || second.Rating != 2 || second.Title != nil {
				t.Fatalf("second %+v, first %+v", second, first)
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM reviews WHERE customer_id = :1 AND product_id = :2`, customer, pid); n != 1 {
				t.Fatalf("%d reviews by the customer of product %d, want 1", n, pid)
			}
			if v := f.db.Int(t, `SELECT is_verified FROM reviews WHERE id = :1`, first.ID); (v == 1) != tc.verified {
				t.Fatalf("stored is_verified %d", v)
			}
		})
	}
	t.Run("concurrent_first_reviews_make_one_row", func(t *testing.T) {
		pid := f.product(t, false)
		if _, err := f.db.ExecContext(context.Background(), `DELETE FROM reviews WHERE customer_id = :1`, customer); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		statuses := make([]int, 6)
		for i := range statuses {
			wg.Go(func() { statuses[i] = f.do(t, "POST", accountPath(pid), `{"rating":3}`, shopper).status })
		}
		wg.Wait()
		created := 0
		for _, s := range statuses {
			if s == http.StatusCreated {
				created++
			} else if s != http.StatusOK {
				t.Fatalf("statuses %v", statuses)
			}
		}
		if created != 1 || f.db.Int(t, `SELECT COUNT(*) FROM reviews WHERE customer_id = :1 AND product_id = :2`, customer, pid) != 1 {
			t.Fatalf("statuses %v: want one 201 and one row", statuses)
		}
	})
}

func TestListIsNewestFirstWithTheProductsSummary(t *testing.T) {
	f := newFixture(t)
	pid := f.product(t, false)
	for i, rating := range []int{5, 4, 4, 1, 3} {
		body := `{"rating":` + strconv.Itoa(rating) + `,"author_name":"Reviewer ` + strconv.Itoa(i) + `"}`
		if r := f.do(t, "POST", reviewsPath(pid), body, nil); r.status != http.StatusCreated {
			t.Fatalf("POST = %d %s", r.status, r.body)
		}
	}
	count := f.db.Int(t, `SELECT COUNT(*) FROM reviews WHERE product_id = :1`, pid)
	sum := f.db.Int(t, `SELECT SUM(rating) FROM reviews WHERE product_id = :1`, pid)
	var all []Review
	target := reviewsPath(pid) + "?limit=2"
	for {
		r := f.do(t, "GET", target, "", nil)
		if r.status != http.StatusOK || r.stmts != 2 {
			t.Fatalf("GET %s = %d, %d statements; want 200, 2", target, r.status, r.stmts)
		}
		var page Page
		r.decode(t, &page)
		if page.ReviewCount != count || page.AverageRating == nil || *page.AverageRating != float64(int(float64(sum)*100/float64(count)+0.5))/100 {
			t.Fatalf("summary %d %v, want %d and the mean of %d", page.ReviewCount, page.AverageRating, count, sum)
		}
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			break
		}
		target = reviewsPath(pid) + "?limit=2&cursor=" + *page.NextCursor
	}
	if int64(len(all)) != count {
		t.Fatalf("listed %d reviews, want %d", len(all), count)
	}
	for i := 1; i < len(all); i++ {
		prev, cur := all[i-1], all[i]
		if cur.CreatedAt.After(prev.CreatedAt) || cur.CreatedAt.Equal(prev.CreatedAt) && cur.ID > prev.ID {
			t.Fatalf("not newest first at %d: %+v after %+v", i, cur, prev)
		}
	}
	if all[0].AuthorName != "Reviewer 4" {
		t.Fatalf("newest is %q, want the last posted", all[0].AuthorName)
	}

	var empty Page
	none := f.db.Int(t, `SELECT MIN(p.id) FROM products p WHERE p.is_active = 1 AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.product_id = p.id)`)
	f.do(t, "GET", reviewsPath(none), "", nil).decode(t, &empty)
	if empty.ReviewCount != 0 || empty.AverageRating != nil || len(empty.Items) != 0 {
		t.Fatalf("product without reviews: %+v", empty)
	}
	for _, tc := range []struct {
		name, target string
		status       int
	}{
		{"unknown_product_is_404", reviewsPath(99999999), 404},
		{"malformed_id_is_404", "/api/products/abc/reviews", 404},
		{"leading_zero_is_404", "/api/products/0" + strconv.FormatInt(pid, 10) + "/reviews", 404},
		{"plus_sign_is_404", "/api/products/+" + strconv.FormatInt(pid, 10) + "/reviews", 404},
		{"bad_limit_is_400", reviewsPath(pid) + "?limit=51", 400},
		{"bad_cursor_is_400", reviewsPath(pid) + "?cursor=xyz", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := f.do(t, "GET", tc.target, "", nil); r.status != tc.status {
				t.Fatalf("= %d %s, want %d", r.status, r.body, tc.status)
			}
		})
	}
}

// TestReviewWithoutTitleOrCommentAnswersNull: godror scans a NULL string as "" (sql.NullString would
// be Valid), and so does the embedded database: a review without a title or comment must still list
// them as null, never "".
func TestReviewWithoutTitleOrCommentAnswersNull(t *testing.T) {
	f := newFixture(t)
	pid := f.product(t, false)
	if r := f.do(t, "POST", reviewsPath(pid), `{"rating":4,"author_name":"Ann"}`, nil); r.status != http.StatusCreated {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	var page struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	f.do(t, "GET", reviewsPath(pid), "", nil).decode(t, &page)
	found := false
	for _, it := range page.Items {
		if string(it["author_name"]) != `"Ann"` {
			continue
		}
		found = true
		for _, k := range []string{"title", "comment"} {
			if got := string(it[k]); got != "null" {
				t.Errorf("%s = %s, want null", k, got)
			}
		}
	}
	if !found {
		t.Fatal("the new review is not listed")
	}
}
