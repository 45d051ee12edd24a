// Package schema holds the database schema of the OCTO data model as ordered, versioned migration
// files: the authoritative Oracle DDL (ATP 19c and 23ai) under oracle/, and its SQLite equivalent
// under sqlite/ with the same versions, table, column and constraint names.
//
// Files are named NNNN_name.sql (NNNN the version, contiguous from 0001) and contain only the DDL
// subset package ddl parses: CREATE TABLE, CREATE [UNIQUE] INDEX, CREATE VIEW (SQLite's dual) and
// ALTER TABLE ... ADD, and ALTER TABLE ... MODIFY widening a VARCHAR2 (Oracle). They never drop or
// truncate. A released file is never edited: its checksum is recorded in schema_migrations and a
// changed checksum stops the migrator; changes go in a new version. (Oracle 0004-0009 were corrected
// in place once, before any deployment had applied them, and the SQLite twin's files gained their
// byte-length checks; see the README's database section for local databases.)
//
// What Oracle enforces, the twin enforces: package ddl refuses what ATP would refuse half-way through
// a migration (a TIMESTAMP WITH TIME ZONE column in a unique or primary key constraint, identifiers
// over 128 bytes, reserved words, unique indexes the migrator cannot guard), and every VARCHAR2(n)
// column of the Oracle schema has a CHECK (length(CAST(col AS BLOB)) <= n) named ck_<table>_<col>_bytes
// in the SQLite twin, because VARCHAR2 counts bytes (the conformance test requires each one).
//
// Timestamps: Oracle uses TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP. SQLite stores them as TEXT
// in exactly one canonical UTC format, YYYY-MM-DDTHH:MM:SS.sssZ (e.g. 2026-11-25T19:14:00.123Z,
// strftime('%Y-%m-%dT%H:%M:%fZ','now')), which is what every column default produces and what the
// data layer writes and parses; the format sorts lexically in time order, so range queries and
// ORDER BY work on the text.
//
// Tables: the 24 tables of the data model (Tables) plus the Extras this bundle needs, listed with
// their reason in Extras. The migrator adds schema_migrations itself.
package schema

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"

	"github.com/octo-drone-shop/serverless/schema/ddl"
	"github.com/octo-drone-shop/serverless/schema/dialects"
)

// Dialect names accepted by Migrations (package dialects names them for everyone).
const (
	Oracle = dialects.Oracle
	SQLite = dialects.SQLite
)

// files embeds both dialects' migrations; Migrations and FS expose them read-only.
//
//go:embed oracle/*.sql sqlite/*.sql
var files embed.FS

// FS returns the migration files of a dialect ("oracle" or "sqlite"), at the root of the returned
// file system.
func FS(dialect string) (fs.FS, error) {
	switch dialect {
	case Oracle, SQLite:
		sub, err := fs.Sub(files, dialect)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", dialect, err)
		}
		return sub, nil
	}
	return nil, fmt.Errorf("schema: unknown dialect %q (want %q or %q)", dialect, Oracle, SQLite)
}

// Migrations loads and parses a dialect's embedded migrations in version order.
func Migrations(dialect string) ([]Migration, error) {
	fsys, err := FS(dialect)
	if err != nil {
		return nil, err
	}
	return Load(fsys)
}

// Migration is one versioned migration file.
type Migration struct {
	Version int
	// Name is the file name's descriptive part ("core" for 0001_core.sql).
	Name string
	// File is the file name.
	File string
	// Checksum is the hex SHA-256 of the file's bytes.
	Checksum string
	// Statements are the parsed statements in file order.
	Statements []ddl.Statement
}

// fileName matches NNNN_name.sql.
var fileName = regexp.MustCompile(`^([0-9]{4})_([a-z0-9_]+)\.sql$`)

// Load reads every *.sql file at the root of fsys as a migration. Versions must run 1, 2, 3, ...
// without gaps or duplicates, and every statement must parse (so destructive statements are refused
// here already, with ddl.ErrDestructive).
func Load(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	var out []Migration
	for _, name := range names {
		m := fileName.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("load migrations: %s: name must look like 0001_name.sql", name)
		}
		version, _ := strconv.Atoi(m[1])
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load migrations: %w", err)
		}
		stmts, err := ddl.ParseScript(string(src))
		if err != nil {
			return nil, fmt.Errorf("load migrations: %s: %w", name, err)
		}
		sum := sha256.Sum256(src)
		out = append(out, Migration{
			Version:    version,
			Name:       m[2],
			File:       path.Base(name),
			Checksum:   hex.EncodeToString(sum[:]),
			Statements: stmts,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("load migrations: %s: expected version %04d (versions start at 1 without gaps or duplicates)", m.File, i+1)
		}
	}
	return out, nil
}

// Model builds the schema the migrations produce when applied in order to an empty database.
func Model(migrations []Migration) (*ddl.Schema, error) {
	var all []ddl.Statement
	for _, m := range migrations {
		all = append(all, m.Statements...)
	}
	s, err := ddl.Build(all)
	if err != nil {
		return nil, fmt.Errorf("schema model: %w", err)
	}
	return s, nil
}

// Tables lists the 24 tables of the OCTO data model, the set both existing apps share.
func Tables() []string {
	return []string{
		// Core
		"users", "products", "customers", "orders", "order_items", "shops",
		// Commerce
		"cart_items", "reviews", "coupons", "shipments", "warehouses",
		// Marketing
		"campaigns", "leads",
		// Operations
		"page_views", "audit_logs", "security_events", "services", "tickets", "ticket_messages",
		// AI assistant
		"assistant_sessions", "assistant_messages",
		// Workflow gateway
		"workflow_runs", "query_executions", "component_snapshots",
	}
}

// Extras maps each table this bundle adds beyond the data model to the reason it exists.
func Extras() map[string]string {
	return map[string]string{
		"campaign_spend":         "every amount spent on a campaign, with its note, actor and trace id; campaigns.spent is their sum",
		"carts":                  "cart_items need an owner: an unguessable cart id with last activity and expiry (7 days idle)",
		"shipment_events":        "shipment status history (status, location, note, time) for tracking pages",
		"analytics_rollups":      "pre-aggregated metrics written by the scheduled rollup function",
		"login_attempts":         "failed logins per account and client address for the auth function's first lockout; superseded by login_throttle (migrations are additive, so it stays)",
		"lead_dedup":             "the current lead of each (campaign, email) key: makes lead-capture's 30-day deduplication safe under concurrency",
		"login_throttle":         "the login throttle's counters per (account, address) pair, address and account, locked row by row (shared by all the auth function's processes)",
		"account_tokens":         "hashed single-use email verification and password reset tokens",
		"refresh_tokens":         "hashed rotating refresh tokens, grouped in families for reuse detection",
		"order_status_history":   "every staff order status transition with its reason, actor and trace id (the CRM order detail)",
		"notification_outbox":    "email written in the transaction of its cause and drained by the notifier function (at-least-once, stable Message-ID)",
		"analytics_rollup_state": "how far the rollup's buckets are complete and changes re-rolled, and its singleton lock (owner, expiry)",
		"workflow_locks":         "the workflow gateway's sweep lock row with its expiry, taken by one conditional UPDATE so overlapping sweeps never both run",
	}
}
