//go:build oracle

package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/octo-drone-shop/serverless/schema/dialects"
	"github.com/octo-drone-shop/serverless/shared/config"
	"github.com/octo-drone-shop/serverless/shared/oracle/oradb"
)

// openPool opens ATP through the wallet: the Oracle build links godror only (see package dbdriver).
func openPool(ctx context.Context, cfg config.DB) (*sql.DB, error) {
	if cfg.Driver != dialects.Oracle {
		return nil, fmt.Errorf("OCTO_DB_DRIVER=%s: this octo is the Oracle build (-tags oracle), which links only oracle", cfg.Driver)
	}
	return oradb.Open(ctx, cfg.Oracle)
}

// openConnector gives godror's connector through the wallet, for package db's pool (seed).
func openConnector(ctx context.Context, cfg config.DB) (driver.Connector, error) {
	if cfg.Driver != dialects.Oracle {
		return nil, fmt.Errorf("OCTO_DB_DRIVER=%s: this octo is the Oracle build (-tags oracle), which links only oracle", cfg.Driver)
	}
	c, _, err := oradb.Connector(ctx, cfg.Oracle)
	return c, err
}
