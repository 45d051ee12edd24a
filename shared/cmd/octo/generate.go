package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
)

// runGenerate compiles every function's func.yaml into its declaration_gen.go (see funcyaml.Generate);
// with -check it changes nothing and fails when a generated file is out of date.
func runGenerate(_ context.Context, env commandEnv, args []string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	root := fs.String("root", ".", "repository root holding func.yaml and functions/")
	check := fs.Bool("check", false, "change nothing; fail when a generated file differs from func.yaml")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: generate takes no arguments", errUsage)
	}
	if *check {
		stale, err := funcyaml.Stale(*root)
		if err != nil {
			return err
		}
		if len(stale) > 0 {
			return fmt.Errorf("out of date (run make generate): %s", strings.Join(stale, ", "))
		}
		return nil
	}
	changed, err := funcyaml.Generate(*root)
	for _, f := range changed {
		fmt.Fprintln(env.Stdout, "wrote", f)
	}
	return err
}
