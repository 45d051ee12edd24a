package oradb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/godror/godror"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// The tests here run Oracle's dialect inside package db's connector on a recording driver connection
// (no Oracle database is needed): they show what godror would receive, statement by statement.

// sent is one statement the recording connection received.
type sent struct {
	text string
	args []driver.NamedValue
}

// recorder is a driver.Connector whose connections record every statement and answer each with one
// affected row; an INSERT ... RETURNING gets its sql.Out filled with 42, as godror would.
type recorder struct {
	mu   sync.Mutex
	sent []sent
}

func (r *recorder) Connect(context.Context) (driver.Conn, error) { return &recConn{r: r}, nil }
func (r *recorder) Driver() driver.Driver                        { return nil }

func (r *recorder) statements() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sent
	r.sent = nil
	return out
}

type recConn struct{ r *recorder }

func (c *recConn) ExecContext(_ context.Context, text string, args []driver.NamedValue) (driver.Result, error) {
	c.r.mu.Lock()
	c.r.sent = append(c.r.sent, sent{text: text, args: append([]driver.NamedValue(nil), args...)})
	c.r.mu.Unlock()
	for _, a := range args {
		if out, ok := a.Value.(sql.Out); ok {
			*out.Dest.(*int64) = 42
		}
	}
	return driver.RowsAffected(1), nil
}

func (c *recConn) QueryContext(context.Context, string, []driver.NamedValue) (driver.Rows, error) {
	return emptyRows{}, nil
}

func (c *recConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not prepared") }
func (c *recConn) PrepareContext(context.Context, string) (driver.Stmt, error) {
	return nil, errors.New("not prepared")
}
func (c *recConn) Close() error { return nil }
func (c *recConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *recConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	c.r.add("BEGIN")
	return recTx{c.r}, nil
}

// recTx records its end as a statement.
type recTx struct{ r *recorder }

func (t recTx) Commit() error   { t.r.add("COMMIT"); return nil }
func (t recTx) Rollback() error { t.r.add("ROLLBACK"); return nil }

func (r *recorder) add(text string) {
	r.mu.Lock()
	r.sent = append(r.sent, sent{text: text})
	r.mu.Unlock()
}

type emptyRows struct{}

func (emptyRows) Columns() []string         { return []string{"x"} }
func (emptyRows) Close() error              { return nil }
func (emptyRows) Next([]driver.Value) error { return io.EOF }

// oracleOnRecorder is a pool of package db with Oracle's dialect on a recorder, and a tracer.
func oracleOnRecorder(t *testing.T) (*sql.DB, *recorder, *sdktrace.TracerProvider) {
	t.Helper()
	rec := &recorder{}
	tp := sdktrace.NewTracerProvider()
	d, err := db.Open(context.Background(), db.Options{Driver: "oracle", Connector: rec, TracerProvider: tp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	d.SetMaxOpenConns(1)
	return d, rec, tp
}

// TestReturningInsertBindsLikeOtherStatementsOnOracle: db.InsertReturningID's values reach godror
// converted as every statement's are (money as godror.Number, times at milliseconds), the statement
// as written, the sql.Out last; the id godror stores there is returned. The request's statements are
// preceded by one SET_IDENTIFIER with its trace id, not one per statement.
func TestReturningInsertBindsLikeOtherStatementsOnOracle(t *testing.T) {
	d, rec, tp := oracleOnRecorder(t)
	ctx, span := tp.Tracer("test").Start(context.Background(), "checkout.PlaceOrder")
	defer span.End()
	at := time.Date(2026, 12, 4, 10, 11, 12, 123456789, time.UTC)
	const q = "INSERT INTO orders (total, placed_at) VALUES (:1, :2) RETURNING id INTO :3"
	for range 2 {
		id, err := db.InsertReturningID(ctx, d, q, cents(74120), at)
		if err != nil {
			t.Fatal(err)
		}
		if id != 42 {
			t.Errorf("id = %d, want the 42 the driver stored", id)
		}
	}
	got := rec.statements()
	if len(got) != 3 {
		t.Fatalf("%d statements sent, want SET_IDENTIFIER then the two inserts: %+v", len(got), got)
	}
	if got[0].text != setIdentifierSQL || len(got[0].args) != 1 || got[0].args[0].Value != span.SpanContext().TraceID().String() {
		t.Errorf("first statement %+v, want %s with the trace id", got[0], setIdentifierSQL)
	}
	for _, s := range got[1:] {
		if s.text != q || len(s.args) != 3 {
			t.Fatalf("sent %+v, want the statement as written with 3 binds", s)
		}
		if s.args[0].Value != godror.Number("741.20") || s.args[1].Value != at.Truncate(time.Millisecond) {
			t.Errorf("binds %#v, %#v: want godror.Number 741.20 and the time cut to milliseconds", s.args[0].Value, s.args[1].Value)
		}
		if _, ok := s.args[2].Value.(sql.Out); !ok {
			t.Errorf("last bind %#v, want the sql.Out", s.args[2].Value)
		}
	}
	// A statement without a trace clears the identifier, once.
	for range 2 {
		if _, err := d.ExecContext(context.Background(), "UPDATE orders SET total = :1 WHERE id = :2", db.Decimal("1.50"), 1); err != nil {
			t.Fatal(err)
		}
	}
	got = rec.statements()
	if len(got) != 3 || got[0].text != clearIdentifierSQL || got[1].args[0].Value != godror.Number("1.50") {
		t.Errorf("sent %+v, want CLEAR_IDENTIFIER then the two updates with a godror.Number", got)
	}
}

// TestExecBatchIsOneArrayDMLOnOracle: db.ExecBatch reaches godror as one execution with one typed
// slice per column, in a transaction of its own outside one (an array DML failing at row k would
// leave rows before k applied).
func TestExecBatchIsOneArrayDMLOnOracle(t *testing.T) {
	d, rec, _ := oracleOnRecorder(t)
	const q = "INSERT INTO order_items (order_id, price, qty) VALUES (:1, :2, :3)"
	if _, err := db.ExecBatch(context.Background(), d, q, [][]any{{1, cents(100), 2}, {1, cents(250), 1}}); err != nil {
		t.Fatal(err)
	}
	// The connection is new, so its session's identifier (from godror's session pool) is unknown:
	// the first statement, untraced, clears it.
	got := rec.statements()
	if len(got) != 4 || got[0].text != clearIdentifierSQL || got[1].text != "BEGIN" || got[2].text != q || got[3].text != "COMMIT" || len(got[2].args) != 3 {
		t.Fatalf("sent %+v, want CLEAR_IDENTIFIER, BEGIN, one execution with three column binds, COMMIT", got)
	}
	batch := got[2:3]
	if a, ok := batch[0].args[1].Value.([]godror.Number); !ok || len(a) != 2 || a[1] != "2.50" {
		t.Errorf("price column bound as %#v, want []godror.Number", batch[0].args[1].Value)
	}
	if a, ok := batch[0].args[0].Value.([]int64); !ok || len(a) != 2 {
		t.Errorf("order_id column bound as %#v, want []int64", batch[0].args[0].Value)
	}
	// Inside a transaction the batch is the transaction's: no BEGIN of its own.
	err := db.InTx(context.Background(), d, func(ctx context.Context, tx *sql.Tx) error {
		_, err := db.ExecBatch(ctx, tx, q, [][]any{{1, cents(100), 2}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.statements(); len(got) != 3 || got[0].text != "BEGIN" || got[1].text != q || got[2].text != "COMMIT" {
		t.Errorf("in a transaction sent %+v, want BEGIN, the batch, COMMIT", got)
	}
}
