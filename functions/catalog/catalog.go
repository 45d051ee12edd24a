// Package catalog serves the public product catalog of the OCTO Drone Shop.
//
// The routes are declared once in func.yaml (embedded here) and bound to handlers by package web, so
// the function cannot serve a route the gateway and Terraform do not know about.
package catalog

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

//go:embed func.yaml
var declaration []byte

// Name is the function's name, as declared.
const Name = "catalog"

// Declaration returns the function's declaration (func.yaml).
func Declaration() (manifest.Function, error) { return manifest.Parse(declaration) }

// LowStock is the stock level at or under which a product is flagged low (the shop's rule).
const LowStock = 10

// Page size bounds for list routes.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// Service answers catalog reads from the database.
type Service struct {
	db  db.DBTX
	log *slog.Logger
}

// New returns the catalog function's HTTP handler.
func New(store db.DBTX, log *slog.Logger) (http.Handler, error) {
	fn, err := Declaration()
	if err != nil {
		return nil, err
	}
	s := &Service{db: store, log: log}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{
		"GET /api/products": s.listProducts,
	})
}

// Product is a catalog entry as clients see it.
type Product struct {
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	SKU         string      `json:"sku"`
	Description string      `json:"description"`
	Price       money.Cents `json:"price"`
	Currency    string      `json:"currency"`
	Stock       int64       `json:"stock"`
	Category    string      `json:"category"`
	ImageURL    string      `json:"image_url"`
	InStock     bool        `json:"in_stock"`
	LowStock    bool        `json:"low_stock"`
}

// ProductPage is one page of products and the cursor of the next, if any.
type ProductPage struct {
	Items      []Product `json:"items"`
	NextCursor *string   `json:"next_cursor"`
}

// cursor is the position after the last item of a page, in the list's order (name, then id).
type cursor struct {
	Name string `json:"n"`
	ID   int64  `json:"i"`
}

// listProductsSQL pages through active products by (name, id); a page is limit+1 rows so the
// handler knows whether another page follows without a count query. Binds are never repeated: in
// Oracle SQL a positional bind is consumed per occurrence, so :1 written twice needs two values.
const listProductsSQL = `SELECT id, name, sku, description, price, stock, category, image_url
FROM products
WHERE is_active = 1 AND (name > :1 OR (name = :2 AND id > :3))
ORDER BY name, id
FETCH FIRST :4 ROWS ONLY`

func (s *Service) listProducts(w http.ResponseWriter, r *http.Request) error {
	const op = "catalog.ListProducts"
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit := defaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return apperr.E(op, apperr.Invalid, "limit must be an integer from 1 to 100")
		}
		limit = n
	}
	after := cursor{}
	if v := q.Get("cursor"); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || json.Unmarshal(raw, &after) != nil || after.ID < 1 {
			return apperr.E(op, apperr.Invalid, "cursor is not one this API returned")
		}
	}
	rows, err := s.db.QueryContext(r.Context(), listProductsSQL, after.Name, after.Name, after.ID, limit+1)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	page := ProductPage{Items: make([]Product, 0, limit)}
	for rows.Next() {
		var p Product
		var desc, img *string
		if err := rows.Scan(&p.ID, &p.Name, &p.SKU, &desc, &p.Price, &p.Stock, &p.Category, &img); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if desc != nil {
			p.Description = *desc
		}
		if img != nil {
			p.ImageURL = *img
		}
		p.Currency = "USD"
		p.InStock = p.Stock > 0
		p.LowStock = p.Stock > 0 && p.Stock <= LowStock
		page.Items = append(page.Items, p)
	}
	if err := rows.Err(); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		raw, _ := json.Marshal(cursor{Name: last.Name, ID: last.ID}) // a struct of a string and an int cannot fail
		next := base64.RawURLEncoding.EncodeToString(raw)
		page.NextCursor = &next
	}
	web.JSON(w, http.StatusOK, page)
	return nil
}
