//go:build !oracle

package dbdriver

import (
	"context"
	"database/sql"

	"github.com/octo-drone-shop/serverless/shared/boot"
	"github.com/octo-drone-shop/serverless/shared/sqlite"

	// The OCI Vault client (package vault's), for the secrets a function with a database reads
	// at cold start in this build too: the APM data key, the token signing key.
	_ "github.com/octo-drone-shop/serverless/shared/oracle/ocivault"
)

func init() { boot.RegisterDatabase(sqlite.Dialect.Name(), OpenSQLite) }

// OpenSQLite opens the embedded database file OCTO_DB_DSN names; the check parses the schema on the
// first connection and verifies WAL and foreign keys.
func OpenSQLite(_ context.Context, e *boot.Env) (*sql.DB, func(context.Context) error, error) {
	pool, err := sqlite.OpenPool(e.Config.DB.Path)
	if err != nil {
		return nil, nil, err
	}
	return pool, func(ctx context.Context) error { return sqlite.Check(ctx, pool) }, nil
}
