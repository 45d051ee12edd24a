package boot

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
)

// Database is what a dialect's opener gives a cold start: the driver's connector, which package db
// wraps into the function's pool, connecting nothing yet.
type Database struct {
	Connector driver.Connector
	// Configure sets the pool's limits (database/sql's); nil leaves the defaults.
	Configure func(*sql.DB)
	// Check makes and verifies the pool's first connection (run in the background, see startDB).
	Check func(context.Context, *sql.DB) error
}

// OpenFunc prepares a function's database at cold start (on Oracle: the wallet and password).
type OpenFunc func(ctx context.Context, e *Env) (Database, error)

// The databases this binary can open, by dialect name. Which ones is a property of the build, like
// database/sql's drivers: package dbdriver registers the one its build links (the embedded SQLite by
// default, Oracle with -tags oracle), and a function's main imports dbdriver. A function without a
// database (the authorizer) imports none and links no driver.
var (
	databasesMu sync.RWMutex
	databases   = map[string]OpenFunc{}
)

// RegisterDatabase makes open the way to open the dialect named name; called from init.
func RegisterDatabase(name string, open OpenFunc) {
	databasesMu.Lock()
	defer databasesMu.Unlock()
	if _, dup := databases[name]; dup {
		panic("boot: RegisterDatabase called twice for " + name)
	}
	databases[name] = open
}

// database returns the registered opener of the dialect name.
func database(name string) (OpenFunc, error) {
	databasesMu.RLock()
	open, ok := databases[name]
	databasesMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("OCTO_DB_DRIVER=%s: this binary links no %s driver (the local build links sqlite, "+
			"the image's build -tags oracle links oracle; a function's main imports shared/dbdriver)", name, name)
	}
	return open, nil
}
