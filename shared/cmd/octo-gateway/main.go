// Command octo-gateway is the local API gateway (`make run`): it starts every function of the bundle
// as its own process under the OCI Functions http-stream protocol and serves their routes on
// http://localhost:$PORT the way OCI API Gateway does. See package gateway for the behaviour.
//
//	octo-gateway [-port 8080] [-root .] [-bin-dir bin] [-data-dir .octo] [-max-instances 4]
//	             [-idle-timeout 5m] [-queue-timeout 10s] [-schedules]
//
// Flags override the environment: PORT, OCTO_ROOT, OCTO_BIN_DIR, OCTO_DATA_DIR, OCTO_MAX_INSTANCES,
// OCTO_IDLE_TIMEOUT, OCTO_QUEUE_TIMEOUT, OCTO_SCHEDULES. The rest of the environment (OTEL_*, ...)
// is passed through to the functions. SIGINT or SIGTERM stops the gateway and every function.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/octo-drone-shop/serverless/shared/gateway"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "octo-gateway:", err)
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := gateway.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("octo-gateway", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.String("port", "", "listen port (default $PORT or 8080)")
	fs.StringVar(&cfg.Root, "root", cfg.Root, "repository root holding func.yaml and functions/ (default .)")
	fs.StringVar(&cfg.BinDir, "bin-dir", cfg.BinDir, "directory of the function binaries (default bin)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "directory of the embedded database octo.db (default .octo)")
	fs.IntVar(&cfg.MaxInstances, "max-instances", cfg.MaxInstances, "processes per function (default 4)")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "stop extra idle processes after this (default: each function's idle_timeout)")
	fs.DurationVar(&cfg.QueueTimeout, "queue-timeout", cfg.QueueTimeout, "longest wait for a busy function before 503 (default 10s)")
	fs.BoolVar(&cfg.Schedules, "schedules", cfg.Schedules, "invoke scheduled functions at their cron times")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", flag.ErrHelp, fs.Args())
	}
	if *port != "" {
		cfg.Addr = "127.0.0.1:" + *port
	}
	cfg.Logger = slog.New(slog.NewJSONHandler(stderr, nil))
	return gateway.Run(ctx, cfg)
}
