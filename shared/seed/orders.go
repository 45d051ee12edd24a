package seed

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// Pricing rules of the shop (anchors): free shipping from this subtotal, else a flat rate.
const (
	freeShippingFrom money.Cents = 500000
	flatShipping     money.Cents = 14900
	weightPerUnitKg              = 1.4
)

const (
	insertOrderSQL = `INSERT INTO orders (customer_id, subtotal, discount, shipping_cost, total, currency, coupon_id, coupon_code,
    status, payment_method, payment_status, shipping_address, region, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, 'USD', :6, :7, :8, :9, :10, :11, :12, :13, :14)
RETURNING id INTO :15`
	insertOrderItemSQL = `INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price, line_total, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7)`
	insertShipmentSQL = `INSERT INTO shipments (order_id, warehouse_id, tracking_number, carrier, status, weight_kg, origin_region,
    destination_region, estimated_delivery, shipped_at, delivered_at, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11, :12, :13)`
	shipmentIDsSQL         = `SELECT id, tracking_number FROM shipments`
	insertShipmentEventSQL = `INSERT INTO shipment_events (shipment_id, status, location, note, created_at) VALUES (:1, :2, :3, :4, :5)`
	insertReviewSQL        = `INSERT INTO reviews (product_id, customer_id, author_name, title, rating, review_text, is_verified, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9)`
)

// regionWarehouse is the warehouse that ships to a region.
func regionWarehouse(region string) string {
	switch region {
	case "us-west":
		return "WH-SEA"
	case "us-central":
		return "WH-DFW"
	case "eu-central":
		return "WH-FRA"
	}
	return "WH-EWR"
}

// regionAddress is the demo delivery address in a region.
func regionAddress(region string) string {
	switch region {
	case "us-west":
		return "2200 Westlake Ave, Seattle, WA 98121, US"
	case "us-central":
		return "8 Farm Road 1431, Round Rock, TX 78681, US"
	case "eu-central":
		return "Mainzer Landstrasse 50, 60325 Frankfurt am Main, DE"
	}
	return "410 Broad St, Newark, NJ 07102, US"
}

// totals applies the shop's pricing rules: percent and fixed discounts stack and are capped at the
// subtotal; shipping is free from $5,000 (before discount), else $149, and 0 for an empty order.
func totals(subtotal money.Cents, c *coupon) (discount, shipping, total money.Cents) {
	if c != nil {
		discount = (subtotal*money.Cents(c.percent)+50)/100 + c.amount
		discount = min(discount, subtotal)
	}
	switch {
	case subtotal == 0, subtotal >= freeShippingFrom:
		shipping = 0
	default:
		shipping = flatShipping
	}
	return discount, shipping, max(subtotal-discount, 0) + shipping
}

// orderRows inserts the orders (ids through RETURNING) and their items.
func (s *seeder) orderRows(ctx context.Context, tx *sql.Tx) error {
	byCode := map[string]*coupon{}
	cs := coupons()
	for i := range cs {
		byCode[cs[i].code] = &cs[i]
	}
	var items [][]any
	for _, o := range orders() {
		cust := customers()[o.customer]
		created := s.ago(o.daysAgo)
		var subtotal money.Cents
		for _, l := range o.lines {
			subtotal += money.Cents(s.prices[l.sku] * int64(l.qty))
		}
		var couponID, couponCode any
		discount, shipping, total := totals(subtotal, byCode[o.coupon])
		if o.coupon != "" {
			couponID, couponCode = s.coupons[o.coupon], o.coupon
		}
		id, err := db.InsertReturningID(ctx, tx, insertOrderSQL, s.customers[o.customer], subtotal, discount, shipping, total,
			couponID, couponCode, o.status, o.method, o.payment, regionAddress(cust.region), cust.region, created, created.Add(2*time.Hour))
		if err != nil {
			return fmt.Errorf("insert order: %w", err)
		}
		s.orders = append(s.orders, id)
		for _, l := range o.lines {
			price := money.Cents(s.prices[l.sku])
			items = append(items, []any{id, s.products[l.sku], s.names[l.sku], l.qty, price, price * money.Cents(l.qty), created})
		}
	}
	if _, err := db.ExecBatch(ctx, tx, insertOrderItemSQL, items); err != nil {
		return fmt.Errorf("insert order items: %w", err)
	}
	return nil
}

// shipmentStatus maps an order status to its shipment's status; "" means no shipment yet.
func shipmentStatus(orderStatus string) string {
	switch orderStatus {
	case "processing":
		return "processing"
	case "shipped":
		return "in_transit"
	case "delivered":
		return "delivered"
	case "refunded":
		return "returned"
	}
	return ""
}

// shipments inserts a shipment, with its status history, for every order past payment.
func (s *seeder) shipments(ctx context.Context, tx *sql.Tx) error {
	type step struct {
		status, location, note string
		days                   float64
	}
	var rows [][]any
	history := map[string][]step{}
	for i, o := range orders() {
		status := shipmentStatus(o.status)
		if status == "" {
			continue
		}
		region := customers()[o.customer].region
		created := s.ago(o.daysAgo)
		units := 0
		for _, l := range o.lines {
			units += l.qty
		}
		tracking := fmt.Sprintf("OCTO-%06d", s.orders[i])
		steps := []step{{"processing", regionWarehouse(region), "Order packed", 0.1}}
		var shipped, delivered any
		if status != "processing" {
			steps = append(steps, step{"shipped", regionWarehouse(region), "Handed to " + o.carrier, 1}, step{"in_transit", "Hub " + region, "In transit", 1.5})
			shipped = created.Add(24 * time.Hour)
		}
		if status == "delivered" || status == "returned" {
			steps = append(steps, step{"delivered", regionAddress(region), "Delivered, signed by recipient", 4})
			delivered = created.Add(96 * time.Hour)
		}
		if status == "returned" {
			steps = append(steps, step{"returned", regionWarehouse(region), "Returned to warehouse, refund issued", 9})
		}
		history[tracking] = steps
		rows = append(rows, []any{s.orders[i], s.warehouses[regionWarehouse(region)], tracking, o.carrier, status,
			weightPerUnitKg * float64(units), region, region, created.Add(5 * 24 * time.Hour), shipped, delivered,
			created, created.Add(time.Duration(steps[len(steps)-1].days * float64(24*time.Hour)))})
	}
	if _, err := db.ExecBatch(ctx, tx, insertShipmentSQL, rows); err != nil {
		return fmt.Errorf("insert shipments: %w", err)
	}
	ids, err := keyIDs(ctx, tx, shipmentIDsSQL)
	if err != nil {
		return fmt.Errorf("read shipment ids: %w", err)
	}
	var events [][]any
	for i, o := range orders() {
		tracking := fmt.Sprintf("OCTO-%06d", s.orders[i])
		for _, st := range history[tracking] {
			at := s.ago(o.daysAgo).Add(time.Duration(st.days * float64(24*time.Hour)))
			events = append(events, []any{ids[tracking], st.status, st.location, st.note, at})
		}
	}
	if _, err := db.ExecBatch(ctx, tx, insertShipmentEventSQL, events); err != nil {
		return fmt.Errorf("insert shipment events: %w", err)
	}
	return nil
}

// reviews inserts product reviews: verified ones by purchasing customers, anonymous ones without.
func (s *seeder) reviews(ctx context.Context, tx *sql.Tx) error {
	type review struct {
		sku           string
		customer      int
		author, title string
		rating        int
		text          string
		days          float64
	}
	rs := []review{
		{"DRN-Q4-SRV", 0, "Avery C.", "Survey-grade out of the box", 5, "RTK fix in under a minute and our GCP residuals dropped below 2 cm.", 20},
		{"BAT-Q4-7K", 0, "Avery C.", "Solid endurance", 4, "Consistently 50+ minutes; the self-heating helps in winter.", 19},
		{"DRN-A10-AGR", 1, "Marcus O.", "Paid for itself in one season", 5, "Terrain following works on our rolling fields; refill turnaround is quick.", 14},
		{"DRN-X8-HL", 2, "Sofia L.", "Serious lifting", 5, "Carried our 18 kg stringing payload without drama in 10 m/s wind.", 21},
		{"PLD-LDR-L2", 2, "Sofia L.", "Clean point clouds", 4, "Great density; the processing software has a learning curve.", 20},
		{"BAT-RC-4K", 5, "Jordan B.", "Does the job", 4, "Keeps the controller going through a full day of flying.", 6},
		{"DRN-M2-SCT", -1, "FieldPilot22", "Great scout drone", 4, "Light and quick to deploy; wish the zoom were longer.", 30},
		{"DRN-M2-SCT", -1, "Nadia K.", "Good beginner platform", 5, "Our trainees learned on it before moving to the Q4.", 16},
		{"PLD-TH640-RAD", -1, "SolarOps", "Accurate temperatures", 5, "Radiometric data matched our handheld within 1 degree C.", 11},
		{"ACC-PAD-150", -1, "Chris P.", "Does what it says", 3, "Pegs are flimsy, pad itself is fine.", 8},
		{"CTL-PRO-7", -1, "Ray T.", "Bright screen", 4, "Readable in full sun, battery life could be better.", 5},
		{"PRT-PRP-30", -1, "Mo A.", "Balanced and quiet", 5, "Noticeably less vibration than the previous set.", 3},
	}
	var rows [][]any
	for _, r := range rs {
		var cust any
		if r.customer >= 0 {
			cust = s.customers[r.customer]
		}
		at := s.ago(r.days)
		rows = append(rows, []any{s.products[r.sku], cust, r.author, r.title, r.rating, r.text, flag(r.customer >= 0), at, at})
	}
	if _, err := db.ExecBatch(ctx, tx, insertReviewSQL, rows); err != nil {
		return fmt.Errorf("insert reviews: %w", err)
	}
	return nil
}
