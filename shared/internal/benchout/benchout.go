// Package benchout is what the load benchmark commands (octo-bench-commerce, -crm, -writes, -load)
// share around their own work: the main that runs until SIGINT/SIGTERM, and writing a report as
// <name>.json and <name>.md under the results directory and the Markdown to stdout. It imports no
// database, so a command that drives the stack from outside (octo-bench-load) links none.
package benchout

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// Main runs run with the command's arguments until it returns or the process is interrupted, and
// exits 1 with "<name>: <error>" on stderr when it fails.
func Main(name string, run func(ctx context.Context, args []string, stdout, stderr io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Write writes report as dir/<name>.json (indented) and md as dir/<name>.md, creating dir, and
// copies md to stdout.
func Write(dir, name string, report any, md string, stdout io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	js, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".json"), append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".md"), []byte(md), 0o644); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	_, err = io.WriteString(stdout, md)
	return err
}
