//go:build oracle

package schemamigrate

import (
	"database/sql"
	"errors"

	"github.com/octo-drone-shop/serverless/shared/oracle/oradb"
)

// The image's build links godror and no SQLite (see package dbdriver): it migrates ATP.
var openOracle = oradb.Open

func openSQLite(string) (*sql.DB, error) {
	return nil, errors.New("this build links no SQLite driver: it is the image's (-tags oracle)")
}
