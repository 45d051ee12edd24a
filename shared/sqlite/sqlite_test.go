package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "octo.db")
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestOpenConfiguresEveryConnection(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	// Hold three connections at once so the pragmas are checked on more than the first one.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		var mode string
		var fk, busy, sync int
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 || busy != 5000 || sync != 1 {
			t.Errorf("connection %d: journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d, want wal 1 5000 1", i, mode, fk, busy, sync)
		}
		c.Close()
	}
}

func TestOpenRejectsPathsThatCannotBeShared(t *testing.T) {
	for name, path := range map[string]string{
		"empty":       "",
		"memory":      ":memory:",
		"uri":         "file:octo.db",
		"query chars": filepath.Join(t.TempDir(), "a?b.db"),
	} {
		t.Run(name, func(t *testing.T) {
			db, err := Open(path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded, want an error", path)
			}
		})
	}
}

func TestForeignKeysAreEnforced(t *testing.T) {
	db, _ := openTemp(t)
	mustExec(t, db, "CREATE TABLE parent (id INTEGER PRIMARY KEY)")
	mustExec(t, db, "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id))")
	if _, err := db.Exec("INSERT INTO child (id, parent_id) VALUES (1, 42)"); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("insert with a missing parent: err = %v, want a FOREIGN KEY constraint failure", err)
	}
}

// TestConcurrentProcessesSellExactlyTheStock runs read-then-update transactions from separate pools
// (as separate processes would) on one file. With a deferred BEGIN most of them fail with SQLITE_BUSY.
func TestConcurrentProcessesSellExactlyTheStock(t *testing.T) {
	db, path := openTemp(t)
	mustExec(t, db, "CREATE TABLE products (id INTEGER PRIMARY KEY, stock INTEGER NOT NULL CHECK (stock >= 0))")
	mustExec(t, db, "INSERT INTO products (id, stock) VALUES (1, 25)")

	const buyers = 40
	var (
		wg            sync.WaitGroup
		mu            sync.Mutex
		sold, soldOut int
		failures      []error
	)
	for range buyers {
		wg.Go(func() {
			p, err := Open(path)
			if err != nil {
				mu.Lock()
				failures = append(failures, err)
				mu.Unlock()
				return
			}
			defer p.Close()
			ok, err := buyOne(p)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failures = append(failures, err)
			case ok:
				sold++
			default:
				soldOut++
			}
		})
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d transactions failed, first: %v", len(failures), buyers, failures[0])
	}
	var stock int
	if err := db.QueryRow("SELECT stock FROM products WHERE id = 1").Scan(&stock); err != nil {
		t.Fatal(err)
	}
	if sold != 25 || soldOut != 15 || stock != 0 {
		t.Errorf("sold %d, sold out %d, stock left %d; want 25, 15, 0", sold, soldOut, stock)
	}
}

func buyOne(db *sql.DB) (bool, error) {
	tx, err := db.Begin()
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var stock int
	if err := tx.QueryRow("SELECT stock FROM products WHERE id = 1").Scan(&stock); err != nil {
		return false, err
	}
	if stock == 0 {
		return false, tx.Commit()
	}
	if _, err := tx.Exec("UPDATE products SET stock = ?1 WHERE id = 1", stock-1); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

func TestTimestampsRoundTripInCanonicalFormat(t *testing.T) {
	db, _ := openTemp(t)
	mustExec(t, db, "CREATE TABLE events (id INTEGER PRIMARY KEY, created_at TIMESTAMP NOT NULL DEFAULT ("+NowSQL+"))")
	mustExec(t, db, "INSERT INTO events (id) VALUES (1)")
	at := time.Date(2025, 3, 14, 15, 9, 26, 535_897_932, time.FixedZone("CET", 3600))
	if _, err := db.Exec("INSERT INTO events (id, created_at) VALUES (2, ?1)", FormatTime(at)); err != nil {
		t.Fatal(err)
	}

	// Read the stored bytes through hex(), so that no layer above can parse the text into a time.
	stored := func(id int) string {
		var h string
		if err := db.QueryRow("SELECT hex(created_at) FROM events WHERE id = ?1", id).Scan(&h); err != nil {
			t.Fatal(err)
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	defaulted, bound := stored(1), stored(2)
	if _, err := time.Parse(TimeFormat, defaulted); err != nil || len(defaulted) != len(TimeFormat) {
		t.Errorf("DDL default stored %q, not in TimeFormat: %v", defaulted, err)
	}
	if bound != "2025-03-14T14:09:26.535Z" {
		t.Errorf("FormatTime stored %q, want 2025-03-14T14:09:26.535Z (UTC, milliseconds)", bound)
	}

	var scanned time.Time
	if err := db.QueryRow("SELECT created_at FROM events WHERE id = 2").Scan(&scanned); err != nil {
		t.Fatalf("scan TIMESTAMP column into time.Time: %v", err)
	}
	if want := at.Truncate(time.Millisecond); !scanned.Equal(want) {
		t.Errorf("scanned %v, want %v", scanned, want)
	}
	// A typeless expression (MAX) is its text on this raw pool: the data layer's pool, through the
	// dialect's Rows, reads it as a time (shared/db TestTimesAreBoundAndScannedInCanonicalFormat).
	var newest string
	if err := db.QueryRow("SELECT MAX(created_at) FROM events").Scan(&newest); err != nil {
		t.Fatal(err)
	}
	if newest != defaulted {
		t.Errorf("MAX(created_at) = %q, want the defaulted row's text %q", newest, defaulted)
	}
}

func mustExec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
