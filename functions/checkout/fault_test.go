package checkout

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
)

// A fault decides what one call of a statement does: it may rewrite the binds (to hide a row a
// concurrent transaction has not committed yet), write rows through q first (what a concurrent
// winner wrote), or fail the call with err instead of running it. call counts from 1 per statement.
type fault func(ctx context.Context, q db.DBTX, call int, args []any) ([]any, error)

// faults is a fault-injecting plan, keyed by statement text (the SQL constants of this package) or
// its start (another package's statement: "INSERT INTO audit_logs"); calls counts the calls by key.
type faults struct {
	mu    sync.Mutex
	calls map[string]int
	at    map[string]fault
}

func newFaults(at map[string]fault) *faults { return &faults{calls: map[string]int{}, at: at} }

// wrap is the Service's intercept: every handle the service uses runs through the plan.
func (f *faults) wrap(q db.DBTX) db.DBTX { return faultyDB{DBTX: q, f: f} }

func (f *faults) hit(ctx context.Context, q db.DBTX, query string, args []any) ([]any, error) {
	f.mu.Lock()
	var (
		fn fault
		n  int
	)
	for key, at := range f.at {
		if strings.HasPrefix(query, key) {
			f.calls[key]++
			fn, n = at, f.calls[key]
		}
	}
	f.mu.Unlock()
	if fn == nil {
		return args, nil
	}
	return fn(ctx, q, n, args)
}

// faultyDB is a db.DBTX that consults its plan before every statement.
type faultyDB struct {
	db.DBTX
	f *faults
}

func (q faultyDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	args, err := q.f.hit(ctx, q.DBTX, query, args)
	if err != nil {
		return nil, err
	}
	return q.DBTX.QueryContext(ctx, query, args...)
}

// QueryRowContext can rewrite binds but not fail (a *sql.Row cannot be built outside package db).
func (q faultyDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	args, _ = q.f.hit(ctx, q.DBTX, query, args)
	return q.DBTX.QueryRowContext(ctx, query, args...)
}

func (q faultyDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	args, err := q.f.hit(ctx, q.DBTX, query, args)
	if err != nil {
		return nil, err
	}
	return q.DBTX.ExecContext(ctx, query, args...)
}

func (q faultyDB) InsertReturningID(ctx context.Context, query string, args ...any) (int64, error) {
	args, err := q.f.hit(ctx, q.DBTX, query, args)
	if err != nil {
		return 0, err
	}
	return db.InsertReturningID(ctx, q.DBTX, query, args...)
}

func (q faultyDB) ExecBatch(ctx context.Context, query string, rows [][]any) (int64, error) {
	if _, err := q.f.hit(ctx, q.DBTX, query, nil); err != nil {
		return 0, err
	}
	return db.ExecBatch(ctx, q.DBTX, query, rows)
}

// oracleErr is the error package db returns for the ORA error: an *apperr.Error of the kind it maps
// to, wrapping the sentinel (what errors.Is finds) and the driver's message.
func oracleErr(sentinel error, kind apperr.Kind, message string) error {
	return &apperr.Error{Op: "db: statement", Kind: kind, Err: fmt.Errorf("%s: %w", message, sentinel)}
}

var (
	oraUnique   = oracleErr(db.ErrUniqueViolation, apperr.Conflict, "ORA-00001: unique constraint (OCTO.UK_ORDERS_IDEMPOTENCY_KEY) violated")
	oraDeadlock = oracleErr(db.ErrDeadlock, apperr.Unavailable, "ORA-00060: deadlock detected while waiting for resource")
)

// failAt fails the given calls of a statement with err (every call when calls is empty).
func failAt(err error, calls ...int) fault {
	return func(_ context.Context, _ db.DBTX, call int, args []any) ([]any, error) {
		if len(calls) == 0 {
			return args, err
		}
		for _, c := range calls {
			if c == call {
				return args, err
			}
		}
		return args, nil
	}
}

// faultFixture is a fixture whose checkout service runs its statements through plan.
func faultFixture(t *testing.T, f fixture, plan *faults) fixture {
	t.Helper()
	s := NewService(f.db.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), WithVerifier(f.tokens.Verifier))
	s.intercept = plan.wrap
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	f.h = h
	return f
}

// errInjected is a failure of no particular kind.
var errInjected = errors.New("injected failure")
