package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// Tx is a transaction begun by InTx. Its statements are traced and tagged like the DB's.
type Tx struct {
	d     *DB
	tx    *sql.Tx
	ident string
}

// InTx runs fn in a transaction: begin, fn, commit; rollback when fn returns an error or panics (the
// panic continues after the rollback). fn's error is returned as is; begin and commit failures are
// mapped like statement errors. Inside a Scope the transaction runs on the scope's connection. On
// SQLite BEGIN takes the write lock at once (sqlite's _txlock=immediate), which is what makes
// read-then-write transactions safe there, standing in for Oracle's row locks (FOR UPDATE). Do not
// nest InTx calls, and inside fn run statements through tx, not the DB.
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) (err error) {
	bctx := d.dialect.Tag(ctx, dialect.Tags{Module: d.module, Action: actionOf(ctx), ClientInfo: d.clientInfo})
	t := &Tx{d: d}
	if s := scopeFrom(ctx, d); s != nil {
		conn, ident, aerr := s.acquire(bctx)
		if aerr != nil {
			return d.mapErr("db.InTx: begin", aerr)
		}
		t.ident = ident
		t.tx, err = conn.BeginTx(bctx, nil)
	} else {
		t.tx, err = d.sql.BeginTx(bctx, nil)
	}
	if err != nil {
		return d.mapErr("db.InTx: begin", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		if rerr := t.tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && err != nil {
			err = errors.Join(err, fmt.Errorf("db.InTx: rollback: %w", rerr))
		}
	}()
	if err := fn(ctx, t); err != nil {
		return err
	}
	if err := t.tx.Commit(); err != nil {
		return d.mapErr("db.InTx: commit", err)
	}
	committed = true
	return nil
}

// QueryContext runs a query in the transaction; close the rows.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*Rows, error) {
	return t.d.query(ctx, t, query, args)
}

// QueryRowContext runs a query expected to return at most one row in the transaction.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *Row {
	return t.d.queryRow(ctx, t, query, args)
}

// ExecContext runs a statement that returns no rows in the transaction.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.d.exec(ctx, t, query, args)
}

// InsertReturningID is DB.InsertReturningID in the transaction.
func (t *Tx) InsertReturningID(ctx context.Context, query string, args ...any) (int64, error) {
	return t.d.insertReturningID(ctx, t, query, args)
}

// ExecBatch is DB.ExecBatch in the transaction.
func (t *Tx) ExecBatch(ctx context.Context, query string, rows [][]any) (int64, error) {
	return t.d.execBatch(ctx, t, query, rows)
}
