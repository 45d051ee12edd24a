package cart

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// The statements of admin-catalog's archive (functions/admin-catalog/archive.go) after its first,
// products.lock (SELECT ... FOR UPDATE of the product row).
const (
	archiveProductSQL  = `UPDATE products SET is_active = 0, archived_at = :1, updated_at = :2 WHERE id = :3`
	removeFromCartsSQL = `DELETE FROM cart_items WHERE product_id = :1`
)

// racingArchive plays an archive of product that arrives while an add to a cart is between its
// product read and its write, interleaved as Oracle's READ COMMITTED allows (SQLite's write lock
// never lets it happen, so the test plays it through the service's intercept seam). The archive's
// first statement locks the product row. If the add's read locked that row (SELECT ... FOR UPDATE),
// the archive waits for the add's commit: it runs after the add returns (afterwards). If not, it
// commits before the add's next statement, which then sees its writes (READ COMMITTED: each
// statement reads what was committed when it started); its DELETE of the product's cart lines runs
// before the add wrote its line, so cannot remove it. The archive's writes are played on the add's
// transaction, which is where a committed concurrent write becomes visible to it.
type racingArchive struct {
	product int64
	mu      sync.Mutex
	read    bool // the add read the product
	locked  bool // that read locked the product row
	ran     int  // times the archive ran (must end at 1)
}

func (a *racingArchive) wrap(q db.DBTX) db.DBTX { return raceDB{DBTX: q, a: a} }

// before runs ahead of every statement of the add's transaction.
func (a *racingArchive) before(ctx context.Context, q db.DBTX, query string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if strings.Contains(query, "FROM products") && !a.read {
		a.read, a.locked = true, strings.Contains(query, "FOR UPDATE")
		return nil
	}
	if a.read && !a.locked && a.ran == 0 {
		return a.archive(ctx, q)
	}
	return nil
}

// afterwards runs the archive once the add has committed, when the add's lock made it wait.
func (a *racingArchive) afterwards(t *testing.T, d *sql.DB) {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.read {
		t.Fatal("the add never read the product: the interleaving was not played")
	}
	if a.ran == 0 {
		if err := a.archive(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	if a.ran != 1 {
		t.Fatalf("the archive ran %d times, want 1", a.ran)
	}
}

func (a *racingArchive) archive(ctx context.Context, q db.DBTX) error {
	a.ran++
	now := time.Now().UTC()
	if _, err := q.ExecContext(ctx, archiveProductSQL, now, now, a.product); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, removeFromCartsSQL, a.product)
	return err
}

// raceDB is the add's transaction with the archive played before each statement.
type raceDB struct {
	db.DBTX
	a *racingArchive
}

func (q raceDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := q.a.before(ctx, q.DBTX, query); err != nil {
		return nil, err
	}
	return q.DBTX.ExecContext(ctx, query, args...)
}

func (q raceDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := q.a.before(ctx, q.DBTX, query); err != nil {
		return nil, err
	}
	return q.DBTX.QueryContext(ctx, query, args...)
}

// QueryRowContext cannot fail before running; a failed archive shows in the test's checks.
func (q raceDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	_ = q.a.before(ctx, q.DBTX, query)
	return q.DBTX.QueryRowContext(ctx, query, args...)
}

// TestAnAddRacingAnArchiveLeavesNoLine: an add to a cart and an archive of the product interleave
// as READ COMMITTED allows (the add reads the product, the archive commits, the add writes): the cart
// ends without a line of the archived product, whether the cart already held one or not. The add
// locks the product row with its read (productForLineSQL, FOR UPDATE OF p.is_active), so the archive,
// which locks it first too, runs wholly before the add's read (the add then answers 422) or wholly
// after its commit (and removes the line). Without that lock the line survives.
func TestAnAddRacingAnArchiveLeavesNoLine(t *testing.T) {
	for _, held := range []int64{0, 2} {
		name := map[int64]string{0: "new_line", 2: "line_already_held"}[held]
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			pid, _ := f.product(t, "ACC-PAD-150")
			id := f.newCart(t)
			if held > 0 {
				if status, _, e, _ := f.do(t, "POST", "/api/carts/"+id+"/items", add(pid, held)); status != http.StatusOK {
					t.Fatalf("first add = %d %+v", status, e)
				}
			}
			race := &racingArchive{product: pid}
			s := &Service{db: f.db.DB, log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: time.Now, intercept: race.wrap}
			var err error
			if f.h, err = s.routes(); err != nil {
				t.Fatal(err)
			}
			status, c, e, _ := f.do(t, "POST", "/api/carts/"+id+"/items", add(pid, 1))
			race.afterwards(t, f.db.DB)
			if status != http.StatusOK && (status != http.StatusUnprocessableEntity || e.Error.Code != "product_unavailable") {
				t.Fatalf("racing add = %d %+v, want 200, or 422 product_unavailable", status, e)
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM products WHERE id = :1 AND archived_at IS NOT NULL AND is_active = 0`, pid); n != 1 {
				t.Fatal("the product is not archived")
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM cart_items WHERE product_id = :1`, pid); n != 0 {
				t.Fatalf("%d cart line(s) of the archived product survive the race (the add answered %d with %d items): "+
					"the archive committed between the add's read and its write", n, status, len(c.Items))
			}
		})
	}
}
