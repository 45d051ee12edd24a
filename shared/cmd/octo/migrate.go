package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"

	"github.com/octo-drone-shop/serverless/shared/config"
	"github.com/octo-drone-shop/serverless/shared/migrate"
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

// openDatabase reads the database settings (OCTO_DB_*) and opens the pool with the driver this build
// links (openPool: the embedded file in the local build, ATP through the wallet with -tags oracle).
func openDatabase(ctx context.Context, env commandEnv) (config.Config, *sql.DB, error) {
	cfg, err := config.Load(env.Getenv, "octo")
	if err != nil {
		return cfg, nil, err
	}
	raw, err := openPool(ctx, cfg.DB)
	if err != nil {
		return cfg, nil, err
	}
	return cfg, raw, nil
}
