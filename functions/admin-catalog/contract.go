package admincatalog

import (
	"slices"
	"time"

	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
)

// The handlers answer records (maps built from each resource's field table, resource.go); the types
// below name the same JSON for the OpenAPI document, so its schemas are closed and list every field
// as required. TestContractTypesMatchTheFieldTables keeps each type equal to its field table (names
// and Go types), and the end-to-end tests validate every answer against the document.

// Product is a product as the admin routes answer it.
type Product struct {
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	SKU         string      `json:"sku"`
	Description string      `json:"description"`
	Price       money.Cents `json:"price"`
	Stock       int64       `json:"stock"`
	Category    string      `json:"category"`
	ImageURL    string      `json:"image_url"`
	IsActive    bool        `json:"is_active"`
	ArchivedAt  *time.Time  `json:"archived_at"`
	Orders      int64       `json:"orders"` // distinct orders with a line of it
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// ProductCreate is a product's create body: name, sku, price, category required, the others optional.
type ProductCreate struct {
	Name        string      `json:"name"`
	SKU         string      `json:"sku"`
	Description *string     `json:"description"`
	Price       money.Cents `json:"price"`
	Stock       *int64      `json:"stock"`
	Category    string      `json:"category"`
	ImageURL    *string     `json:"image_url"`
	IsActive    *bool       `json:"is_active"`
}

// ProductPatch is a product's PATCH body: any of its fields.
type ProductPatch struct {
	Name        *string      `json:"name"`
	SKU         *string      `json:"sku"`
	Description *string      `json:"description"`
	Price       *money.Cents `json:"price"`
	Stock       *int64       `json:"stock"`
	Category    *string      `json:"category"`
	ImageURL    *string      `json:"image_url"`
	IsActive    *bool        `json:"is_active"`
}

// Coupon is a coupon as the admin routes answer it.
type Coupon struct {
	ID               int64       `json:"id"`
	Code             string      `json:"code"`
	Description      string      `json:"description"`
	DiscountPercent  money.Cents `json:"discount_percent"`
	DiscountAmount   money.Cents `json:"discount_amount"`
	MaxUses          int64       `json:"max_uses"`
	IsActive         bool        `json:"is_active"`
	ValidFrom        *time.Time  `json:"valid_from"`
	ValidUntil       *time.Time  `json:"valid_until"`
	MinSubtotal      money.Cents `json:"min_subtotal"`
	FirstOrderOnly   bool        `json:"first_order_only"`
	PerCustomerLimit int64       `json:"per_customer_limit"`
	TimesUsed        int64       `json:"times_used"`
	Orders           int64       `json:"orders"`
	Customers        int64       `json:"customers"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
}

// CouponCreate is a coupon's create body: code required, the others optional.
type CouponCreate struct {
	Code             string       `json:"code"`
	Description      *string      `json:"description"`
	DiscountPercent  *money.Cents `json:"discount_percent"`
	DiscountAmount   *money.Cents `json:"discount_amount"`
	MaxUses          *int64       `json:"max_uses"`
	IsActive         *bool        `json:"is_active"`
	ValidFrom        *time.Time   `json:"valid_from"`
	ValidUntil       *time.Time   `json:"valid_until"`
	MinSubtotal      *money.Cents `json:"min_subtotal"`
	FirstOrderOnly   *bool        `json:"first_order_only"`
	PerCustomerLimit *int64       `json:"per_customer_limit"`
}

// CouponPatch is a coupon's PATCH body: any of its fields.
type CouponPatch struct {
	Code             *string      `json:"code"`
	Description      *string      `json:"description"`
	DiscountPercent  *money.Cents `json:"discount_percent"`
	DiscountAmount   *money.Cents `json:"discount_amount"`
	MaxUses          *int64       `json:"max_uses"`
	IsActive         *bool        `json:"is_active"`
	ValidFrom        *time.Time   `json:"valid_from"`
	ValidUntil       *time.Time   `json:"valid_until"`
	MinSubtotal      *money.Cents `json:"min_subtotal"`
	FirstOrderOnly   *bool        `json:"first_order_only"`
	PerCustomerLimit *int64       `json:"per_customer_limit"`
}

// Shop is a shop as the admin routes answer it; latitude and longitude are decimal strings ("" when
// unset).
type Shop struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Address      string    `json:"address"`
	City         string    `json:"city"`
	Region       string    `json:"region"`
	Phone        string    `json:"phone"`
	Email        string    `json:"email"`
	OpeningHours string    `json:"opening_hours"`
	Latitude     string    `json:"latitude"`
	Longitude    string    `json:"longitude"`
	IsActive     bool      `json:"is_active"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ShopCreate is a shop's create body: name required, the others optional.
type ShopCreate struct {
	Name         string  `json:"name"`
	Address      *string `json:"address"`
	City         *string `json:"city"`
	Region       *string `json:"region"`
	Phone        *string `json:"phone"`
	Email        *string `json:"email"`
	OpeningHours *string `json:"opening_hours"`
	Latitude     *string `json:"latitude"`
	Longitude    *string `json:"longitude"`
	IsActive     *bool   `json:"is_active"`
}

// ShopPatch is a shop's PATCH body: any of its fields.
type ShopPatch struct {
	Name         *string `json:"name"`
	Address      *string `json:"address"`
	City         *string `json:"city"`
	Region       *string `json:"region"`
	Phone        *string `json:"phone"`
	Email        *string `json:"email"`
	OpeningHours *string `json:"opening_hours"`
	Latitude     *string `json:"latitude"`
	Longitude    *string `json:"longitude"`
	IsActive     *bool   `json:"is_active"`
}

// ShopService is a bookable service as the admin routes answer it (not Service: that name is the
// function's server).
type ShopService struct {
	ID              int64       `json:"id"`
	Name            string      `json:"name"`
	Description     string      `json:"description"`
	Category        string      `json:"category"`
	Price           money.Cents `json:"price"`
	DurationMinutes int64       `json:"duration_minutes"`
	IsActive        bool        `json:"is_active"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
}

// ShopServiceCreate is a service's create body: name, category, price, duration_minutes required, the others optional.
type ShopServiceCreate struct {
	Name            string      `json:"name"`
	Description     *string     `json:"description"`
	Category        string      `json:"category"`
	Price           money.Cents `json:"price"`
	DurationMinutes int64       `json:"duration_minutes"`
	IsActive        *bool       `json:"is_active"`
}

// ShopServicePatch is a service's PATCH body: any of its fields.
type ShopServicePatch struct {
	Name            *string      `json:"name"`
	Description     *string      `json:"description"`
	Category        *string      `json:"category"`
	Price           *money.Cents `json:"price"`
	DurationMinutes *int64       `json:"duration_minutes"`
	IsActive        *bool        `json:"is_active"`
}

// Warehouse is a warehouse as the admin routes answer it.
type Warehouse struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Address   string    `json:"address"`
	City      string    `json:"city"`
	Region    string    `json:"region"`
	Capacity  int64     `json:"capacity"`
	IsActive  bool      `json:"is_active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// WarehouseCreate is a warehouse's create body: code, name, region, capacity required, the others optional.
type WarehouseCreate struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	Address  *string `json:"address"`
	City     *string `json:"city"`
	Region   string  `json:"region"`
	Capacity int64   `json:"capacity"`
	IsActive *bool   `json:"is_active"`
}

// WarehousePatch is a warehouse's PATCH body: any of its fields.
type WarehousePatch struct {
	Code     *string `json:"code"`
	Name     *string `json:"name"`
	Address  *string `json:"address"`
	City     *string `json:"city"`
	Region   *string `json:"region"`
	Capacity *int64  `json:"capacity"`
	IsActive *bool   `json:"is_active"`
}

// ListPage is one page of a list as Page answers it, with its items' type named.
type ListPage[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map (New).
var Contract = append([]contract.Operation{
	{Route: "POST /api/admin/products/{id}/archive", Response: Product{}, ETag: true},
	{Route: "DELETE /api/admin/products/{id}", Status: []int{204}, Errors: []int{409}},
},
	slices.Concat(
		crud("products", ListPage[Product]{}, Product{}, ProductCreate{}, ProductPatch{}),
		crud("coupons", ListPage[Coupon]{}, Coupon{}, CouponCreate{}, CouponPatch{}),
		crud("shops", ListPage[Shop]{}, Shop{}, ShopCreate{}, ShopPatch{}),
		crud("services", ListPage[ShopService]{}, ShopService{}, ShopServiceCreate{}, ShopServicePatch{}),
		crud("warehouses", ListPage[Warehouse]{}, Warehouse{}, WarehouseCreate{}, WarehousePatch{}),
	)...)

// crud is the four routes of one resource (resource.go): list, create, detail and PATCH. A
// duplicate unique key (and a rule across fields, e.g. a coupon's max_uses below its uses) is 409.
func crud(path string, page, item, create, patch any) []contract.Operation {
	base := "/api/admin/" + path
	return []contract.Operation{
		{Route: "GET " + base, Response: page, Query: []string{"q", "cursor", "limit"}},
		{Route: "POST " + base, Request: create, Response: item, Status: []int{201}, ETag: true, Location: true, Errors: []int{409}},
		{Route: "GET " + base + "/{id}", Response: item, ETag: true},
		{Route: "PATCH " + base + "/{id}", Request: patch, Response: item, IfMatch: true, ETag: true, Errors: []int{409}},
	}
}
