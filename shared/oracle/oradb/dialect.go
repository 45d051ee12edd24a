package oradb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"
	"strings"
	"time"

	"github.com/godror/godror"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/octo-drone-shop/serverless/schema/dialects"
	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// Dialect is Oracle's dialect of package db, registered under dialects.Oracle when this package is
// linked: statements run as written, numbers are bound as numbers, session tags ride on each
// statement (godror trace tags) and CLIENT_IDENTIFIER is set with DBMS_SESSION.
var Dialect dialect.Dialect = oracleDialect{}

func init() { dialect.Register(Dialect) }

type oracleDialect struct{}

func (oracleDialect) Name() string               { return dialects.Oracle }
func (oracleDialect) System() attribute.KeyValue { return semconv.DBSystemNameOracleDB }

// Connector parses a godror connect string (user="..." password="..." connectString="...") into
// godror's connector.
func (oracleDialect) Connector(dsn string) (driver.Connector, error) {
	p, err := godror.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return godror.NewConnector(p), nil
}

// Prepare runs the statement as written.
func (oracleDialect) Prepare(query string) (dialect.Prepared, error) {
	return dialect.Prepared{Text: query}, nil
}

// Bind cuts times to the millisecond, the precision the embedded database stores, so a timestamp
// reads back the same from either database (ATP's TIMESTAMP(6) would keep microseconds), and binds
// Numeric values as godror.Number: godror binds a Go string as VARCHAR2, which the server converts to
// NUMBER with the session's NLS_NUMERIC_CHARACTERS; a godror.Number is converted by the client from
// its '.'-separated text, whatever the session's settings.
func (oracleDialect) Bind(a any) (any, bool) {
	switch v := a.(type) {
	case dialect.Numeric:
		return godror.Number(v.NumericText()), true
	case time.Time:
		return v.Truncate(time.Millisecond), true
	case *time.Time:
		if v == nil {
			return nil, true
		}
		return v.Truncate(time.Millisecond), true
	case sql.NullTime:
		v.Time = v.Time.Truncate(time.Millisecond)
		return v, true
	}
	return a, false
}

// CheckValue sends every value as it is: godror's statements take Go values (slices for array DML,
// sql.Out, godror.Number, time.Time) and convert them themselves.
func (oracleDialect) CheckValue(*driver.NamedValue) error { return nil }

// Rows hands godror's values back as they are: it already returns "" for a NULL VARCHAR2.
func (oracleDialect) Rows(r driver.Rows) driver.Rows { return r }

// Tag attaches MODULE, ACTION and CLIENT_INFO for godror to send with the statement (no extra round
// trip).
func (oracleDialect) Tag(ctx context.Context, t dialect.Tags) context.Context {
	return godror.ContextWithTraceTag(ctx, godror.TraceTag{Module: t.Module, Action: t.Action, ClientInfo: t.ClientInfo})
}

// Oracle's CLIENT_IDENTIFIER cannot ride along with a statement (godror v0.51.0 leaves
// TraceTag.ClientIdentifier unimplemented), so it costs one round trip.
const (
	setIdentifierSQL   = "BEGIN DBMS_SESSION.SET_IDENTIFIER(:1); END;"
	clearIdentifierSQL = "BEGIN DBMS_SESSION.CLEAR_IDENTIFIER; END;"
)

// SetIdentifier sets CLIENT_IDENTIFIER on conn's session, or clears it when ident is "".
func (oracleDialect) SetIdentifier(ctx context.Context, conn dialect.Conn, ident string) (bool, error) {
	if ident == "" {
		_, err := dialect.Exec(ctx, conn, clearIdentifierSQL, nil)
		return true, err
	}
	_, err := dialect.Exec(ctx, conn, setIdentifierSQL, []driver.NamedValue{{Ordinal: 1, Value: ident}})
	return true, err
}

// InsertReturningID runs the statement as written: godror stores the id in the sql.Out bind.
func (oracleDialect) InsertReturningID(ctx context.Context, conn dialect.Conn, p dialect.Prepared, args []driver.NamedValue) error {
	_, err := dialect.Exec(ctx, conn, p.Text, args)
	return err
}

// Classify maps an Oracle (ORA-nnnnn) or ODPI-C (DPI-nnnn) error to its sentinel.
func (oracleDialect) Classify(err error) error {
	oe, ok := godror.AsOraErr(err)
	if !ok {
		return nil
	}
	if oe.Code() == 0 {
		// ODPI-C errors carry no ORA code: DPI-1047 no client library, DPI-1010 not connected,
		// DPI-1067 call timeout, DPI-1080 connection closed.
		for _, p := range [...]string{"DPI-1047", "DPI-1010", "DPI-1067", "DPI-1080"} {
			if strings.HasPrefix(oe.Message(), p) {
				return dialect.ErrUnavailable
			}
		}
		return nil
	}
	return CodeSentinel(oe.Code())
}

// CodeSentinel classifies an ORA error number.
func CodeSentinel(code int) error {
	switch code {
	case 1: // unique constraint violated
		return dialect.ErrUniqueViolation
	case 2291, 2292: // parent key not found, child record found
		return dialect.ErrForeignKeyViolation
	case 2290: // check constraint violated
		return dialect.ErrCheckViolation
	case 1400, 1407: // cannot insert / update to NULL
		return dialect.ErrNotNullViolation
	case 12899, 1438: // value too large for column (VARCHAR2 bytes), value larger than NUMBER precision
		return dialect.ErrValueTooLarge
	case 60: // deadlock: Oracle rolled back the statement that detected it; the transaction can retry
		return dialect.ErrDeadlock
	case 54, 8177, 30006: // resource busy (NOWAIT), cannot serialize, WAIT timeout
		return dialect.ErrBusy
	case 1017, // invalid username/password
		1033, 1034, 1089, 1090, 1092, // instance starting, not available, shutting down, terminated
		3113, 3114, 3135, // end-of-file on channel, not connected, lost contact
		28000, 28001, // account locked, password expired
		28759, 29024, 29002, 29003: // wallet open failure, certificate validation, SSL failures
		return dialect.ErrUnavailable
	}
	if code >= 12150 && code <= 12699 { // TNS: resolution, listener, network (12154, 12170, 125xx, ...)
		return dialect.ErrUnavailable
	}
	return nil
}

// StatusCode returns ORA-nnnnn, or DPI-nnnn for ODPI-C's own errors.
func (oracleDialect) StatusCode(err error) string {
	oe, ok := godror.AsOraErr(err)
	if !ok {
		return ""
	}
	if oe.Code() != 0 {
		return OraCode(oe.Code())
	}
	if msg := oe.Message(); strings.HasPrefix(msg, "DPI-") && len(msg) >= 8 {
		return msg[:8]
	}
	return ""
}

// OraCode renders an Oracle error number the way Oracle prints it: ORA-00001.
func OraCode(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 5 {
		s = "00000"[len(s):] + s
	}
	return "ORA-" + s
}
