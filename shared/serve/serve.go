// Package serve is the one runtime entry point of every function: a function's main builds a
// runtime-agnostic http.Handler and hands it to Run, which picks the runtime from the environment.
//
//   - OCI Functions (FN_FORMAT=http-stream and FN_LISTENER set): the http-stream protocol through
//     github.com/fnproject/fdk-go, see fdk.go.
//   - AWS Lambda (AWS_LAMBDA_RUNTIME_API set): API Gateway HTTP API v2 and REST v1 proxy events through
//     github.com/aws/aws-lambda-go, see lambda.go.
//   - Otherwise plain net/http on $PORT (default 8080), see http.go.
//
// On every runtime the handler sees an ordinary server-side *http.Request (method, path and query,
// headers with Host promoted to Request.Host, body, and RemoteAddr where the runtime knows it), its
// context carries the invocation deadline, and its status, multi-value headers and body go back
// unchanged. Run wraps the handler in Recover, so a panic becomes a JSON 500 and never ends the
// process.
//
// Non-HTTP invocations (OCI Resource Scheduler's plain POST without Fn-Intent, a Lambda event that
// is not from API Gateway such as an EventBridge schedule) reach the handler as POST InvokePath with
// the header InvocationHeader: InvocationScheduled and the raw body. A function with a schedule
// routes that path. On plain HTTP nothing distinguishes such a call: InvokePath is reachable
// directly, which is what local testing wants.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// InvokePath is the path a non-HTTP invocation (a schedule, a direct invoke) is delivered to.
const InvokePath = "/_invoke"

// InvocationHeader marks a request that did not come from an HTTP client; its value says why.
const InvocationHeader = "X-Octo-Invocation"

// InvocationScheduled is the InvocationHeader value of a non-HTTP invocation.
const InvocationScheduled = "scheduled"

// DefaultShutdownTimeout bounds how long Run waits for in-flight requests once it is asked to stop.
const DefaultShutdownTimeout = 10 * time.Second

// Runtime names the environment a function runs in.
type Runtime string

// The runtimes Run can serve on.
const (
	RuntimeOCI    Runtime = "oci-functions"
	RuntimeLambda Runtime = "aws-lambda"
	RuntimeHTTP   Runtime = "http"
)

// Options configures Run. The zero value is usable.
type Options struct {
	// Getenv reads the configuration; nil means os.Getenv. Runtime selection, PORT and
	// OCTO_HTTP_HOST come from it. fdk-go and aws-lambda-go read their own variables (FN_FORMAT,
	// FN_LISTENER, AWS_LAMBDA_RUNTIME_API) from the process environment, so Run refuses to start
	// when Getenv disagrees with the process environment on those.
	Getenv func(string) string
	// Logger receives the start-up line, recovered panics and server errors; nil means slog.Default().
	Logger *slog.Logger
	// ShutdownTimeout bounds the wait for in-flight requests after ctx is cancelled or SIGINT/SIGTERM
	// arrives (plain HTTP and OCI Functions); zero means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// Signals is the SIGINT/SIGTERM handling Run stops on, started earlier with WatchSignals so that
	// installing it overlaps the function's start; nil means Run starts it itself.
	Signals *Signals
}

func (o Options) withDefaults() Options {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	return o
}

// Run serves h on the runtime the environment selects (see DetectRuntime) until ctx is cancelled or
// the process receives SIGINT or SIGTERM, then waits up to Options.ShutdownTimeout for in-flight
// requests and returns nil.
//
// Run handles SIGINT/SIGTERM itself, with Options.Signals when main started them early (as package
// boot does, see WatchSignals) or else its own; main must not install other handlers. On AWS Lambda
// it handles none: aws-lambda-go's invoke loop never returns (it exits the process through log.Fatalf
// if the Runtime API fails), Lambda freezes and kills the process itself, and ctx only serves as the
// parent of every invocation's context.
func Run(ctx context.Context, h http.Handler, opts Options) error {
	opts = opts.withDefaults()
	rt, err := DetectRuntime(opts.Getenv)
	if err != nil {
		return err
	}
	h = Recover(opts.Logger, h)
	opts.Logger.InfoContext(ctx, "serve: starting", slog.String("runtime", string(rt)))
	if rt == RuntimeLambda {
		if opts.Signals != nil {
			opts.Signals.Stop()
		}
		return runLambda(ctx, h, opts)
	}
	sig := opts.Signals
	if sig == nil {
		sig = WatchSignals(ctx)
	}
	defer sig.Stop()
	h = sig.gate(h)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(sig.ctx, cancel)()
	if rt == RuntimeOCI {
		return runFDK(ctx, h, opts)
	}
	return runHTTP(ctx, h, opts)
}

// Signals is SIGINT/SIGTERM handling installed in the background; see WatchSignals.
type Signals struct {
	ctx       context.Context // cancelled when a signal arrives or Stop is called
	stop      context.CancelFunc
	installed chan struct{}
}

// WatchSignals starts installing a SIGINT/SIGTERM handler in the background and returns at once;
// pass the result to Run in Options.Signals. The handler is removed when the first signal arrives, so
// a second one during the drain ends the process at once.
//
// Why in the background: the first signal.Notify starts the runtime's signal-mask thread and hands
// each signal to it, measured at 0.15 to 0.9 ms on this 2-core VM, up to a sixth of a hello-world
// function's cold start. Started early (package boot starts it right after the database's first
// connection), it overlaps the configuration, telemetry and handler set-up, and Run listens without
// waiting for it.
//
// What that costs, and why no call is exposed by it: Run holds every call until the handler is
// installed (see gate), so a call never starts without a graceful shutdown behind it. A signal that
// arrives before the installation completes ends the process as Go's default does; at that moment at
// most the very first call can have arrived, and it is still waiting in the gate, so it has done
// nothing and its caller sees a failed call rather than a half-done one. The OCI Functions agent
// signals a container to retire it, which it does not do to one it has just handed a call.
func WatchSignals(parent context.Context) *Signals {
	ctx, stop := context.WithCancel(context.WithoutCancel(parent))
	s := &Signals{ctx: ctx, stop: stop, installed: make(chan struct{})}
	go func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(ch)
		close(s.installed)
		select {
		case <-ch:
			stop()
		case <-ctx.Done():
		}
	}()
	return s
}

// Stop removes the handler (Go's default behaviour returns); it is idempotent.
func (s *Signals) Stop() { s.stop() }

// gate holds each call to h until the signal handler is installed; once it is, the check is a
// receive on a closed channel.
func (s *Signals) gate(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-s.installed
		h.ServeHTTP(w, r)
	})
}

// DetectRuntime picks the runtime from the environment: OCI Functions when FN_FORMAT is
// "http-stream" and FN_LISTENER is a unix: URL, AWS Lambda when AWS_LAMBDA_RUNTIME_API is set, plain
// HTTP when none of these is set. A partial or contradictory setting is an error rather than a
// silent fallback to plain HTTP.
func DetectRuntime(getenv func(string) string) (Runtime, error) {
	format, listener := getenv("FN_FORMAT"), getenv("FN_LISTENER")
	lambdaAPI := getenv("AWS_LAMBDA_RUNTIME_API")
	oci := format != "" || listener != ""
	switch {
	case oci && lambdaAPI != "":
		return "", errors.New("serve: detect runtime: both FN_* (OCI Functions) and AWS_LAMBDA_RUNTIME_API are set")
	case oci:
		if format != "http-stream" {
			return "", fmt.Errorf("serve: detect runtime: FN_FORMAT is %q, want http-stream", format)
		}
		if err := checkListener(listener); err != nil {
			return "", fmt.Errorf("serve: detect runtime: %w", err)
		}
		return RuntimeOCI, nil
	case lambdaAPI != "":
		return RuntimeLambda, nil
	default:
		return RuntimeHTTP, nil
	}
}

// checkListener validates FN_LISTENER up front: fdk-go would log.Fatal on a bad value.
func checkListener(listener string) error {
	u, err := url.Parse(listener)
	if err != nil {
		return fmt.Errorf("FN_LISTENER %q: %w", listener, err)
	}
	if u.Scheme != "unix" || u.Path == "" {
		return fmt.Errorf("FN_LISTENER %q: want unix:/path/to/socket", listener)
	}
	return nil
}

// checkProcessEnv fails when Options.Getenv disagrees with the process environment on variables a
// runtime library reads directly with os.Getenv.
func checkProcessEnv(getenv func(string) string, keys ...string) error {
	for _, k := range keys {
		if getenv(k) != os.Getenv(k) {
			return fmt.Errorf("serve: %s differs between Options.Getenv and the process environment, which the runtime library reads", k)
		}
	}
	return nil
}
