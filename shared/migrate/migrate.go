// Package migrate applies the versioned schema migrations of package schema to Oracle ATP or to the
// embedded SQLite database, and records them in schema_migrations (version, name, checksum,
// applied_at).
//
// Guarantees:
//
//   - Ordered and versioned: versions 1..n apply in order; each applied version is recorded with
//     the SHA-256 of its file, and a recorded version whose file has changed stops the run
//     (ErrChecksumMismatch) before anything is executed. A second run is a no-op.
//
//   - Additive only: a migration containing DROP, TRUNCATE, DELETE or RENAME is refused when it is
//     loaded (ddl.ErrDestructive), so nothing is executed. The one change of an existing object a
//     migration may ask for is a CHECK constraint's condition (ALTER TABLE t ADD CONSTRAINT c CHECK
//     (...)): the new condition is validated against every row before the old one goes, on both
//     dialects (see planCheck); the DROP it needs is the migrator's, never a migration's text.
//     Data changes are limited to backfills (UPDATE t SET c = expr WHERE c IS NULL, see
//     planBackfill): they fill a new column's NULLs before a CHECK makes it required, and never
//     overwrite a value.
//
//   - Shared databases: on the shared ATP the other application may already have created a table.
//     Every statement is planned against the database's dictionary first: missing tables and indexes
//     are created, an existing table gets its missing columns (ALTER TABLE ... ADD), and existing
//     columns whose type, nullability or identity differ are reported as incompatibilities instead of
//     failing half-way. A version with incompatibilities is not recorded, the rest of the run still
//     applies, and Run returns ErrIncompatible with the full Report.
//
//   - Restartable: Oracle DDL commits implicitly, so each statement is planned from the dictionary
//     and a rerun after a failure skips what already exists. On SQLite a version runs in one
//     transaction with its record.
//
//   - One migrator at a time: on Oracle a run holds a row lock in schema_migrations_lock on a
//     connection of its own (DDL's implicit commits happen on another one and cannot release it);
//     a second migrator waits, then finds the versions recorded. On SQLite each version is planned
//     and applied under the write lock its transaction takes at BEGIN.
//
// Migrating is a deployment step, not every function's cold start. Migrations never insert data; see
// package seed for that (a backfill only completes the rows that exist).
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/octo-drone-shop/serverless/schema"
)

// Errors Run wraps.
var (
	// ErrIncompatible means existing objects differ from the schema; the Report lists them.
	ErrIncompatible = errors.New("existing schema objects are incompatible")
	// ErrChecksumMismatch means an applied migration's file was edited after it was applied.
	ErrChecksumMismatch = errors.New("applied migration was modified")
)

// Options adjusts a run; the zero value applies the embedded migrations.
type Options struct {
	// Source replaces the embedded migrations of the dialect (files NNNN_name.sql at its root).
	Source fs.FS
}

// Version identifies one migration.
type Version struct {
	Version  int
	Name     string
	Checksum string
}

// Report is what a run did.
type Report struct {
	Dialect string
	// Applied lists the versions applied and recorded by this run.
	Applied []Version
	// Current lists every version recorded in schema_migrations after the run.
	Current []Version
	// Actions are the statements executed, in order.
	Actions []Action
	// Skipped are statements not executed because the object already exists.
	Skipped []Action
	// Incompatibilities are existing objects that differ from the schema; their versions are not
	// recorded.
	Incompatibilities []Incompatibility
	// Notices are informational findings (unknown recorded versions, missing constraints on
	// existing tables).
	Notices []string
}

// String renders the report for an operator: one line per applied version with what it created,
// then every column added to an existing table, every skip, notice and incompatibility.
func (r Report) String() string {
	var b strings.Builder
	if len(r.Applied) == 0 && len(r.Actions) == 0 && len(r.Incompatibilities) == 0 {
		fmt.Fprintf(&b, "%s schema is up to date (%d versions applied)\n", r.Dialect, len(r.Current))
	}
	created := map[int]map[string]int{}
	for _, a := range r.Actions {
		if created[a.Version] == nil {
			created[a.Version] = map[string]int{}
		}
		created[a.Version][a.Kind]++
	}
	for _, v := range r.Applied {
		var parts []string
		for _, k := range []struct{ kind, label string }{
			{CreateTable, "tables"}, {AddColumn, "columns added"}, {WidenColumn, "columns widened"}, {CreateIndex, "indexes"}, {CreateView, "views"}, {ReplaceCheck, "check statements"}, {BackfillColumn, "backfills"},
		} {
			if n := created[v.Version][k.kind]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, k.label))
			}
		}
		fmt.Fprintf(&b, "applied %04d_%s (%s)\n", v.Version, v.Name, strings.Join(parts, ", "))
	}
	for _, a := range r.Actions {
		if a.Kind == AddColumn {
			fmt.Fprintf(&b, "  v%d added column %s\n", a.Version, a.Object)
		}
	}
	for _, a := range r.Skipped {
		fmt.Fprintf(&b, "  v%d skipped %s %s: %s\n", a.Version, a.Kind, a.Object, a.Reason)
	}
	for _, n := range r.Notices {
		fmt.Fprintf(&b, "notice: %s\n", n)
	}
	for _, i := range r.Incompatibilities {
		fmt.Fprintf(&b, "INCOMPATIBLE: %s\n", i)
	}
	return b.String()
}

// Run applies the pending migrations of dialect ("oracle" or "sqlite") to db and reports what it did.
func Run(ctx context.Context, db *sql.DB, dialect string, opts Options) (Report, error) {
	rep := Report{Dialect: dialect}
	src := opts.Source
	if src == nil {
		var err error
		if src, err = schema.FS(dialect); err != nil {
			return rep, fmt.Errorf("migrate.Run: %w", err)
		}
	} else if dialect != schema.Oracle && dialect != schema.SQLite {
		return rep, fmt.Errorf("migrate.Run: unknown dialect %q", dialect)
	}
	migrations, err := schema.Load(src)
	if err != nil {
		return rep, fmt.Errorf("migrate.Run: %w", err)
	}
	h := history{db: db, dialect: dialect}
	if lock := rulesOf(dialect).lock; lock != nil {
		release, err := lock(ctx, db)
		if err != nil {
			return rep, fmt.Errorf("migrate.Run: %w", err)
		}
		defer release()
	}
	if err := h.ensure(ctx); err != nil {
		return rep, fmt.Errorf("migrate.Run: %w", err)
	}
	applied, err := h.read(ctx)
	if err != nil {
		return rep, fmt.Errorf("migrate.Run: %w", err)
	}
	known := map[int]bool{}
	var pending []schema.Migration
	for _, m := range migrations {
		known[m.Version] = true
		rec, ok := applied[m.Version]
		switch {
		case !ok:
			pending = append(pending, m)
		case rec.Checksum != m.Checksum:
			return rep, fmt.Errorf("migrate.Run: %w: %04d_%s recorded checksum %s, file %s has %s (add a new version instead of editing)",
				ErrChecksumMismatch, m.Version, rec.Name, rec.Checksum, m.File, m.Checksum)
		}
	}
	for v, rec := range applied {
		if !known[v] {
			rep.Notices = append(rep.Notices, fmt.Sprintf("version %04d_%s is recorded but unknown to this build", v, rec.Name))
		}
	}
	if len(pending) > 0 {
		if err := apply(ctx, h, pending, &rep); err != nil {
			return rep, fmt.Errorf("migrate.Run: %w", err)
		}
	}
	if applied, err = h.read(ctx); err != nil {
		return rep, fmt.Errorf("migrate.Run: %w", err)
	}
	for _, v := range slices.Sorted(maps.Keys(applied)) {
		rep.Current = append(rep.Current, applied[v])
	}
	if len(rep.Incompatibilities) > 0 {
		return rep, fmt.Errorf("migrate.Run: %w: %d finding(s), see the report", ErrIncompatible, len(rep.Incompatibilities))
	}
	return rep, nil
}

// apply plans each pending version against the live catalog and executes it, as the dialect does
// (applyOracle, applySQLite).
func apply(ctx context.Context, h history, pending []schema.Migration, rep *Report) error {
	return rulesOf(h.dialect).apply(ctx, h, pending, rep)
}

// applyAllOracle holds the migrator's lock (lockOracle) for the run, so the catalog is read once.
func applyAllOracle(ctx context.Context, h history, pending []schema.Migration, rep *Report) error {
	cat, err := loadOracleCatalog(ctx, h.db)
	if err != nil {
		return fmt.Errorf("read catalog: %w", err)
	}
	for _, m := range pending {
		v := Version{Version: m.Version, Name: m.Name, Checksum: m.Checksum}
		p := planVersion(cat, h.dialect, m.Version, m.Statements)
		rep.add(p)
		record := len(p.Incompatibilities) == 0
		err := applyOracle(ctx, h, p.Actions, v, record, rep)
		if err == nil && record {
			rep.Applied = append(rep.Applied, v)
		}
		if err != nil {
			return fmt.Errorf("%04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

// applyAllSQLite plans each version inside its own transaction, whose BEGIN IMMEDIATE takes the
// database's write lock: a concurrent migrator waits there and then finds the version recorded (or
// the objects present).
func applyAllSQLite(ctx context.Context, h history, pending []schema.Migration, rep *Report) error {
	for _, m := range pending {
		v := Version{Version: m.Version, Name: m.Name, Checksum: m.Checksum}
		if err := applySQLite(ctx, h, m, v, rep); err != nil {
			return fmt.Errorf("%04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

// add records a version's plan in the report.
func (r *Report) add(p plan) {
	r.Skipped = append(r.Skipped, p.Skipped...)
	r.Notices = append(r.Notices, p.Notices...)
	r.Incompatibilities = append(r.Incompatibilities, p.Incompatibilities...)
	r.Actions = append(r.Actions, p.Actions...)
}

// sqliteRecordedSQL tells whether a version is recorded.
const sqliteRecordedSQL = `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`

// applySQLite plans and runs one version and its record in a single transaction; a version another
// migrator recorded meanwhile is left alone.
func applySQLite(ctx context.Context, h history, m schema.Migration, v Version, rep *Report) error {
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var n int
	if err := tx.QueryRowContext(ctx, sqliteRecordedSQL, m.Version).Scan(&n); err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	if n > 0 {
		rep.Notices = append(rep.Notices, fmt.Sprintf("v%d was applied by a concurrent migrator", m.Version))
		return nil
	}
	cat, err := loadSQLiteCatalog(ctx, tx)
	if err != nil {
		return fmt.Errorf("read catalog: %w", err)
	}
	p := planVersion(cat, h.dialect, m.Version, m.Statements)
	rep.add(p)
	actions, record := p.Actions, len(p.Incompatibilities) == 0
	for _, a := range actions {
		var err error
		if a.Kind == ReplaceCheck {
			err = replaceSQLiteCheck(ctx, tx, a)
		} else {
			_, err = tx.ExecContext(ctx, a.SQL)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", a.Kind, a.Object, err)
		}
	}
	if record {
		if _, err := tx.ExecContext(ctx, h.insertSQL(), v.Version, v.Name, v.Checksum); err != nil {
			return fmt.Errorf("record version: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if record {
		rep.Applied = append(rep.Applied, v)
	}
	return nil
}

// applyOracle runs one version statement by statement (each DDL commits on its own), then records it.
// An index Oracle refuses because an equivalent exists (ORA-01408, or ORA-00955 for its name on the
// same table) is taken as present, with a notice.
func applyOracle(ctx context.Context, h history, actions []Action, v Version, record bool, rep *Report) error {
	for _, a := range actions {
		if _, err := h.db.ExecContext(ctx, a.SQL); err != nil {
			if notice, ok := presentAfter(oraCode(err), a, oracleTableOfIndex(ctx, h.db)); ok {
				rep.Notices = append(rep.Notices, notice)
				continue
			}
			return fmt.Errorf("%s %s: %w", a.Kind, a.Object, err)
		}
	}
	if !record {
		return nil
	}
	if _, err := h.db.ExecContext(ctx, h.insertSQL(), v.Version, v.Name, v.Checksum); err != nil {
		return fmt.Errorf("record version: %w", err)
	}
	return nil
}
