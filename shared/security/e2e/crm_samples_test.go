package e2e

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// crmStaffWrites has a sample for every staff write of the CRM functions (see staffWrites).
var crmStaffWrites = map[string]sample{
	"POST /api/crm/orders/{id}/transitions": func(t *testing.T, s *stack) request {
		order, _ := newCRMOrder(t, s)
		return request{path: "/api/crm/orders/" + strconv.FormatInt(order, 10) + "/transitions",
			body: map[string]any{"to": "cancelled", "reason": "audit sample"}}
	},
	"PATCH /api/crm/shipments/{id}": func(t *testing.T, s *stack) request {
		order, shipment := newCRMOrder(t, s)
		return request{path: "/api/crm/shipments/" + strconv.FormatInt(shipment, 10), body: map[string]any{"status": "shipped"},
			header: map[string]string{"If-Match": s.etag(t, "/api/crm/orders/"+strconv.FormatInt(order, 10))}}
	},
	"PATCH /api/crm/customers/{id}": func(t *testing.T, s *stack) request {
		p := "/api/crm/customers/" + strconv.FormatInt(s.int(t, `SELECT MIN(id) FROM customers`), 10)
		return request{path: p, body: map[string]any{"notes": "audit sample " + strconv.FormatInt(time.Now().UnixNano(), 10)},
			header: map[string]string{"If-Match": s.etag(t, p)}}
	},
	"PATCH /api/crm/tickets/{id}": func(t *testing.T, s *stack) request {
		p := "/api/crm/tickets/" + strconv.FormatInt(newCRMTicket(t, s), 10)
		return request{path: p, body: map[string]any{"priority": "high"}, header: map[string]string{"If-Match": s.etag(t, p)}}
	},
	"POST /api/crm/tickets/{id}/assign": func(t *testing.T, s *stack) request {
		return request{path: "/api/crm/tickets/" + strconv.FormatInt(newCRMTicket(t, s), 10) + "/assign",
			body: map[string]any{"assignee_id": s.int(t, `SELECT id FROM users WHERE role = 'support' ORDER BY id FETCH FIRST 1 ROWS ONLY`)}}
	},
	"POST /api/crm/tickets/{id}/messages": func(t *testing.T, s *stack) request {
		return request{path: "/api/crm/tickets/" + strconv.FormatInt(newCRMTicket(t, s), 10) + "/messages",
			body: map[string]any{"message": "We are on it.", "internal": false}}
	},
	"POST /api/crm/campaigns": func(*testing.T, *stack) request {
		n := unique()
		return request{path: "/api/crm/campaigns", body: map[string]any{"code": "AUDIT-" + n, "name": "Audit sample " + n, "type": "email"}}
	},
	"PATCH /api/crm/campaigns/{id}": func(t *testing.T, s *stack) request {
		p := "/api/crm/campaigns/" + strconv.FormatInt(newCampaign(t, s, "draft"), 10)
		return request{path: p, body: map[string]any{"description": "audit sample"}, header: map[string]string{"If-Match": s.etag(t, p)}}
	},
	"POST /api/crm/campaigns/{id}/spend": func(t *testing.T, s *stack) request {
		return request{path: "/api/crm/campaigns/" + strconv.FormatInt(newCampaign(t, s, "active"), 10) + "/spend",
			body: map[string]any{"amount": "12.50", "note": "audit sample"}}
	},
	"PATCH /api/crm/leads/{id}": func(t *testing.T, s *stack) request {
		now := time.Now().UTC().Truncate(time.Millisecond)
		id, err := db.InsertReturningID(context.Background(), s.db, `INSERT INTO leads (email, campaign_id, source, status, score, consent, created_at, updated_at)
VALUES (:1, :2, 'web', 'new', 10, 1, :3, :4) RETURNING id INTO :5`, "audit-"+unique()+"@example.com", newCampaign(t, s, "active"), now, now)
		if err != nil {
			t.Fatal(err)
		}
		p := "/api/crm/leads/" + strconv.FormatInt(id, 10)
		return request{path: p, body: map[string]any{"status": "contacted"}, header: map[string]string{"If-Match": s.etag(t, p)}}
	},
}

// newCampaign writes a campaign in status with a budget of 1000.00.
func newCampaign(t *testing.T, s *stack, status string) int64 {
	t.Helper()
	n := unique()
	id, err := db.InsertReturningID(context.Background(), s.db, `INSERT INTO campaigns (code, name, campaign_type, status, budget)
VALUES (:1, :2, 'email', :3, 1000) RETURNING id INTO :4`, "AUDIT-C-"+n, "Audit campaign "+n, status)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// newCRMTicket opens a ticket of the first customer.
func newCRMTicket(t *testing.T, s *stack) int64 {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	id, err := db.InsertReturningID(context.Background(), s.db, `INSERT INTO tickets (customer_id, subject, status, priority, created_at, updated_at)
VALUES ((SELECT MIN(id) FROM customers), 'Audit sample', 'open', 'low', :1, :2) RETURNING id INTO :3`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// newCRMOrder writes a processing order of the first customer with one line and a shipment.
func newCRMOrder(t *testing.T, s *stack) (order, shipment int64) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	order, err := db.InsertReturningID(ctx, s.db, `INSERT INTO orders (customer_id, subtotal, discount, shipping_cost, total, currency,
    status, payment_method, payment_status, created_at, updated_at)
VALUES ((SELECT MIN(id) FROM customers), 100, 0, 149, 249, 'USD', 'processing', 'card', 'paid', :1, :2) RETURNING id INTO :3`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price, line_total)
VALUES (:1, (SELECT MIN(id) FROM products), 'x', 1, 100, 100)`, order); err != nil {
		t.Fatal(err)
	}
	shipment, err = db.InsertReturningID(ctx, s.db, `INSERT INTO shipments (order_id, tracking_number, carrier, status, created_at, updated_at)
VALUES (:1, :2, 'DHL', 'processing', :3, :4) RETURNING id INTO :5`, order, "E2E-"+strconv.FormatInt(order, 10), now, now)
	if err != nil {
		t.Fatal(err)
	}
	return order, shipment
}

// etag reads a staff detail through the gateway as an admin and returns its ETag.
func (s *stack) etag(t *testing.T, path string) string {
	t.Helper()
	admin := s.int(t, `SELECT id FROM users WHERE role = 'admin' ORDER BY id FETCH FIRST 1 ROWS ONLY`)
	res := s.do(t, http.MethodGet, path, nil, map[string]string{"Authorization": "Bearer " + s.token(t, admin, "admin")})
	if res.status != http.StatusOK || res.header.Get("ETag") == "" {
		t.Fatalf("GET %s: %d %s", path, res.status, res.body)
	}
	return res.header.Get("ETag")
}
