package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
)

// runRoutes prints the bundle's route table, read from the function declarations.
func runRoutes(_ context.Context, env commandEnv, args []string) error {
	fs := flag.NewFlagSet("routes", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	root := fs.String("root", ".", "repository root holding func.yaml and functions/")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	b, err := funcyaml.Load(*root)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATH\tFUNCTION\tSCOPE\tBODY LIMIT")
	for _, r := range b.Routes() {
		scope := string(r.Scope)
		if r.TokenOptional() {
			scope += " (token optional)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", r.Method, r.Path, r.Function, scope, r.Limit())
	}
	for _, f := range b.Functions {
		if f.Schedule != nil {
			fmt.Fprintf(tw, "SCHEDULE\t%s (%s)\t%s\t-\t-\n", f.Schedule.Cron, f.Schedule.TimeZone, f.Name)
		}
	}
	return tw.Flush()
}
