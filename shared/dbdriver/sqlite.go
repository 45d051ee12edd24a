//go:build !oracle

package dbdriver

import (
	"context"

	"github.com/octo-drone-shop/serverless/shared/boot"
	"github.com/octo-drone-shop/serverless/shared/sqlite"

	// The OCI Vault client (package vault's), for the secrets a function with a database reads
	// at cold start in this build too: the APM data key, the token signing key.
	_ "github.com/octo-drone-shop/serverless/shared/oracle/ocivault"
)

func init() { boot.RegisterDatabase(sqlite.Dialect.Name(), OpenSQLite) }

// OpenSQLite gives the embedded database file OCTO_DB_DSN names; the check parses the schema on the
// first connection and verifies WAL and foreign keys.
func OpenSQLite(_ context.Context, e *boot.Env) (boot.Database, error) {
	c, err := sqlite.Connector(e.Config.DB.Path)
	if err != nil {
		return boot.Database{}, err
	}
	return boot.Database{Connector: c, Check: sqlite.Check}, nil
}
