package sqlite

import (
	"errors"
	"strconv"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// Classify maps a modernc.org/sqlite error, by its extended result code, to the sentinel of the
// matching Oracle failure.
func (sqliteDialect) Classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return dialect.ErrUniqueViolation
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return dialect.ErrForeignKeyViolation
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		// The twin's byte-length checks (ck_<table>_<column>_bytes) stand for Oracle's VARCHAR2
		// limit, ORA-12899: the same sentinel, so callers see one failure on both databases.
		if strings.Contains(se.Error(), "_bytes") {
			return dialect.ErrValueTooLarge
		}
		return dialect.ErrCheckViolation
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return dialect.ErrNotNullViolation
	}
	switch se.Code() & 0xff { // primary result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return dialect.ErrBusy
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL:
		return dialect.ErrUnavailable
	}
	return nil
}

// StatusCode returns the extended result code.
func (sqliteDialect) StatusCode(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return strconv.Itoa(se.Code())
	}
	return ""
}
