package db

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"strconv"
	"strings"

	"github.com/godror/godror"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// Sentinel errors for the database failures callers may want to tell apart; errors.Is finds them in
// what this package returns, which is an *apperr.Error of the matching kind.
var (
	ErrUniqueViolation     = errors.New("unique constraint violated")      // apperr.Conflict
	ErrForeignKeyViolation = errors.New("foreign key constraint violated") // apperr.Invalid
	ErrCheckViolation      = errors.New("check constraint violated")       // apperr.Invalid
	ErrNotNullViolation    = errors.New("not null constraint violated")    // apperr.Invalid
	ErrValueTooLarge       = errors.New("value too large for column")      // apperr.Invalid: VARCHAR2 bytes, NUMBER precision
	ErrBusy                = errors.New("database busy")                   // apperr.Unavailable: lock wait
	ErrDeadlock            = errors.New("deadlock detected")               // apperr.Unavailable: ORA-00060; retry the transaction
	ErrUnavailable         = errors.New("database unavailable")            // apperr.Unavailable: login, network, client library
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
func (d *DB) mapErr(op string, err error) error {
	var sentinel error
	if d.dialect == Oracle {
		sentinel = oracleSentinel(err)
	} else {
		sentinel = sqliteSentinel(err)
	}
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

// oracleSentinel classifies an Oracle (ORA-nnnnn) or ODPI-C (DPI-nnnn) error.
func oracleSentinel(err error) error {
	oe, ok := godror.AsOraErr(err)
	if !ok {
		return nil
	}
	if oe.Code() == 0 {
		// ODPI-C errors carry no ORA code: DPI-1047 no client library, DPI-1010 not connected,
		// DPI-1067 call timeout, DPI-1080 connection closed.
		for _, p := range [...]string{"DPI-1047", "DPI-1010", "DPI-1067", "DPI-1080"} {
			if strings.HasPrefix(oe.Message(), p) {
				return ErrUnavailable
			}
		}
		return nil
	}
	return oracleCodeSentinel(oe.Code())
}

// oracleCodeSentinel classifies an ORA error number.
func oracleCodeSentinel(code int) error {
	switch code {
	case 1: // unique constraint violated
		return ErrUniqueViolation
	case 2291, 2292: // parent key not found, child record found
		return ErrForeignKeyViolation
	case 2290: // check constraint violated
		return ErrCheckViolation
	case 1400, 1407: // cannot insert / update to NULL
		return ErrNotNullViolation
	case 12899, 1438: // value too large for column (VARCHAR2 bytes), value larger than NUMBER precision
		return ErrValueTooLarge
	case 60: // deadlock: Oracle rolled back the statement that detected it; the transaction can retry
		return ErrDeadlock
	case 54, 8177, 30006: // resource busy (NOWAIT), cannot serialize, WAIT timeout
		return ErrBusy
	case 1017, // invalid username/password
		1033, 1034, 1089, 1090, 1092, // instance starting, not available, shutting down, terminated
		3113, 3114, 3135, // end-of-file on channel, not connected, lost contact
		28000, 28001, // account locked, password expired
		28759, 29024, 29002, 29003: // wallet open failure, certificate validation, SSL failures
		return ErrUnavailable
	}
	if code >= 12150 && code <= 12699 { // TNS: resolution, listener, network (12154, 12170, 125xx, ...)
		return ErrUnavailable
	}
	return nil
}

// sqliteSentinel classifies a modernc.org/sqlite error by its extended result code.
func sqliteSentinel(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return ErrUniqueViolation
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return ErrForeignKeyViolation
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		// The twin's byte-length checks (ck_<table>_<column>_bytes) stand for Oracle's VARCHAR2
		// limit, ORA-12899: the same sentinel, so callers see one failure on both databases.
		if strings.Contains(se.Error(), "_bytes") {
			return ErrValueTooLarge
		}
		return ErrCheckViolation
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return ErrNotNullViolation
	}
	switch se.Code() & 0xff { // primary result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return ErrBusy
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL:
		return ErrUnavailable
	}
	return nil
}

// statusCode returns db.response.status_code for err: ORA-nnnnn (or DPI-nnnn) on Oracle, the
// extended result code on SQLite, "" when the error did not come from the database.
func statusCode(err error) string {
	if oe, ok := godror.AsOraErr(err); ok {
		if oe.Code() != 0 {
			return oraCode(oe.Code())
		}
		if msg := oe.Message(); strings.HasPrefix(msg, "DPI-") && len(msg) >= 8 {
			return msg[:8]
		}
		return ""
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return strconv.Itoa(se.Code())
	}
	return ""
}
