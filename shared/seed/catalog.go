package seed

import (
	"context"
	"database/sql"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// bcryptCost is the work factor of seeded password hashes.
const bcryptCost = 10

const (
	insertShopSQL = `INSERT INTO shops (name, address, city, region, phone, email, opening_hours, latitude, longitude)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9)`
	insertWarehouseSQL = `INSERT INTO warehouses (code, name, address, city, region, capacity) VALUES (:1, :2, :3, :4, :5, :6)`
	insertServiceSQL   = `INSERT INTO services (name, description, category, price, duration_minutes) VALUES (:1, :2, :3, :4, :5)`
	insertProductSQL   = `INSERT INTO products (sku, name, category, description, price, stock, image_url) VALUES (:1, :2, :3, :4, :5, :6, :7)`
	insertCustomerSQL  = `INSERT INTO customers (name, email, phone, company, industry, revenue, region, notes, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10)`
	insertUserSQL   = `INSERT INTO users (username, email, password_hash, full_name, role, customer_id) VALUES (:1, :2, :3, :4, :5, :6)`
	insertCouponSQL = `INSERT INTO coupons (code, description, discount_percent, discount_amount, max_uses, used_count, is_active, valid_from,
    valid_until, min_subtotal, first_order_only, per_customer_limit)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11, :12)`

	productIDsSQL   = `SELECT id, sku FROM products`
	customerIDsSQL  = `SELECT id, email FROM customers`
	userIDsSQL      = `SELECT id, username FROM users`
	couponIDsSQL    = `SELECT id, code FROM coupons`
	serviceIDsSQL   = `SELECT id, name FROM services`
	warehouseIDsSQL = `SELECT id, code FROM warehouses`
)

// places inserts shops, warehouses and services.
func (s *seeder) places(ctx context.Context, tx *sql.Tx) error {
	if _, err := db.ExecBatch(ctx, tx, insertShopSQL, [][]any{
		{"OCTO Flagship Store Seattle", "1201 Western Ave", "Seattle", "us-west", "+1 206 555 0100", "seattle@octo-drone-shop.example", "Mon-Sat 09:00-19:00", 47.6062, -122.3321},
		{"OCTO Drone Center Austin", "500 E Cesar Chavez St", "Austin", "us-central", "+1 512 555 0100", "austin@octo-drone-shop.example", "Mon-Fri 08:00-18:00", 30.2672, -97.7431},
		{"OCTO Service Hub Frankfurt", "Hanauer Landstrasse 140", "Frankfurt am Main", "eu-central", "+49 69 5550 1000", "frankfurt@octo-drone-shop.example", "Mon-Fri 08:00-17:00", 50.1109, 8.6821},
	}); err != nil {
		return fmt.Errorf("insert shops: %w", err)
	}
	if _, err := db.ExecBatch(ctx, tx, insertWarehouseSQL, [][]any{
		{"WH-SEA", "Seattle Fulfilment", "2400 Airport Way S", "Seattle", "us-west", 12000},
		{"WH-DFW", "Dallas Fulfilment", "3100 Regent Blvd", "Irving", "us-central", 18000},
		{"WH-EWR", "Newark Fulfilment", "80 Doremus Ave", "Newark", "us-east", 15000},
		{"WH-FRA", "Frankfurt Logistics", "Cargo City Sued 558", "Frankfurt am Main", "eu-central", 9000},
	}); err != nil {
		return fmt.Errorf("insert warehouses: %w", err)
	}
	if _, err := db.ExecBatch(ctx, tx, insertServiceSQL, [][]any{
		{"Drone Pilot Training (Part 107 Prep)", "Two-day ground school and flight practice for the FAA Part 107 exam.", "training", "1499.00", 960},
		{"Annual Airframe Inspection", "Motors, ESCs, frame and firmware checked and logged for compliance.", "maintenance", "499.00", 240},
		{"Aerial Mapping Survey (per day)", "Pilot, Surveyor Q4 and processing into orthomosaic and elevation models.", "survey", "3200.00", 480},
		{"Thermal Roof & Solar Inspection", "Radiometric inspection with a defect report per panel or roof section.", "inspection", "1800.00", 360},
	}); err != nil {
		return fmt.Errorf("insert services: %w", err)
	}
	var err error
	if s.services, err = keyIDs(ctx, tx, serviceIDsSQL); err != nil {
		return fmt.Errorf("read service ids: %w", err)
	}
	if s.warehouses, err = keyIDs(ctx, tx, warehouseIDsSQL); err != nil {
		return fmt.Errorf("read warehouse ids: %w", err)
	}
	return nil
}

// catalog inserts the products.
func (s *seeder) catalog(ctx context.Context, tx *sql.Tx) error {
	ps := products()
	rows := make([][]any, 0, len(ps))
	s.prices, s.names = map[string]int64{}, map[string]string{}
	for _, p := range ps {
		rows = append(rows, []any{p.sku, p.name, p.category, p.description, p.price, p.stock, "/images/products/" + p.sku + ".webp"})
		s.prices[p.sku], s.names[p.sku] = int64(p.price), p.name
	}
	if _, err := db.ExecBatch(ctx, tx, insertProductSQL, rows); err != nil {
		return fmt.Errorf("insert products: %w", err)
	}
	var err error
	if s.products, err = keyIDs(ctx, tx, productIDsSQL); err != nil {
		return fmt.Errorf("read product ids: %w", err)
	}
	return nil
}

// people inserts customers and users (passwords hashed with bcrypt).
func (s *seeder) people(ctx context.Context, tx *sql.Tx) error {
	cs := customers()
	rows := make([][]any, 0, len(cs))
	for i, c := range cs {
		var revenue any
		if c.revenue > 0 {
			revenue = c.revenue
		}
		rows = append(rows, []any{c.name, c.email, c.phone, db.NullIfEmpty(c.company), db.NullIfEmpty(c.industry), revenue, c.region, db.NullIfEmpty(c.notes), s.ago(float64(90 - 10*i)), s.ago(float64(90 - 10*i))})
	}
	if _, err := db.ExecBatch(ctx, tx, insertCustomerSQL, rows); err != nil {
		return fmt.Errorf("insert customers: %w", err)
	}
	ids, err := keyIDs(ctx, tx, customerIDsSQL)
	if err != nil {
		return fmt.Errorf("read customer ids: %w", err)
	}
	for _, c := range cs {
		s.customers = append(s.customers, ids[c.email])
	}
	us := users()
	rows = rows[:0]
	for _, u := range us {
		hash, err := bcrypt.GenerateFromPassword([]byte(u.password), bcryptCost)
		if err != nil {
			return fmt.Errorf("hash password of %s: %w", u.username, err)
		}
		var customerID any
		if u.customer >= 0 {
			customerID = s.customers[u.customer]
		}
		rows = append(rows, []any{u.username, u.email, string(hash), u.fullName, u.role, customerID})
	}
	if _, err := db.ExecBatch(ctx, tx, insertUserSQL, rows); err != nil {
		return fmt.Errorf("insert users: %w", err)
	}
	if s.users, err = keyIDs(ctx, tx, userIDsSQL); err != nil {
		return fmt.Errorf("read user ids: %w", err)
	}
	return nil
}

// couponRows inserts one coupon of each kind.
func (s *seeder) couponRows(ctx context.Context, tx *sql.Tx) error {
	var rows [][]any
	for _, c := range coupons() {
		var until any
		if c.endedDaysAgo > 0 {
			until = s.ago(c.endedDaysAgo)
		}
		rows = append(rows, []any{c.code, c.description, c.percent, c.amount, c.maxUses, c.usedCount, c.active, s.ago(60),
			until, c.minSubtotal, c.firstOrderOnly, c.perCustomerLimit})
	}
	if _, err := db.ExecBatch(ctx, tx, insertCouponSQL, rows); err != nil {
		return fmt.Errorf("insert coupons: %w", err)
	}
	var err error
	if s.coupons, err = keyIDs(ctx, tx, couponIDsSQL); err != nil {
		return fmt.Errorf("read coupon ids: %w", err)
	}
	return nil
}
