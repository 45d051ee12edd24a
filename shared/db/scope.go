package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// Oracle's CLIENT_IDENTIFIER cannot ride along with a statement, so it costs one round trip (the
// dialect's SetIdentifier): once per request, on the connection the request's statements run on.

type scopeKey struct{}

// scope pins one connection for a request.
type scope struct {
	d        *DB
	mu       sync.Mutex
	conn     *sql.Conn
	ident    string
	released bool
}

// Scope returns a context under which every statement of d (outside a Tx, and every Tx begun by
// InTx) runs on one connection, and the function that ends the scope. The request middleware calls
// it once per request and defers the release.
//
// The connection is taken from the pool at the first statement, not before, so requests that never
// touch the database hold nothing. On Oracle the first statement with a valid trace in its context
// also sets CLIENT_IDENTIFIER to the W3C trace id (DBMS_SESSION.SET_IDENTIFIER, one round trip per
// request); MODULE, ACTION and CLIENT_INFO go with every statement at no cost (godror trace tags).
// Because all of them are on the pinned session, the tags V$SESSION and ASH show are those of the
// statement running. Release clears the identifier (one more round trip) before the connection
// returns to the pool, so no later request or background statement inherits it; if clearing fails
// the connection is discarded instead of returned. MODULE/ACTION/CLIENT_INFO need no clearing: every
// statement sets its own.
//
// Statements must not run under the returned context after release: they fail. Without a Scope
// (background work), statements take any pooled connection and carry MODULE/ACTION/CLIENT_INFO but
// no CLIENT_IDENTIFIER.
func (d *DB) Scope(ctx context.Context) (context.Context, func()) {
	s := &scope{d: d}
	return context.WithValue(ctx, scopeKey{}, s), s.release
}

func scopeFrom(ctx context.Context, d *DB) *scope {
	if s, ok := ctx.Value(scopeKey{}).(*scope); ok && s.d == d {
		return s
	}
	return nil
}

var errScopeReleased = errors.New("db: statement run after its Scope was released")

// acquire returns the pinned connection, taking it and tagging it on first use, and the
// CLIENT_IDENTIFIER set on it.
func (s *scope) acquire(ctx context.Context) (*sql.Conn, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released {
		return nil, "", errScopeReleased
	}
	if s.conn == nil {
		conn, err := s.d.sql.Conn(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("db: take connection: %w", err)
		}
		s.conn = conn
	}
	if s.ident == "" {
		if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
			ident := sc.TraceID().String()
			if err := s.d.dialect.SetIdentifier(ctx, s.conn, ident); err != nil {
				return nil, "", fmt.Errorf("db: set client identifier: %w", err)
			}
			s.ident = ident
		}
	}
	return s.conn, s.ident, nil
}

// release returns the pinned connection to the pool, cleared of the request's identifier.
func (s *scope) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released {
		return
	}
	s.released = true
	if s.conn == nil {
		return
	}
	conn := s.conn
	s.conn = nil
	if s.ident != "" {
		ctx, cancel := context.WithTimeout(context.Background(), scopeTimeout)
		err := s.d.dialect.ClearIdentifier(ctx, conn)
		cancel()
		if err != nil {
			s.d.logger.Warn("db: clearing CLIENT_IDENTIFIER failed; discarding the connection", "error", err)
			// Returning driver.ErrBadConn from Raw makes database/sql close the connection
			// instead of pooling it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	if err := conn.Close(); err != nil && !errors.Is(err, sql.ErrConnDone) {
		s.d.logger.Warn("db: returning the scope connection failed", "error", err)
	}
}
