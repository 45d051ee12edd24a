//go:build !oracle

package dbdriver

import (
	"context"

	"github.com/octo-drone-shop/serverless/shared/boot"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// No Vault client here (package oracle/ocivault, and with it the OCI SDK's Secrets client): this build
// runs outside OCI (make run, the tests, AWS Lambda), where no resource principal reads a secret, so
// it links none, as the authorizer does in both builds. Given a secret OCID anyway, a function says so:
// the APM data key is unreadable (it starts without export), a token key secret fails its start
// naming vault.ErrNotLinked. Measured: 0.4-0.7 ms off each cold start of the functions that use no
// other OCI service (ARCHITECTURE.md, "Cold start").

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
