package e2e

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/web"
)

// request is a valid request of a route: its path with parameters filled, the JSON body (nil for
// none) whose strings the corpora replace one at a time, and extra headers.
type request struct {
	path   string
	body   map[string]any
	header map[string]string
}

// sample builds a fresh valid request of a route; each call may create what the route needs (a cart
// with an item for checkout).
type sample func(t *testing.T, s *stack) request

// publicWrites has a sample for every public POST, PUT and PATCH route of the bundle, keyed by route
// pattern. TestAttackCorpus fails for a public write route missing here, so a new route cannot skip
// the corpus.
var publicWrites = map[string]sample{
	"POST /api/auth/register": func(t *testing.T, s *stack) request {
		return request{path: "/api/auth/register", body: map[string]any{
			"email": "pilot." + unique() + "@example.com", "password": "a long enough password", "name": "New Pilot"}}
	},
	"POST /api/auth/login": func(t *testing.T, s *stack) request {
		return request{path: "/api/auth/login", body: map[string]any{"email": "nobody." + unique() + "@example.com", "password": "whatever password"}}
	},
	"POST /api/auth/refresh": func(t *testing.T, s *stack) request {
		return request{path: "/api/auth/refresh", body: map[string]any{"refresh_token": "refresh" + unique()}}
	},
	"POST /api/auth/logout": func(t *testing.T, s *stack) request {
		return request{path: "/api/auth/logout", body: map[string]any{"refresh_token": "refresh" + unique()}}
	},
	"POST /api/auth/password/forgot": func(t *testing.T, s *stack) request {
		return request{path: "/api/auth/password/forgot", body: map[string]any{"email": "nobody." + unique() + "@example.com"}}
	},
	"POST /api/auth/password/reset": func(t *testing.T, s *stack) request {
		return request{path: "/api/auth/password/reset", body: map[string]any{"token": "reset" + unique(), "password": "a long enough password"}}
	},
	"POST /api/carts": func(t *testing.T, s *stack) request { return request{path: "/api/carts"} },
	"POST /api/carts/{cart_id}/items": func(t *testing.T, s *stack) request {
		return request{path: "/api/carts/" + s.cart(t, false) + "/items", body: map[string]any{"product_id": s.product(t), "quantity": 1}}
	},
	"PATCH /api/carts/{cart_id}/items/{item_id}": func(t *testing.T, s *stack) request {
		cart := s.cart(t, true)
		item := s.int(t, `SELECT MIN(id) FROM cart_items WHERE cart_id = :1`, cart)
		return request{path: "/api/carts/" + cart + "/items/" + strconv.FormatInt(item, 10), body: map[string]any{"quantity": 2}}
	},
	"POST /api/checkout": func(t *testing.T, s *stack) request {
		return request{path: "/api/checkout", header: map[string]string{"Idempotency-Key": "corpus-" + unique()}, body: map[string]any{
			"cart_id":          s.cart(t, true),
			"customer":         map[string]any{"name": "Avery Quinn", "email": "avery." + unique() + "@example.com", "phone": "+1 555 0100", "company": "Quinn Aerial"},
			"shipping_address": "1 Main St, Springfield",
			"payment_method":   "card",
		}}
	},
	"POST /api/coupons/validate": func(t *testing.T, s *stack) request {
		return request{path: "/api/coupons/validate", body: map[string]any{"code": "SPRING15", "subtotal": "129.00"}}
	},
	"POST /api/products/{id}/reviews": func(t *testing.T, s *stack) request {
		return request{path: "/api/products/" + strconv.FormatInt(s.product(t), 10) + "/reviews", body: map[string]any{
			"rating": 5, "title": "Solid", "comment": "Flies well.", "author_name": "Avery"}}
	},
	"POST /api/leads": func(t *testing.T, s *stack) request {
		return request{path: "/api/leads", body: map[string]any{"email": "lead." + unique() + "@example.com", "name": "Avery Quinn",
			"company": "Quinn Aerial", "source": "web", "message": "Please call me.", "consent": true}}
	},
	"POST /api/assistant/chat": func(t *testing.T, s *stack) request {
		return request{path: "/api/assistant/chat", body: map[string]any{"message": "Which thermal camera fits roof inspections?",
			"product_focus": "Thermal 640R"}}
	},
	"POST /api/page-views": func(t *testing.T, s *stack) request {
		return request{path: "/api/page-views", body: map[string]any{"page": "/products/1", "session_id": "sess-" + unique(),
			"load_time_ms": 420, "referrer": "https://example.com/", "region": "us-ashburn-1"}}
	},
}

var counter atomic.Int64

// unique returns a string no other call of the test run returns.
func unique() string { return strconv.FormatInt(counter.Add(1), 10) }

// product returns an active product with stock to spare.
func (s *stack) product(t *testing.T) int64 {
	t.Helper()
	return s.int(t, `SELECT MIN(id) FROM products WHERE is_active = 1 AND stock > 100`)
}

// cart creates a cart through the API, holding one product when withItem.
func (s *stack) cart(t *testing.T, withItem bool) string {
	t.Helper()
	res := s.do(t, "POST", "/api/carts", nil, nil)
	id, ok := strings.CutPrefix(res.header.Get("Location"), "/api/carts/")
	if res.status != http.StatusCreated || !ok {
		t.Fatalf("create cart: %d %s", res.status, res.body)
	}
	if withItem {
		if res := s.do(t, "POST", "/api/carts/"+id+"/items", map[string]any{"product_id": s.product(t), "quantity": 1}, nil); res.status != http.StatusOK {
			t.Fatalf("add item: %d %s", res.status, res.body)
		}
	}
	return id
}

// stringPaths lists the paths of every string in v (customer.name), in a stable order.
func stringPaths(v any, prefix string) []string {
	var out []string
	switch t := v.(type) {
	case string:
		out = append(out, prefix)
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, stringPaths(t[k], p)...)
		}
	}
	return out
}

// with returns a copy of body with the string at path replaced by value.
func with(body map[string]any, path, value string) map[string]any {
	out := make(map[string]any, len(body))
	head, rest, nested := strings.Cut(path, ".")
	for k, v := range body {
		out[k] = v
	}
	if nested {
		out[head] = with(body[head].(map[string]any), rest, value)
	} else {
		out[head] = value
	}
	return out
}

// rejectedByDetection reports whether an answer is the security middleware's refusal.
func rejectedByDetection(r response) bool {
	return r.status == http.StatusBadRequest && strings.Contains(r.body, "pattern used in attacks")
}

// errorCode returns the code of an error body.
func errorCode(r response) string {
	var eb web.ErrorBody
	_ = json.Unmarshal([]byte(r.body), &eb)
	return eb.Error.Code
}
