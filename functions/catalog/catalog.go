// Package catalog serves the public catalog of the OCTO Drone Shop: products (search, category
// filter, five sort orders, keyset pages), one product, categories with their product counts, shops
// and services. Only active rows are ever shown.
//
// The routes are declared once in func.yaml (embedded here) and bound to handlers by package web, so
// the function cannot serve a route the gateway and Terraform do not know about.
//
// Decisions:
//   - Pages are keyset pages (an opaque cursor holding the sort key and id of the last row), not
//     OFFSET: a page costs the same wherever it is, and rows inserted meanwhile do not shift it. A
//     cursor names its sort, so it cannot be replayed under another order.
//   - rating_avg and rating_count are computed from reviews in the same statement (an aggregated
//     outer join), so a page is one statement whatever its size: no N+1. The average is rounded to
//     two decimals in SQL, and that rounded value is the sort and cursor key, so it compares exactly
//     on both databases.
//   - The optional filters are written once with ":n IS NULL OR ..." rather than assembling SQL per
//     combination: one statement text (one SQL_ID, one cached cursor on ATP) per sort order.
//   - Shops and services are small reference lists: they are answered whole, bounded at maxListed
//     rows so no answer is unbounded.
package catalog

import (
	"log/slog"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "catalog"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// LowStock is the stock level at or under which a product is flagged low (the shop's rule).
const LowStock = commerce.LowStock

// Service answers catalog reads from the database.
type Service struct {
	db    db.DBTX
	log   *slog.Logger
	lists map[string]string // sort name -> its list statement
}

// New returns the catalog function's HTTP handler.
func New(store db.DBTX, log *slog.Logger) (http.Handler, error) {
	fn := Declaration()
	s := &Service{db: store, log: log, lists: make(map[string]string, len(sorts))}
	for name, o := range sorts {
		s.lists[name] = listProductsSQL(o)
	}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{
		"GET /api/products":      s.listProducts,
		"GET /api/products/{id}": s.getProduct,
		"GET /api/categories":    s.listCategories,
		"GET /api/shops":         s.listShops,
		"GET /api/services":      s.listServices,
	})
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "GET /api/products", Response: ProductPage{}, Query: []string{"q", "category", "sort", "cursor", "limit"}},
	{Route: "GET /api/products/{id}", Response: Product{}},
	{Route: "GET /api/categories", Response: List[Category]{}},
	{Route: "GET /api/shops", Response: List[Shop]{}},
	{Route: "GET /api/services", Response: List[ShopService]{}},
}
