package boot

import (
	"context"
	"database/sql"

	"github.com/octo-drone-shop/serverless/shared/oracle/oradb"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// The tests register both databases as package dbdriver's two builds do (dbdriver imports boot, so
// boot's own tests cannot import it): the embedded one for the requests, Oracle for its cold-start
// failure without Instant Client.
func init() {
	RegisterDatabase(sqlite.Dialect.Name(), func(_ context.Context, e *Env) (*sql.DB, func(context.Context) error, error) {
		pool, err := sqlite.OpenPool(e.Config.DB.Path)
		if err != nil {
			return nil, nil, err
		}
		return pool, func(ctx context.Context) error { return sqlite.Check(ctx, pool) }, nil
	})
	RegisterDatabase(oradb.Dialect.Name(), func(ctx context.Context, e *Env) (*sql.DB, func(context.Context) error, error) {
		ocfg := e.Config.DB.Oracle
		pool, err := oradb.OpenPool(ctx, ocfg)
		if err != nil {
			return nil, nil, err
		}
		return pool, func(ctx context.Context) error { return oradb.Ping(ctx, pool, ocfg) }, nil
	})
}
