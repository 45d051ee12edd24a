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
	RegisterDatabase(sqlite.Dialect.Name(), func(_ context.Context, e *Env) (Database, error) {
		c, err := sqlite.Connector(e.Config.DB.Path)
		return Database{Connector: c, Check: sqlite.Check}, err
	})
	RegisterDatabase(oradb.Dialect.Name(), func(ctx context.Context, e *Env) (Database, error) {
		c, cfg, err := oradb.Connector(ctx, e.Config.DB.Oracle)
		return Database{
			Connector: c,
			Configure: func(d *sql.DB) { oradb.Configure(d, cfg) },
			Check:     func(ctx context.Context, d *sql.DB) error { return oradb.Ping(ctx, d, cfg) },
		}, err
	})
}
