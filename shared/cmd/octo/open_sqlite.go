//go:build !oracle

package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/octo-drone-shop/serverless/schema/dialects"
	"github.com/octo-drone-shop/serverless/shared/config"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// openPool opens the embedded database: the local build links SQLite only (see package dbdriver).
func openPool(_ context.Context, cfg config.DB) (*sql.DB, error) {
	if cfg.Driver != dialects.SQLite {
		return nil, fmt.Errorf("OCTO_DB_DRIVER=%s: this octo is the local build, which links only sqlite (build with -tags oracle for ATP)", cfg.Driver)
	}
	return sqlite.Open(cfg.Path)
}

// openConnector gives the embedded database's driver connector, for package db's pool (seed).
func openConnector(_ context.Context, cfg config.DB) (driver.Connector, error) {
	if cfg.Driver != dialects.SQLite {
		return nil, fmt.Errorf("OCTO_DB_DRIVER=%s: this octo is the local build, which links only sqlite (build with -tags oracle for ATP)", cfg.Driver)
	}
	return sqlite.Connector(cfg.Path)
}
