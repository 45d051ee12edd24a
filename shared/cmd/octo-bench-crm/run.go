package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"regexp"

	"github.com/octo-drone-shop/serverless/shared/internal/loadgen"
)

type options struct {
	root, binDir, dataDir, out string
	requests, instances        int
	clients                    []int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := options{clients: []int{1, 8}}
	fs := flag.NewFlagSet("octo-bench-crm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.root, "root", ".", "repository root holding func.yaml and functions/")
	fs.StringVar(&o.binDir, "bin-dir", "bin", "directory of the function binaries")
	fs.StringVar(&o.dataDir, "data-dir", ".octo", "directory of the migrated and seeded octo.db")
	fs.StringVar(&o.out, "out", "bench/results", "directory for crm.md and crm.json")
	fs.IntVar(&o.requests, "requests", 200, "timed requests per scenario")
	fs.IntVar(&o.instances, "instances", 8, "function processes per function (the gateway's scale-out cap)")
	match := fs.String("match", "", "run only the scenarios whose name matches this regular expression (e.g. campaigns|leads)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	only, err := regexp.Compile(*match)
	if err != nil {
		return fmt.Errorf("-match: %w", err)
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
	b := &bench{base: st.URL, store: st.Store, stmts: stmts}
	if err := b.signIn(ctx); err != nil {
		return err
	}
	routes, err := b.routes(ctx)
	if err != nil {
		return err
	}
	rep := report{Requests: o.requests, Instances: o.instances}
	for _, rt := range routes {
		if !only.MatchString(rt.name) {
			continue
		}
		for _, c := range o.clients {
			fmt.Fprintf(stderr, "%s at %d clients ...\n", rt.name, c)
			lat, err := b.load(ctx, rt.path, c, o.requests)
			if err != nil {
				return fmt.Errorf("%s at %d clients: %w", rt.name, c, err)
			}
			rep.Rows = append(rep.Rows, row{Route: rt.name, Clients: c, Latency: lat})
		}
		n, err := b.statements(ctx, rt.path)
		if err != nil {
			return fmt.Errorf("%s statements: %w", rt.name, err)
		}
		rep.Statements = append(rep.Statements, statementsRow{Route: rt.name, Statements: n})
	}
	return rep.write(filepath.Clean(o.out), stdout)
}
