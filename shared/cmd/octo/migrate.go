package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"

	"github.com/octo-drone-shop/serverless/shared/config"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/oracle"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// runMigrate applies the pending schema migrations to the configured database and prints the report.
// Incompatibilities found on a shared database are printed and make the command fail.
func runMigrate(ctx context.Context, env commandEnv, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: migrate takes no arguments", errUsage)
	}
	cfg, raw, err := openDatabase(ctx, env)
	if err != nil {
		return err
	}
	defer raw.Close()
	rep, err := migrate.Run(ctx, raw, cfg.DB.Driver, migrate.Options{})
	fmt.Fprint(env.Stdout, rep)
	return err
}

// openDatabase reads the database settings (OCTO_DB_*) and opens the pool: the embedded file for
// sqlite, ATP through the wallet for oracle.
func openDatabase(ctx context.Context, env commandEnv) (config.Config, *sql.DB, error) {
	cfg, err := config.Load(env.Getenv, "octo")
	if err != nil {
		return cfg, nil, err
	}
	var raw *sql.DB
	switch cfg.DB.Driver {
	case config.DriverSQLite:
		raw, err = sqlite.Open(cfg.DB.Path)
	case config.DriverOracle:
		raw, err = oracle.Open(ctx, cfg.DB.Oracle)
	default:
		err = errors.New("OCTO_DB_DRIVER: want sqlite or oracle")
	}
	if err != nil {
		return cfg, nil, err
	}
	return cfg, raw, nil
}
