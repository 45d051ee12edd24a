// Package seed loads the local/demo data set (`octo seed`): a 42-product catalog over six categories,
// shops, services, warehouses, coupons of every kind, campaigns with leads, customers, staff and
// shopper logins, and enough orders, shipments, tickets, reviews, page views, security events and
// workflow history for every list and analytics view to show something.
//
// Seeding is all-or-nothing (one transaction) and never touches a database that already holds data:
// when products, customers, users or orders has a row, Run does nothing and returns ErrNotEmpty
// (IfEmpty turns that into a quiet no-op for `make run`). It never updates or deletes, so catalog
// edits survive every restart. Migrations never seed.
//
// Statements are written once in Oracle syntax and run through package db, so the same code seeds
// ATP and the embedded database. Rows go in with array DML / multi-row inserts (ExecBatch); ids come
// from RETURNING (orders, tickets, workflow runs) or from a lookup by the natural unique key of rows
// just inserted (SKU, email, username, code, name), never from MAX(id).
//
// Passwords are bcrypt hashes (cost 10, golang.org/x/crypto/bcrypt: the standard, salted and
// self-describing, so the auth function verifies with bcrypt.CompareHashAndPassword). The plain
// passwords are the exported *Password constants, for local use only.
package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// ErrNotEmpty means the database already holds data; nothing was written.
var ErrNotEmpty = errors.New("database already holds data")

// Options adjusts a run.
type Options struct {
	// IfEmpty makes a non-empty database a successful no-op instead of ErrNotEmpty.
	IfEmpty bool
	// Now anchors the relative dates of orders, page views and events; time.Now when zero.
	Now time.Time
}

// TableCount is the number of rows in one table after seeding.
type TableCount struct {
	Table string
	Rows  int64
}

// Result says what Run did.
type Result struct {
	// Seeded is false when the database already held data.
	Seeded bool
	// Existing is the number of rows found in the checked tables before seeding.
	Existing int64
	// Counts lists the seeded tables' row counts after a seed.
	Counts []TableCount
}

// String renders the result for the operator.
func (r Result) String() string {
	if !r.Seeded {
		return fmt.Sprintf("database already holds data (%d rows in products, customers, users and orders); nothing seeded\n", r.Existing)
	}
	var b strings.Builder
	b.WriteString("seeded:\n")
	for _, c := range r.Counts {
		fmt.Fprintf(&b, "  %-20s %d\n", c.Table, c.Rows)
	}
	return b.String()
}

// countExistingSQL counts the rows that mark a database as in use.
const countExistingSQL = `SELECT (SELECT COUNT(*) FROM products) + (SELECT COUNT(*) FROM customers)
     + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM orders) FROM dual`

// seededTables lists the tables Run fills, in the order their counts are reported.
func seededTables() []string {
	return []string{
		"products", "shops", "services", "warehouses", "coupons", "customers", "users", "orders",
		"order_items", "shipments", "shipment_events", "reviews", "campaigns", "leads", "tickets",
		"ticket_messages", "page_views", "security_events", "audit_logs", "assistant_sessions",
		"assistant_messages", "workflow_runs", "query_executions", "component_snapshots",
	}
}

// Run seeds an empty, migrated database in one transaction.
func Run(ctx context.Context, d *sql.DB, opts Options) (Result, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	s := &seeder{now: now.UTC()}
	var res Result
	err := db.InTx(ctx, d, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, countExistingSQL).Scan(&res.Existing); err != nil {
			return fmt.Errorf("count existing rows: %w", err)
		}
		if res.Existing > 0 {
			return nil
		}
		if err := s.run(ctx, tx); err != nil {
			return err
		}
		for _, t := range seededTables() {
			c := TableCount{Table: t}
			// Table names come from the constant list above, never from input.
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&c.Rows); err != nil {
				return fmt.Errorf("count %s: %w", t, err)
			}
			res.Counts = append(res.Counts, c)
		}
		res.Seeded = true
		return nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("seed.Run: %w", err)
	}
	if !res.Seeded && !opts.IfEmpty {
		return res, fmt.Errorf("seed.Run: %w (%d rows); nothing written", ErrNotEmpty, res.Existing)
	}
	return res, nil
}

// seeder carries the ids of inserted rows between the steps of one run.
type seeder struct {
	now        time.Time
	products   map[string]int64 // by SKU
	prices     map[string]int64 // cents by SKU
	names      map[string]string
	customers  []int64 // in customers() order
	users      map[string]int64
	coupons    map[string]int64
	services   map[string]int64
	warehouses map[string]int64
	orders     []int64 // in orders() order
}

// ago returns the time d days before now.
func (s *seeder) ago(days float64) time.Time {
	return s.now.Add(-time.Duration(days * float64(24*time.Hour)))
}

func (s *seeder) run(ctx context.Context, tx *sql.Tx) error {
	steps := []struct {
		name string
		fn   func(context.Context, *sql.Tx) error
	}{
		{"places", s.places},
		{"products", s.catalog},
		{"customers", s.people},
		{"coupons", s.couponRows},
		{"orders", s.orderRows},
		{"shipments", s.shipments},
		{"reviews", s.reviews},
		{"marketing", s.marketing},
		{"tickets", s.tickets},
		{"traffic", s.traffic},
		{"assistant", s.assistant},
		{"workflow", s.workflow},
	}
	for _, st := range steps {
		if err := st.fn(ctx, tx); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
	}
	return nil
}

// keyIDs maps a natural key to the id of the rows a query returns as (id, key).
func keyIDs(ctx context.Context, tx *sql.Tx, query string) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, err
		}
		out[key] = id
	}
	return out, rows.Err()
}

// flag converts a bool to the 0/1 of a NUMBER(1) flag column.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}
