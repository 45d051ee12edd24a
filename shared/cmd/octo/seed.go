package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

// runSeed loads the demo data set into an empty, migrated database. On a database that already holds
// data it writes nothing and fails, unless --if-empty makes that a successful no-op (make run).
func runSeed(ctx context.Context, env commandEnv, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	ifEmpty := fs.Bool("if-empty", false, "succeed without writing when the database already holds data")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: seed takes no arguments", errUsage)
	}
	cfg, raw, err := openDatabase(ctx, env)
	if err != nil {
		return err
	}
	defer raw.Close()
	d, err := db.Open(ctx, db.Options{Driver: cfg.DB.Driver, DB: raw, ServiceName: cfg.Service, ClientInfo: "octo@" + cfg.Version,
		StatementLog: env.Getenv("OCTO_SQL_TRACE_FILE")})
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := seed.Run(ctx, d, seed.Options{IfEmpty: *ifEmpty})
	fmt.Fprint(env.Stdout, res)
	return err
}
