// Package admincatalog serves catalog administration to admins (permission admin): products,
// coupons, shops, services and warehouses, each with a list, create, detail and update.
//
// Decisions:
//   - One shape for the five tables: a resource names its fields (JSON name = column name, with the
//     storefront's rules: text bounded in bytes and free of control characters, codes and slugs by
//     byte class, amounts as two-decimal strings, integers within the column's range) and its
//     statements, constants beside it. Lists are newest first, keyset pages on id, at most 100, one
//     statement a page whatever its size (usage counts are scalar subqueries over indexes); q
//     searches two text columns case-insensitively.
//   - Writes: POST creates (201, Location, ETag), PATCH changes the fields sent under the row's lock
//     after If-Match (428 without, 412 stale); a body that breaks a rule is 400 and changes nothing;
//     a duplicate unique key is 409 <field>_taken. Every write is audited in its transaction through
//     security.Audit with the changed fields before and after (so price and stock changes carry both).
//   - Products are archived, not hidden: POST /api/admin/products/{id}/archive sets is_active = 0 and
//     archived_at, and removes the product from every cart in the same transaction; orders keep their
//     lines. An archived product cannot be re-activated (409 product_archived). DELETE removes a
//     product no order references and is 409 product_ordered otherwise.
//   - Coupons carry every rule checkout enforces; their detail shows the uses counted (times_used)
//     and the orders and customers that carry them. A coupon written here is what the next checkout
//     reads: no cache sits between.
package admincatalog

import (
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "admin-catalog"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Service serves the admin-catalog routes.
type Service struct {
	db  *sql.DB
	log *slog.Logger
	now func() time.Time
}

// New returns the admin-catalog function's HTTP handler.
func New(store *sql.DB, log *slog.Logger) (http.Handler, error) {
	s := &Service{db: store, log: log, now: time.Now}
	routes := map[string]web.HandlerFunc{
		"POST /api/admin/products/{id}/archive": s.archive,
		"DELETE /api/admin/products/{id}":       s.remove,
	}
	for path, rs := range map[string]*resource{"products": products, "coupons": coupons, "shops": shops, "services": services,
		"warehouses": warehouses} {
		var guard func(op string, cur, next record) error
		if rs == products {
			guard = keepArchived
		}
		base := "/api/admin/" + path
		routes["GET "+base] = rs.list(s)
		routes["POST "+base] = rs.create(s)
		routes["GET "+base+"/{id}"] = rs.get(s)
		routes["PATCH "+base+"/{id}"] = rs.update(s, guard)
	}
	for k, h := range routes {
		routes[k] = adminOnly(h)
	}
	return web.NewRouter(Declaration(), log, routes)
}

// adminOnly refuses a caller without the admin permission: the gateway checks it as well, and the
// function does not trust the route alone.
func adminOnly(h web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := identity.FromRequest(r)
		if err != nil {
			return err
		}
		if !p.HasScope(manifest.Staff) || !p.HasPermission(manifest.Administration) {
			return apperr.E("admincatalog.Admin", apperr.Forbidden, "catalog administration needs the admin permission")
		}
		return h(w, r)
	}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }
