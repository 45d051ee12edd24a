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

// ProductInput is a product's create or PATCH body: create needs name, sku, price and category.
type ProductInput struct {
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

// CouponInput is a coupon's create or PATCH body: create needs code.
type CouponInput struct {
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

// ShopInput is a shop's create or PATCH body: create needs name.
type ShopInput struct {
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

// ShopServiceInput is a service's create or PATCH body: create needs name, category, price and
// duration_minutes.
type ShopServiceInput struct {
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

// WarehouseInput is a warehouse's create or PATCH body: create needs code, name, region and
// capacity.
type WarehouseInput struct {
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
		crud("products", ListPage[Product]{}, Product{}, ProductInput{}, 409),
		crud("coupons", ListPage[Coupon]{}, Coupon{}, CouponInput{}, 409),
		crud("shops", ListPage[Shop]{}, Shop{}, ShopInput{}, 409),
		crud("services", ListPage[ShopService]{}, ShopService{}, ShopServiceInput{}, 409),
		crud("warehouses", ListPage[Warehouse]{}, Warehouse{}, WarehouseInput{}, 409),
	)...)

// crud is the four routes of one resource (resource.go): list, create, detail and PATCH. A
// duplicate unique key is 409 on create and PATCH.
func crud(path string, page, item, input any, conflict int) []contract.Operation {
	base := "/api/admin/" + path
	return []contract.Operation{
		{Route: "GET " + base, Response: page, Query: []string{"q", "cursor", "limit"}},
		{Route: "POST " + base, Request: input, Response: item, Status: []int{201}, ETag: true, Errors: []int{conflict}},
		{Route: "GET " + base + "/{id}", Response: item, ETag: true},
		{Route: "PATCH " + base + "/{id}", Request: input, Response: item, IfMatch: true, ETag: true, Errors: []int{conflict}},
	}
}
