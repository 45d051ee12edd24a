//go:build !oracle

package schemamigrate

import (
	"context"
	"database/sql"
	"errors"

	"github.com/octo-drone-shop/serverless/shared/oracle"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// The local build links SQLite and no godror (see package dbdriver): it migrates the embedded file.
var openSQLite = sqlite.Open

func openOracle(context.Context, oracle.Config, ...oracle.Option) (*sql.DB, error) {
	return nil, errors.New("this build links no Oracle driver: the image builds with -tags oracle")
}
