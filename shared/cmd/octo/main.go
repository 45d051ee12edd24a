// Command octo is the operator's tool for the bundle: it migrates and seeds the database, prints the
// route table and the OpenAPI document, and computes Oracle SQL_IDs.
//
//	octo migrate            apply pending migrations (OCTO_DB_DRIVER, OCTO_DB_DSN / Oracle settings)
//	octo seed [--if-empty]  load the demo data set
//	octo seed --activity DAYS [--orders N] [--rng-seed S]  add generated activity over DAYS days
//	octo routes             print every route of the bundle with its function and scope
//	octo openapi            print the bundle's OpenAPI 3.1 document (--server URL, repeatable)
//	octo generate [--check] compile each functions/<name>/func.yaml into its declaration_gen.go
//	octo sqlid 'SQL'        print the SQL_ID Oracle will give the statement (-f FILE, or - for stdin)
//	octo json PATH          print one value of the JSON document on stdin (order.id, items.0.id)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// commandEnv is what every subcommand gets from the process: tests pass their own.
type commandEnv struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	run     func(ctx context.Context, env commandEnv, args []string) error
	summary string
}

func commands() map[string]command {
	return map[string]command{
		"migrate":  {runMigrate, "apply pending schema migrations"},
		"seed":     {runSeed, "load the demo data set into an empty database"},
		"routes":   {runRoutes, "print the route table from the function declarations"},
		"openapi":  {runOpenAPI, "print the OpenAPI document generated from the declarations and the functions' types"},
		"generate": {runGenerate, "compile each function's func.yaml into its declaration_gen.go"},
		"sqlid":    {runSQLID, "print the Oracle SQL_ID of a statement"},
		"json":     {runJSON, "print one value of the JSON on stdin (octo json order.id)"},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, commandEnv{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "octo:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, env commandEnv, args []string) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout, cmds)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		usage(env.Stderr, cmds)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	if err := c.run(ctx, env, args[1:]); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	return nil
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("usage: octo <command> [arguments]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprint(w, b.String())
}
