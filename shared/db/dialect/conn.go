package dialect

import (
	"context"
	"database/sql/driver"
	"errors"
)

// Exec runs text with args on conn: through the driver's ExecerContext when it has one, else a
// statement prepared for the call, as database/sql does.
func Exec(ctx context.Context, conn Conn, text string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := conn.(driver.ExecerContext); ok {
		res, err := e.ExecContext(ctx, text, args)
		if !errors.Is(err, driver.ErrSkip) {
			return res, err
		}
	}
	st, err := conn.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	se, ok := st.(driver.StmtExecContext)
	if !ok {
		return nil, errors.New("dialect: the driver's statement cannot execute with a context")
	}
	return se.ExecContext(ctx, args)
}

// Query runs text with args on conn and returns its rows: through the driver's QueryerContext when
// it has one, else a statement prepared for the call and closed with the rows.
func Query(ctx context.Context, conn Conn, text string, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := conn.(driver.QueryerContext); ok {
		rows, err := q.QueryContext(ctx, text, args)
		if !errors.Is(err, driver.ErrSkip) {
			return rows, err
		}
	}
	st, err := conn.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	sq, ok := st.(driver.StmtQueryContext)
	if !ok {
		_ = st.Close()
		return nil, errors.New("dialect: the driver's statement cannot query with a context")
	}
	rows, err := sq.QueryContext(ctx, args)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	return &StmtRows{Rows: rows, Stmt: st}, nil
}

// StmtRows are rows of a statement prepared for one query: closing them closes the statement.
type StmtRows struct {
	driver.Rows
	Stmt driver.Stmt
}

// Close closes the rows, then the statement.
func (r *StmtRows) Close() error {
	return errors.Join(r.Rows.Close(), r.Stmt.Close())
}

// ColumnTypeDatabaseTypeName implements driver.RowsColumnTypeDatabaseTypeName when the driver's rows do.
func (r *StmtRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

// Atomically runs fn in a transaction of its own on conn: commit when it succeeds, rollback when it
// fails.
func Atomically(ctx context.Context, conn Conn, fn func() (int64, error)) (int64, error) {
	tx, err := conn.BeginTx(ctx, driver.TxOptions{})
	if err != nil {
		return 0, err
	}
	n, err := fn()
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return 0, errors.Join(err, rerr)
		}
		return 0, err
	}
	return n, tx.Commit()
}

// Wrapped is implemented by a connection that wraps a driver's (package db's, below database/sql):
// DriverConn returns the driver's own, for work that must not be traced or counted as the
// application's (a pool's health check, through sql.Conn.Raw).
type Wrapped interface {
	DriverConn() Conn
}

// Unwrap returns the driver's own connection behind dc (a value sql.Conn.Raw passes), dc itself when
// it wraps none.
func Unwrap(dc any) (Conn, bool) {
	if w, ok := dc.(Wrapped); ok {
		return w.DriverConn(), true
	}
	c, ok := dc.(Conn)
	return c, ok
}
