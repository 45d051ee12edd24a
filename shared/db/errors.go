package db

import (
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// Sentinel errors for the database failures callers may want to tell apart; errors.Is finds them in
// what this package returns, which is an *apperr.Error of the matching kind.
var (
	ErrUniqueViolation     = dialect.ErrUniqueViolation     // apperr.Conflict
	ErrForeignKeyViolation = dialect.ErrForeignKeyViolation // apperr.Invalid
	ErrCheckViolation      = dialect.ErrCheckViolation      // apperr.Invalid
	ErrNotNullViolation    = dialect.ErrNotNullViolation    // apperr.Invalid
	ErrValueTooLarge       = dialect.ErrValueTooLarge       // apperr.Invalid: VARCHAR2 bytes, NUMBER precision
	ErrBusy                = dialect.ErrBusy                // apperr.Unavailable: lock wait
	ErrDeadlock            = dialect.ErrDeadlock            // apperr.Unavailable: ORA-00060; retry the transaction
	ErrUnavailable         = dialect.ErrUnavailable         // apperr.Unavailable: login, network, client library
)

// classified is a database error with the sentinel it was recognised as.
type classified struct {
	sentinel error
	err      error
}

func (e *classified) Error() string        { return e.err.Error() }
func (e *classified) Unwrap() error        { return e.err }
func (e *classified) Is(target error) bool { return target == e.sentinel }

var kindOf = map[error]apperr.Kind{
	ErrUniqueViolation:     apperr.Conflict,
	ErrForeignKeyViolation: apperr.Invalid,
	ErrCheckViolation:      apperr.Invalid,
	ErrNotNullViolation:    apperr.Invalid,
	ErrValueTooLarge:       apperr.Invalid,
	ErrBusy:                apperr.Unavailable,
	ErrDeadlock:            apperr.Unavailable,
	ErrUnavailable:         apperr.Unavailable,
}

// mapErr classifies err under op. A recognised failure becomes an *apperr.Error of its kind wrapping
// the sentinel and the driver error; anything else (sql.ErrNoRows, context cancellation, syntax
// errors, which are defects) is only wrapped with op, so the caller can still classify it.
func (d *connector) mapErr(op string, err error) error {
	sentinel := d.dialect.Classify(err)
	if sentinel == nil && (errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone)) {
		sentinel = ErrUnavailable
	}
	if sentinel == nil {
		return wrapOp(op, err)
	}
	return &apperr.Error{Op: op, Kind: kindOf[sentinel], Err: &classified{sentinel: sentinel, err: err}}
}

// opError prefixes an unclassified error with the operation.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string { return e.op + ": " + e.err.Error() }
func (e *opError) Unwrap() error { return e.err }

func wrapOp(op string, err error) error { return &opError{op: op, err: err} }
