package boot

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/octo-drone-shop/serverless/shared/serve"
)

// BuildFunc builds a function's handler from the Env: the function's own composition root.
type BuildFunc func(e *Env) (http.Handler, error)

// Run opens the Env of the function named name, builds its handler and serves it until ctx ends.
// Tests call it with their own getenv to drive the real wiring.
func Run(ctx context.Context, name string, getenv func(string) string, build BuildFunc, opts Options) error {
	growStack() // the cold start's set-up runs on this goroutine (see growStack)
	// Signal handling is installed in the background, overlapping the cold start (see
	// serve.WatchSignals); Open starts it right after the database's first connection. Lambda gets
	// none, as serve.Run documents.
	if rt, err := serve.DetectRuntime(getenv); err == nil && rt != serve.RuntimeLambda {
		opts.watchSignals = true
	}
	e, err := Open(ctx, name, getenv, opts)
	if err != nil {
		return err
	}
	h, err := build(e)
	if err != nil {
		_ = e.Close(ctx)
		return fmt.Errorf("%s: build handler: %w", name, err)
	}
	return e.Serve(ctx, h)
}

// Main is a function binary's main: Run with the process environment, exiting non-zero with the
// error on stderr when the cold start or the server fails.
func Main(name string, build BuildFunc, opts ...Option) {
	var o Options
	for _, opt := range opts {
		opt(&o)
	}
	if err := Run(context.Background(), name, os.Getenv, build, o); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
