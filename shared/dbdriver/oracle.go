//go:build oracle

package dbdriver

import (
	"context"
	"database/sql"

	"github.com/octo-drone-shop/serverless/shared/boot"
	"github.com/octo-drone-shop/serverless/shared/oracle"
	"github.com/octo-drone-shop/serverless/shared/oracle/oradb"

	// The OCI Vault client (package vault's): the wallet and password, the APM data key, the token
	// signing key.
	_ "github.com/octo-drone-shop/serverless/shared/oracle/ocivault"
)

func init() { boot.RegisterDatabase(oradb.Dialect.Name(), OpenOracle) }

// OpenOracle reads the wallet and password (from Vault when configured so) and gives godror's
// session pool; the check is its first session (TLS handshake and logon).
func OpenOracle(ctx context.Context, e *boot.Env) (boot.Database, error) {
	ocfg := e.Config.DB.Oracle
	var opts []oracle.Option
	if ocfg.WalletSecretOCID != "" || ocfg.PasswordSecretOCID != "" {
		vs, err := e.Vault()
		if err != nil {
			return boot.Database{}, err
		}
		opts = append(opts, oracle.WithSecretSource(vs))
	}
	c, cfg, err := oradb.Connector(ctx, ocfg, opts...)
	if err != nil {
		return boot.Database{}, err
	}
	return boot.Database{
		Connector: c,
		Configure: func(d *sql.DB) { oradb.Configure(d, cfg) },
		Check:     func(ctx context.Context, d *sql.DB) error { return oradb.Ping(ctx, d, cfg) },
	}, nil
}
