// Package db is the data layer every function uses: SQL is written once, in Oracle syntax, run as
// is on Oracle ATP (godror) and through a small mechanical translation (sqltext.Translate) on the
// embedded SQLite database; every statement is traced, measured and tagged without per-function code.
//
// This package names no database and imports no driver: what differs between the two is a
// dialect.Dialect (package db/dialect), implemented by package sqlite and package oracle/oradb, which
// register themselves when linked. Options.Driver names the one to use; which ones a binary links is
// decided by its build (package dbdriver).
//
// # A database/sql driver
//
// Open returns a plain *sql.DB. Its connector wraps the dialect driver's (connector.go): every
// statement run through the pool, a *sql.Tx or a *sql.Conn is translated, traced, measured, tagged
// and its failure classified below database/sql, so data access code is ordinary database/sql code
// (sqlc's shape: DBTX is what *sql.DB, *sql.Tx and *sql.Conn have in common) and works with any tool
// that takes a *sql.DB.
//
// # Statements
//
// Statements are constants next to the code that runs them, with positional binds :1, :2, ...
// They run with QueryContext, QueryRowContext and ExecContext; InsertReturningID (new ids only through
// RETURNING ... INTO, received through a sql.Out bind) and ExecBatch (array DML) are functions over a
// DBTX. InTx owns a transaction: begin, fn, commit, rollback on error or panic. Failures come back as
// *apperr.Error wrapping a sentinel (ErrUniqueViolation is a conflict; foreign key, check and not-null
// violations are invalid; lock contention and login, network or client library failures are
// unavailable); anything unrecognised is wrapped with the statement only, so the caller decides
// (database/sql's own sql.ErrNoRows is never touched).
//
// Values read back as godror returns them from Oracle: a NULL in a text column is "" (on SQLite the
// dialect's rows do it for columns declared as text; an expression SQLite cannot type needs Text).
//
// Everything derived from a statement text (SQLite text, SQL_ID, span name, attributes) is computed
// once and cached per text, so the per-execution cost is a map lookup.
//
// # Spans and metrics
//
// Each statement gets one span of kind CLIENT, a child of the span in its context, named by its
// db.query.summary ("SELECT products"), with the OpenTelemetry database conventions (semconv 1.43):
// db.system.name, db.namespace, db.operation.name, db.collection.name (the main table),
// db.query.text (the statement with its placeholders, never bind values),
// db.response.returned_rows (rows the caller read) or db.response.affected_rows (DML),
// db.operation.batch.size, and on failure error.type and db.response.status_code (ORA-00001,
// DPI-1047, or SQLite's extended result code) with an error status. OCI APM's own keys are added:
// DbOracleSqlId and DbStatement. The db.client.operation.duration histogram records every statement.
//
// On SQLite db.system.name is "sqlite", but the statement attributes describe the Oracle text:
// db.query.text, DbStatement and DbOracleSqlId (sqlid.Of of that text) are what ATP will receive,
// so a trace recorded locally names the SQL_ID production will show.
//
// # Session tags
//
// MODULE is Options.ServiceName, ACTION the name of the span the statement runs under (its parent;
// read from the SDK span, or the route the router put in the context (package action) for unsampled
// requests, NoAction outside any), CLIENT_INFO Options.ClientInfo, each cut to Oracle's 64 bytes on a
// UTF-8 boundary, and CLIENT_IDENTIFIER the W3C trace id. On Oracle the first three ride on each
// statement (the dialect's Tag: a godror trace tag, no extra round trip). The identifier needs
// DBMS_SESSION.SET_IDENTIFIER, one round trip, so each connection remembers the one its session
// carries and sets it only when a statement's trace differs: once per request and connection, and
// cleared when a statement runs without a trace; a new connection's session (which godror may take
// from its pool still carrying an earlier identifier) and one whose SET_IDENTIFIER failed are set at
// their next statement whatever it is. Every statement's tags are therefore those of the
// statement running, on whichever pooled connection runs it, with no per-request connection pinning.
// Every span records the tags as oracle.module, oracle.action, oracle.client_identifier and
// oracle.client_info, on SQLite too, so tests prove what ATP receives.
//
// # Request accounting
//
// WithStats and StatsFrom give a request's statement count and database time for its access log;
// Statements gives this process's totals per statement (the embedded database's V$SQLAREA).
package db
