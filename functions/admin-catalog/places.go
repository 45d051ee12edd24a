package admincatalog

import (
	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/shape"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// shops: the storefront lists the active ones (catalog's /api/shops).
var shops = &resource{
	noun:   "shop",
	unique: "name",
	fields: []field{
		{name: "name", kind: textKind, text: web.TextLimit{Chars: 200, Bytes: 200}, required: true},
		{name: "address", kind: textKind, text: web.TextLimit{Chars: 500, Bytes: 500}},
		{name: "city", kind: textKind, text: web.TextLimit{Chars: 100, Bytes: 100}},
		{name: "region", kind: textKind, text: web.TextLimit{Bytes: 64}, shape: slug, shapeMsg: slugMsg},
		{name: "phone", kind: textKind, text: web.TextLimit{Bytes: 40}, shape: phone, shapeMsg: "must be digits, spaces and + ( ) - ."},
		{name: "email", kind: textKind, text: web.TextLimit{Bytes: 254}, shape: web.ValidEmail, shapeMsg: "must be an email address"},
		{name: "opening_hours", kind: textKind, text: web.TextLimit{Chars: 200, Bytes: 200}},
		{name: "latitude", kind: degreesKind, min: -90_000_000, max: 90_000_000},
		{name: "longitude", kind: degreesKind, min: -180_000_000, max: 180_000_000},
		{name: "is_active", kind: flagKind, def: true},
	},
	check: func(op string, r record) error {
		if (r["latitude"] == "") != (r["longitude"] == "") {
			return apperr.E(op, apperr.Invalid, "latitude and longitude go together: send both or neither")
		}
		return nil
	},

	listSQL: `SELECT id, name, address, city, region, phone, email, opening_hours, latitude, longitude, is_active, created_at, updated_at
FROM shops
WHERE (:1 IS NULL OR LOWER(name) LIKE :2 ESCAPE '\' OR LOWER(city) LIKE :3 ESCAPE '\')
  AND (:4 = 1 OR id < :5)
ORDER BY id DESC
FETCH FIRST :6 ROWS ONLY`,
	getSQL: `SELECT id, name, address, city, region, phone, email, opening_hours, latitude, longitude, is_active, created_at, updated_at
FROM shops WHERE id = :1`,
	lockSQL: `SELECT id, name, address, city, region, phone, email, opening_hours, latitude, longitude, is_active, created_at, updated_at
FROM shops WHERE id = :1 FOR UPDATE`,
	insertSQL: `INSERT INTO shops (name, address, city, region, phone, email, opening_hours, latitude, longitude, is_active, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11, :12)
RETURNING id INTO :13`,
	updateSQL: `UPDATE shops SET name = :1, address = :2, city = :3, region = :4, phone = :5, email = :6, opening_hours = :7,
    latitude = :8, longitude = :9, is_active = :10, updated_at = :11
WHERE id = :12`,
}

var phoneChars = shape.Of(`0-9 +().-`)

func phone(s string) bool { return phoneChars.Span(s, 3, 40) }

// services: bookable services (training, inspections), listed by the storefront when active.
var services = &resource{
	noun:   "service",
	unique: "name",
	fields: []field{
		{name: "name", kind: textKind, text: web.TextLimit{Chars: 200, Bytes: 200}, required: true},
		{name: "description", kind: textKind, text: web.TextLimit{Chars: 2000, Bytes: 2000, Multiline: true}},
		{name: "category", kind: textKind, text: web.TextLimit{Bytes: 64}, required: true, shape: slug, shapeMsg: slugMsg},
		{name: "price", kind: moneyKind, min: 1, max: int64(maxPrice), required: true},
		{name: "duration_minutes", kind: intKind, min: 1, max: 999_999, required: true},
		{name: "is_active", kind: flagKind, def: true},
	},

	listSQL: `SELECT id, name, description, category, price, duration_minutes, is_active, created_at, updated_at
FROM services
WHERE (:1 IS NULL OR LOWER(name) LIKE :2 ESCAPE '\' OR LOWER(category) LIKE :3 ESCAPE '\')
  AND (:4 = 1 OR id < :5)
ORDER BY id DESC
FETCH FIRST :6 ROWS ONLY`,
	getSQL:  `SELECT id, name, description, category, price, duration_minutes, is_active, created_at, updated_at FROM services WHERE id = :1`,
	lockSQL: `SELECT id, name, description, category, price, duration_minutes, is_active, created_at, updated_at FROM services WHERE id = :1 FOR UPDATE`,
	insertSQL: `INSERT INTO services (name, description, category, price, duration_minutes, is_active, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8)
RETURNING id INTO :9`,
	updateSQL: `UPDATE services SET name = :1, description = :2, category = :3, price = :4, duration_minutes = :5, is_active = :6,
    updated_at = :7
WHERE id = :8`,
}

// warehouses: where shipments leave from; capacity in units, region as the shipments' regions.
var warehouses = &resource{
	noun:   "warehouse",
	unique: "code",
	fields: []field{
		{name: "code", kind: textKind, text: web.TextLimit{Bytes: 32}, required: true, shape: func(s string) bool { return shape.Code(s, 32) },
			shapeMsg: "must be upper-case letters and digits, then also - and _ (e.g. WH-SEA)"},
		{name: "name", kind: textKind, text: web.TextLimit{Chars: 200, Bytes: 200}, required: true},
		{name: "address", kind: textKind, text: web.TextLimit{Chars: 500, Bytes: 500}},
		{name: "city", kind: textKind, text: web.TextLimit{Chars: 100, Bytes: 100}},
		{name: "region", kind: textKind, text: web.TextLimit{Bytes: 64}, required: true, shape: slug, shapeMsg: slugMsg},
		{name: "capacity", kind: intKind, min: 0, max: 9_999_999_999, required: true},
		{name: "is_active", kind: flagKind, def: true},
	},

	listSQL: `SELECT id, code, name, address, city, region, capacity, is_active, created_at, updated_at
FROM warehouses
WHERE (:1 IS NULL OR LOWER(code) LIKE :2 ESCAPE '\' OR LOWER(name) LIKE :3 ESCAPE '\')
  AND (:4 = 1 OR id < :5)
ORDER BY id DESC
FETCH FIRST :6 ROWS ONLY`,
	getSQL:  `SELECT id, code, name, address, city, region, capacity, is_active, created_at, updated_at FROM warehouses WHERE id = :1`,
	lockSQL: `SELECT id, code, name, address, city, region, capacity, is_active, created_at, updated_at FROM warehouses WHERE id = :1 FOR UPDATE`,
	insertSQL: `INSERT INTO warehouses (code, name, address, city, region, capacity, is_active, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9)
RETURNING id INTO :10`,
	updateSQL: `UPDATE warehouses SET code = :1, name = :2, address = :3, city = :4, region = :5, capacity = :6, is_active = :7,
    updated_at = :8
WHERE id = :9`,
}
