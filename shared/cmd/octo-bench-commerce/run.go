package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/octo-drone-shop/serverless/shared/internal/loadgen"
)

type options struct {
	root, binDir, dataDir, out string
	requests, instances        int
	clients                    []int
	lines                      []int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := options{clients: []int{1, 8, 32}, lines: []int{1, 5, 20}}
	fs := flag.NewFlagSet("octo-bench-commerce", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.root, "root", ".", "repository root holding func.yaml and functions/")
	fs.StringVar(&o.binDir, "bin-dir", "bin", "directory of the function binaries")
	fs.StringVar(&o.dataDir, "data-dir", ".octo", "directory of the migrated and seeded octo.db")
	fs.StringVar(&o.out, "out", "bench/results", "directory for commerce.md and commerce.json")
	fs.IntVar(&o.requests, "requests", 200, "timed requests per scenario")
	fs.IntVar(&o.instances, "instances", 8, "function processes per function (the gateway's scale-out cap)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.requests < 10 || o.instances < 1 {
		return errors.New("-requests must be at least 10 and -instances at least 1")
	}
	stmts := loadgen.NewStatementLog()
	st, err := loadgen.StartStack(ctx, loadgen.StackOptions{Root: o.root, BinDir: o.binDir, DataDir: o.dataDir,
		Instances: o.instances, FunctionOutput: stmts})
	if err != nil {
		return err
	}
	defer st.Close()
	b := &bench{base: st.URL, store: st.Store, stmts: stmts, shoppers: loadgen.DistinctClients(1, 2*time.Minute)}

	rep := report{Requests: o.requests, Instances: o.instances}
	fmt.Fprintln(stderr, "catalog list ...")
	if rep.Catalog, err = b.catalog(ctx, o.requests); err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	for _, c := range o.clients {
		fmt.Fprintf(stderr, "checkout at %d clients ...\n", c)
		r, err := b.checkouts(ctx, c, o.requests)
		if err != nil {
			return fmt.Errorf("checkout at %d clients: %w", c, err)
		}
		rep.Checkout = append(rep.Checkout, r)
	}
	for _, n := range o.lines {
		s, err := b.statementsPerCheckout(ctx, n)
		if err != nil {
			return fmt.Errorf("statements at %d lines: %w", n, err)
		}
		rep.Statements = append(rep.Statements, statementsResult{Lines: n, Statements: s})
	}
	return rep.write(filepath.Clean(o.out), stdout)
}
