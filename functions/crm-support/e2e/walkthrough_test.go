package e2e

import (
	"context"
	"encoding/json"
	"github.com/octo-drone-shop/serverless/shared/db"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// TestMain builds every function of the bundle so the gateway runs the real binaries.
func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }

type stack struct {
	*stacktest.Stack
	t *testing.T
}

type answer struct {
	status int
	header http.Header
	raw    string
}

func (s stack) do(method, path, bearer string, body any, header ...string) answer {
	s.t.Helper()
	a := s.Do(s.t, method, path, bearer, body, header...)
	return answer{status: a.Status, header: a.Header, raw: a.Body}
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(a.raw), v); err != nil {
		t.Fatalf("decode %s: %v", a.raw, err)
	}
}

// login signs in through the auth function and returns the access token.
func (s stack) login(email, password string) string {
	s.t.Helper()
	return s.Login(s.t, email, password)
}

// mail waits for a message to addr whose text contains every part, and returns it.
func (s stack) mail(addr string, parts ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(s.DataDir, "mail", "*.eml"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil || !strings.Contains(string(raw), "To: <"+addr+">") {
				continue
			}
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(string(raw), p)
			}
			if ok {
				return string(raw)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("no mail to %s with %q in %s/mail", addr, parts, s.DataDir)
	return ""
}

const shopperEmail = "jordan.blake@example.com"

// TestSupportDeskWalkThrough is the scenario through the gateway with real logins.
func TestSupportDeskWalkThrough(t *testing.T) {
	s := stack{Stack: stacktest.Start(t, stacktest.Options{}), t: t}
	ctx := context.Background()
	// A backlog order of the shopper: processing for two hours, with its shipment.
	created := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Millisecond)
	orderID, err := db.InsertReturningID(ctx, s.DB, `INSERT INTO orders (customer_id, subtotal, discount, shipping_cost, total, currency,
    status, payment_method, payment_status, created_at, updated_at)
VALUES ((SELECT customer_id FROM users WHERE username = :1), 100, 0, 149, 249, 'USD', 'processing', 'card', 'paid', :2, :3) RETURNING id INTO :4`,
		seed.ShopperUser, created, created)
	if err != nil {
		t.Fatal(err)
	}
	shipmentID, err := db.InsertReturningID(ctx, s.DB, `INSERT INTO shipments (order_id, tracking_number, carrier, status, created_at, updated_at)
VALUES (:1, :2, 'DHL', 'processing', :3, :4) RETURNING id INTO :5`, orderID, "OCTO-E2E-"+strconv.FormatInt(orderID, 10), created, created)
	if err != nil {
		t.Fatal(err)
	}
	order := strconv.FormatInt(orderID, 10)

	agent := s.login("support@octo-drone-shop.example", seed.SupportPassword)
	shopper := s.login(shopperEmail, seed.ShopperPassword)
	marketing := s.login("marketing@octo-drone-shop.example", seed.MarketingPassword)

	t.Run("support_lists_the_backlog", func(t *testing.T) {
		a := s.do("GET", "/api/crm/orders?backlog=true&limit=100", agent, nil)
		if a.status != http.StatusOK || !strings.Contains(a.raw, `"id":`+order+`,`) {
			t.Fatalf("%d %s: want order %s in the backlog", a.status, a.raw, order)
		}
	})
	t.Run("support_ships_and_the_customer_is_told", func(t *testing.T) {
		d := s.do("GET", "/api/crm/orders/"+order, agent, nil)
		if d.status != http.StatusOK || d.header.Get("ETag") == "" {
			t.Fatalf("detail %d %s", d.status, d.raw)
		}
		shipment := "/api/crm/shipments/" + strconv.FormatInt(shipmentID, 10)
		if a := s.do("PATCH", shipment, agent, map[string]any{"status": "shipped"}); a.status != http.StatusPreconditionRequired {
			t.Fatalf("without If-Match: %d", a.status)
		}
		a := s.do("PATCH", shipment, agent, map[string]any{"status": "shipped", "location": "Reno hub"}, "If-Match", d.header.Get("ETag"))
		if a.status != http.StatusOK {
			t.Fatalf("ship: %d %s", a.status, a.raw)
		}
		s.mail(shopperEmail, "Order "+order+": shipped")
		mine := s.do("GET", "/api/account/orders/"+order, shopper, nil)
		var o struct {
			Status   string `json:"status"`
			Shipment struct {
				Status string `json:"status"`
			} `json:"shipment"`
		}
		mine.decode(t, &o)
		if mine.status != http.StatusOK || o.Status != "shipped" || o.Shipment.Status != "shipped" {
			t.Fatalf("the customer sees %d %s", mine.status, mine.raw)
		}
	})
	t.Run("support_answers_a_ticket", func(t *testing.T) {
		opened := s.do("POST", "/api/tickets", shopper, map[string]string{"title": "Where is my drone", "message": "Ordered last week."})
		var tk struct {
			ID int64 `json:"id"`
		}
		opened.decode(t, &tk)
		if opened.status != http.StatusCreated {
			t.Fatalf("open: %d %s", opened.status, opened.raw)
		}
		p := "/api/crm/tickets/" + strconv.FormatInt(tk.ID, 10)
		if q := s.do("GET", "/api/crm/tickets?assignee=none&limit=100", agent, nil); !strings.Contains(q.raw, `"id":`+strconv.FormatInt(tk.ID, 10)+`,`) {
			t.Fatalf("queue %d %s lacks the new ticket", q.status, q.raw)
		}
		for _, m := range []map[string]any{{"message": "Reseller account, handle first", "internal": true}, {"message": "It shipped today from Reno."}} {
			if a := s.do("POST", p+"/messages", agent, m); a.status != http.StatusOK {
				t.Fatalf("message: %d %s", a.status, a.raw)
			}
		}
		s.mail(shopperEmail, "Where is my drone")
		mine := s.do("GET", "/api/tickets/"+strconv.FormatInt(tk.ID, 10), shopper, nil)
		if mine.status != http.StatusOK || !strings.Contains(mine.raw, "It shipped today from Reno.") || strings.Contains(mine.raw, "Reseller") {
			t.Fatalf("the customer sees %d %s: want the reply and not the note", mine.status, mine.raw)
		}
		if list := s.do("GET", "/api/tickets", shopper, nil); strings.Contains(list.raw, "Reseller") {
			t.Fatal("the note reached the customer's ticket list")
		}
	})
	t.Run("a_shopper_is_refused_every_crm_route", func(t *testing.T) {
		n := 0
		for _, rt := range s.Bundle.Routes() {
			if !strings.HasPrefix(rt.Path, "/api/crm/") {
				continue
			}
			n++
			path := strings.NewReplacer("{id}", order).Replace(rt.Path)
			var body any
			if rt.Method != "GET" {
				body = map[string]any{}
			}
			if a := s.do(rt.Method, path, shopper, body); a.status != http.StatusForbidden {
				t.Errorf("%s %s: %d, want 403", rt.Method, rt.Path, a.status)
			}
		}
		if n < 12 {
			t.Fatalf("only %d CRM routes declared", n)
		}
	})
	t.Run("marketing_cannot_move_orders", func(t *testing.T) {
		if a := s.do("POST", "/api/crm/orders/"+order+"/transitions", marketing, map[string]string{"to": "cancelled"}); a.status != http.StatusForbidden {
			t.Fatalf("%d %s, want 403", a.status, a.raw)
		}
		if a := s.do("GET", "/api/crm/customers?limit=1", marketing, nil); a.status != http.StatusOK {
			t.Fatalf("marketing reads customers: %d", a.status)
		}
	})
}
