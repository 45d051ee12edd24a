package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/octo-drone-shop/serverless/shared/config"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

// runSeed loads the demo data set into an empty, migrated database. On a database that already holds
// data it writes nothing and fails, unless --if-empty makes that a successful no-op (make run).
// --activity DAYS then adds generated shop activity over the last DAYS days (seed.Activity), on top
// of the demo data set (seeded first when the database is empty).
func runSeed(ctx context.Context, env commandEnv, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	ifEmpty := fs.Bool("if-empty", false, "succeed without writing when the database already holds data")
	days := fs.Int("activity", 0, "also generate DAYS of shop activity (page views, carts, orders, leads, security events)")
	orders := fs.Int("orders", 0, "with --activity: the number of orders over those days (default 100 a day)")
	rngSeed := fs.Uint64("rng-seed", 1, "with --activity: the random generator's seed (same seed and database, same rows)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: seed takes no arguments", errUsage)
	}
	if *days < 0 || *days > 366 || (*days == 0 && *orders != 0) || *orders < 0 {
		return fmt.Errorf("%w: --activity takes 1 to 366 days, --orders a positive count with --activity", errUsage)
	}
	cfg, err := config.Load(env.Getenv, "octo")
	if err != nil {
		return err
	}
	connector, err := openConnector(ctx, cfg.DB)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Options{Driver: cfg.DB.Driver, Connector: connector, ServiceName: cfg.Service, ClientInfo: "octo@" + cfg.Version,
		StatementLog: env.Getenv("OCTO_SQL_TRACE_FILE")})
	if err != nil {
		return err
	}
	defer d.Close()
	// With --activity an already seeded database is expected: the activity goes on top of it.
	res, err := seed.Run(ctx, d, seed.Options{IfEmpty: *ifEmpty || *days > 0})
	if res.Seeded || *days == 0 {
		fmt.Fprint(env.Stdout, res)
	}
	if err != nil || *days == 0 {
		return err
	}
	act, err := seed.Activity(ctx, d, seed.ActivityOptions{Days: *days, Orders: *orders, Seed: *rngSeed})
	if err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, act)
	return nil
}
