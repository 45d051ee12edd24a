package admincatalog

import (
	"net/url"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/shape"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Bounds of a product, as the old shop's admin had them: price 0.01..1,000,000.00, stock 0..1,000,000.
const (
	maxPrice = money.Cents(100_000_000)
	maxStock = 1_000_000
)

const productColumns = `p.id, p.name, p.sku, p.description, p.price, p.stock, p.category, p.image_url, p.is_active, p.archived_at`

// products: orders counts the orders with a line of the product (ix_order_items_product_id), which is
// what forbids deleting it.
var products = &resource{
	noun:   "product",
	unique: "sku",
	fields: []field{
		{name: "name", kind: textKind, text: web.TextLimit{Chars: 200, Bytes: 200}, required: true},
		{name: "sku", kind: textKind, text: web.TextLimit{Bytes: 64}, required: true, shape: func(s string) bool { return shape.Code(s, 64) },
			shapeMsg: "must be upper-case letters and digits, then also - and _ (e.g. DRN-X8-HL)"},
		{name: "description", kind: textKind, text: web.TextLimit{Chars: 4000, Bytes: 4000, Multiline: true}},
		{name: "price", kind: moneyKind, min: 1, max: int64(maxPrice), required: true},
		{name: "stock", kind: intKind, min: 0, max: maxStock},
		{name: "category", kind: textKind, text: web.TextLimit{Bytes: 64}, required: true, shape: slug, shapeMsg: slugMsg},
		{name: "image_url", kind: textKind, text: web.TextLimit{Bytes: 1000}, shape: imageURL,
			shapeMsg: "must be an http(s) URL or a path starting with /"},
		{name: "is_active", kind: flagKind, def: true},
	},
	stored:   []field{{name: "archived_at", kind: timeKind}},
	computed: []field{{name: "orders", kind: intKind}},

	listSQL: `SELECT ` + productColumns + `,
    (SELECT COUNT(DISTINCT oi.order_id) FROM order_items oi WHERE oi.product_id = p.id) AS order_count, p.created_at, p.updated_at
FROM products p
WHERE (:1 IS NULL OR LOWER(p.name) LIKE :2 ESCAPE '\' OR LOWER(p.sku) LIKE :3 ESCAPE '\')
  AND (:4 = 1 OR p.id < :5)
ORDER BY p.id DESC
FETCH FIRST :6 ROWS ONLY`,
	getSQL: `SELECT ` + productColumns + `,
    (SELECT COUNT(DISTINCT oi.order_id) FROM order_items oi WHERE oi.product_id = p.id) AS order_count, p.created_at, p.updated_at
FROM products p
WHERE p.id = :1`,
	lockSQL: `SELECT ` + productColumns + `, p.created_at, p.updated_at
FROM products p
WHERE p.id = :1
FOR UPDATE`,
	insertSQL: `INSERT INTO products (name, sku, description, price, stock, category, image_url, is_active, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10)
RETURNING id INTO :11`,
	updateSQL: `UPDATE products SET name = :1, sku = :2, description = :3, price = :4, stock = :5, category = :6, image_url = :7,
    is_active = :8, updated_at = :9
WHERE id = :10`,
}

// slug is the shape of categories and regions: a lower-case letter, then letters, digits and '-'.
func slug(s string) bool { return shape.Name(s, 64) }

const slugMsg = "must be lower-case letters, digits and - (e.g. us-west), starting with a letter"

// imageURL accepts an absolute http(s) URL with a host, or a path on the shop's own site.
func imageURL(s string) bool {
	if strings.ContainsAny(s, " \t\"'<>\\") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	if u.Scheme == "" {
		return u.Host == "" && strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//")
	}
	return (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}
