package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// `octo seed --activity DAYS --orders N` seeds an empty database first, then adds the activity; a
// bad count is a usage error that writes nothing.
func TestSeedActivityAddsOrdersOnTopOfTheDemoData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "octo.db")
	vars := map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": path}
	var out bytes.Buffer
	env := commandEnv{Getenv: func(k string) string { return vars[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}
	if err := run(ctx, env, []string{"migrate"}); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	for _, args := range [][]string{{"--activity", "-1"}, {"--activity", "400"}, {"--orders", "5"}, {"--activity", "2", "--orders", "-5"}} {
		if err := run(ctx, env, append([]string{"seed"}, args...)); !errors.Is(err, errUsage) {
			t.Fatalf("seed %v: %v, want a usage error", args, err)
		}
	}
	raw, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	count := func() (n int) {
		if err := raw.QueryRow(`SELECT COUNT(*) FROM orders`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("a refused seed wrote %d orders", n)
	}
	if err := run(ctx, env, []string{"seed", "--activity", "2", "--orders", "40"}); err != nil {
		t.Fatalf("seed --activity: %v\n%s", err, out.String())
	}
	demo := count() - 40
	if demo <= 0 || !strings.Contains(out.String(), "activity: 40 orders") {
		t.Fatalf("want the demo orders plus 40, got %d; output %q", count(), out.String())
	}
	if err := run(ctx, env, []string{"seed", "--activity", "1", "--orders", "10"}); err != nil {
		t.Fatalf("second seed --activity: %v", err)
	}
	if n := count(); n != demo+50 {
		t.Fatalf("orders after a second activity: %d, want %d", n, demo+50)
	}
}
