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

// OpenOracle reads the wallet and password (from Vault when configured so) and opens the godror
// session pool; the check is its first session (TLS handshake and logon).
func OpenOracle(ctx context.Context, e *boot.Env) (*sql.DB, func(context.Context) error, error) {
	ocfg := e.Config.DB.Oracle
	var opts []oracle.Option
	if ocfg.WalletSecretOCID != "" || ocfg.PasswordSecretOCID != "" {
		vs, err := e.Vault()
		if err != nil {
			return nil, nil, err
		}
		opts = append(opts, oracle.WithSecretSource(vs))
	}
	pool, err := oradb.OpenPool(ctx, ocfg, opts...)
	if err != nil {
		return nil, nil, err
	}
	return pool, func(ctx context.Context) error { return oradb.Ping(ctx, pool, ocfg) }, nil
}
