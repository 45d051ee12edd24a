package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// adminStaffWrites has a sample for every write of the admin functions (see staffWrites).
var adminStaffWrites = map[string]sample{
	"POST /api/admin/products": func(*testing.T, *stack) request {
		n := unique()
		return request{path: "/api/admin/products", body: map[string]any{"name": "Audit Drone " + n, "sku": "AUD-" + n,
			"price": "999.00", "stock": 3, "category": "drones"}}
	},
	"PATCH /api/admin/products/{id}": func(t *testing.T, s *stack) request {
		return adminPatch(t, s, "/api/admin/products/"+strconv.FormatInt(s.int(t, `SELECT MAX(id) FROM products WHERE archived_at IS NULL`), 10),
			map[string]any{"stock": 500 + s.int(t, `SELECT COUNT(*) FROM audit_logs`)})
	},
	"POST /api/admin/products/{id}/archive": func(t *testing.T, s *stack) request {
		return request{path: "/api/admin/products/" + strconv.FormatInt(newAdminProduct(t, s), 10) + "/archive"}
	},
	"DELETE /api/admin/products/{id}": func(t *testing.T, s *stack) request {
		return request{path: "/api/admin/products/" + strconv.FormatInt(newAdminProduct(t, s), 10)}
	},
	"POST /api/admin/coupons": func(*testing.T, *stack) request {
		return request{path: "/api/admin/coupons", body: map[string]any{"code": "AUDIT" + unique(), "discount_percent": "5.00"}}
	},
	"PATCH /api/admin/coupons/{id}": func(t *testing.T, s *stack) request {
		return adminPatch(t, s, "/api/admin/coupons/"+strconv.FormatInt(s.int(t, `SELECT MIN(id) FROM coupons`), 10),
			map[string]any{"description": "audit sample " + unique()})
	},
	"POST /api/admin/shops": func(*testing.T, *stack) request {
		return request{path: "/api/admin/shops", body: map[string]any{"name": "Audit Shop " + unique(), "region": "us-west"}}
	},
	"PATCH /api/admin/shops/{id}": func(t *testing.T, s *stack) request {
		return adminPatch(t, s, "/api/admin/shops/"+strconv.FormatInt(s.int(t, `SELECT MIN(id) FROM shops`), 10),
			map[string]any{"opening_hours": "audit sample " + unique()})
	},
	"POST /api/admin/services": func(*testing.T, *stack) request {
		return request{path: "/api/admin/services", body: map[string]any{"name": "Audit Service " + unique(), "category": "training",
			"price": "49.00", "duration_minutes": 30}}
	},
	"PATCH /api/admin/services/{id}": func(t *testing.T, s *stack) request {
		return adminPatch(t, s, "/api/admin/services/"+strconv.FormatInt(s.int(t, `SELECT MIN(id) FROM services`), 10),
			map[string]any{"description": "audit sample " + unique()})
	},
	"POST /api/admin/warehouses": func(*testing.T, *stack) request {
		return request{path: "/api/admin/warehouses", body: map[string]any{"code": "WH-AUD" + unique(), "name": "Audit Warehouse",
			"region": "us-east", "capacity": 100}}
	},
	"PATCH /api/admin/warehouses/{id}": func(t *testing.T, s *stack) request {
		return adminPatch(t, s, "/api/admin/warehouses/"+strconv.FormatInt(s.int(t, `SELECT MIN(id) FROM warehouses`), 10),
			map[string]any{"capacity": 20000 + s.int(t, `SELECT COUNT(*) FROM audit_logs`)})
	},
}

// adminPatch is a PATCH of an admin record with the ETag its detail answers.
func adminPatch(t *testing.T, s *stack, path string, body map[string]any) request {
	t.Helper()
	return request{path: path, body: body, header: map[string]string{"If-Match": s.etag(t, path)}}
}

// newAdminProduct writes an active product no order references.
func newAdminProduct(t *testing.T, s *stack) int64 {
	t.Helper()
	n := unique()
	id, err := db.InsertReturningID(context.Background(), s.db, `INSERT INTO products (name, sku, price, stock, category)
VALUES (:1, :2, 10, 1, 'parts') RETURNING id INTO :3`, "Audit Part "+n, "AUD-P"+n)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
