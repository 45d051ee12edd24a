// Package boot is the composition every function's main uses: it reads the configuration once at
// cold start, builds the logger, telemetry and database once per container, wraps the function's
// handler in the request middleware (tracing, access log, database session scope, security) and hands
// it to package serve, which picks the runtime.
//
// A function's main is therefore three lines; see functions/catalog/cmd/catalog. Nothing here is a
// package-level singleton: everything hangs off the *Env that Open returns, so tests drive the real
// wiring with their own environment.
package boot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/octo-drone-shop/serverless/schema/dialects"
	"github.com/octo-drone-shop/serverless/shared/config"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/serve"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
	"github.com/octo-drone-shop/serverless/shared/vault"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Env is what a function's handler is built from: configuration, logger, telemetry, database and
// the security middleware.
type Env struct {
	Config    config.Config
	Log       *slog.Logger
	Telemetry *telemetry.Telemetry
	DB        *sql.DB
	Security  *security.Guard

	getenv   func(string) string
	secrets  vault.Source   // built on first use, once per container
	optional vault.Source   // the same without retries, for secrets a function starts without
	signals  *serve.Signals // started by Open for Run; nil lets serve.Run start its own

	// dbReady is closed when the database's first connection has been made and checked, with dbErr
	// its outcome; see startDB.
	dbReady chan struct{}
	dbErr   error
}

// Vault returns the function's Vault client for the database's wallet and password, built on first
// use (once per container). OCTO_OCI_REGION and OCTO_VAULT_ENDPOINT (a private endpoint) override the
// resource principal's region and the service endpoint. It fails with vault.ErrNotLinked in a binary
// without a database (package dbdriver links the client).
func (e *Env) Vault() (vault.Source, error) {
	if e.secrets == nil {
		vs, err := vault.Open(e.vaultConfig(0))
		if err != nil {
			return nil, err
		}
		e.secrets = vs
	}
	return e.secrets, nil
}

func (e *Env) vaultConfig(attempts uint) vault.Config {
	region := e.Config.DB.Oracle.Region
	if region == "" {
		region = strings.TrimSpace(e.getenv("OCTO_OCI_REGION"))
	}
	return vault.Config{Region: region, Endpoint: strings.TrimSpace(e.getenv("OCTO_VAULT_ENDPOINT")), MaxAttempts: attempts}
}

// optionalSecret reads a secret the function can run without (the APM data key): one attempt, no
// retries, so a Vault or IAM fault costs the cold start one round trip, not the retry schedule.
func (e *Env) optionalSecret(ctx context.Context, ocid string) ([]byte, error) {
	if e.optional == nil {
		vs, err := vault.Open(e.vaultConfig(1))
		if err != nil {
			return nil, err
		}
		e.optional = vs
	}
	return e.optional.SecretContent(ctx, ocid)
}

// Options adjusts Open for tests.
type Options struct {
	// LogOutput receives the JSON logs; os.Stderr when nil (OCI Functions and Lambda collect it).
	LogOutput io.Writer
	// Telemetry is merged into the telemetry configuration (span processors, metric readers).
	Telemetry telemetry.Config
	// NoDatabase skips the database: the OCTO_DB_* variables are not read and Env.DB is nil. For
	// functions that never touch it, such as the authorizer, whose cold start sits on the path of
	// every protected request.
	NoDatabase bool

	// watchSignals makes Open start the SIGINT/SIGTERM handling serve.Run uses (Run sets it).
	watchSignals bool
}

// Option adjusts Options in Main.
type Option func(*Options)

// WithoutDatabase is the Option for functions that use no database; see Options.NoDatabase.
func WithoutDatabase() Option { return func(o *Options) { o.NoDatabase = true } }

// Open builds the Env of the function named name from the environment read through getenv. Any
// failure is returned with its cause, so the function's cold start fails with one clear error.
//
// The database's first connection is started right after the configuration is read, before the
// logger and telemetry: on a cold start it is the longest piece of work that depends on nothing else
// (see startDB), so the earlier it starts the less of it the first request waits for.
func Open(ctx context.Context, name string, getenv func(string) string, opts Options) (*Env, error) {
	load := config.Load
	if opts.NoDatabase {
		load = config.LoadWithoutDB
	}
	cfg, err := load(getenv, name)
	if err != nil {
		return nil, err
	}
	e := &Env{Config: cfg, getenv: getenv}
	if !opts.NoDatabase {
		if err := e.startDB(ctx); err != nil {
			return nil, fmt.Errorf("boot: %w", err)
		}
	}
	if opts.watchSignals {
		e.signals = serve.WatchSignals(ctx)
	}
	if err := e.setUp(ctx, opts); err != nil {
		if e.DB != nil {
			_ = e.DB.Close()
		}
		if e.signals != nil {
			e.signals.Stop()
		}
		return nil, err
	}
	// No CORS here: the API deployment (OCI) or the local gateway answers it, never a function.
	e.Security = security.New(security.Config{}, e.DB, e.Telemetry.Instruments(), e.Log)
	return e, nil
}

// setUp builds the logger and telemetry and points the database pool startDB opened at them.
func (e *Env) setUp(ctx context.Context, opts Options) error {
	cfg := e.Config
	out := opts.LogOutput
	if out == nil {
		out = os.Stderr
	}
	e.Log = slog.New(telemetry.LogHandler(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: cfg.LogLevel}))).
		With("function", cfg.Function, "version", cfg.Version)

	tcfg := opts.Telemetry
	tcfg.ServiceName, tcfg.FunctionName, tcfg.FunctionVersion = cfg.Service, cfg.Function, cfg.Version
	tcfg.APMEndpoint = strings.TrimSpace(e.getenv("OCTO_APM_ENDPOINT"))
	tcfg.APMPrivateDataKey = strings.TrimSpace(e.getenv("OCTO_APM_DATA_KEY"))
	if ocid := strings.TrimSpace(e.getenv("OCTO_APM_DATA_KEY_SECRET_OCID")); ocid != "" && tcfg.APMPrivateDataKey == "" {
		// Telemetry is optional: a key that cannot be read means no export to APM and a log line,
		// never a function that does not start (every request of a protected route waits on the
		// authorizer, every database request on its function).
		key, err := e.optionalSecret(ctx, ocid)
		if err == nil {
			tcfg.APMPrivateDataKey = strings.TrimSpace(string(key))
		} else {
			e.Log.WarnContext(ctx, "APM data key unreadable: starting without exporting to APM",
				slog.String("secret_ocid", ocid), slog.String("error", err.Error()))
			tcfg.APMEndpoint = ""
		}
	}
	if tcfg.Logger == nil {
		tcfg.Logger = e.Log
	}
	tel, err := telemetry.Setup(ctx, tcfg, e.getenv)
	if err != nil {
		return fmt.Errorf("boot: %w", err)
	}
	e.Telemetry = tel
	if e.DB == nil {
		return nil
	}
	if err := db.Observe(e.DB, tel.TracerProvider(), tel.MeterProvider()); err != nil {
		_ = tel.Shutdown(ctx)
		return fmt.Errorf("boot: %w", err)
	}
	return nil
}

// startDB opens the pool and makes its first connection in the background. The first connection is
// the slow part of a cold start that needs no one else: on SQLite it reads and parses the whole
// schema (1 ms alone, 2 to 3 ms beside the rest of a cold start on this 2-core VM), on Oracle it is a
// TLS handshake and a logon. Making it while the logger, telemetry, handler and runtime's socket are
// set up, rather than before, takes it off the cold start's critical path; the first request waits
// for it (dbScope), and a failure stops the function with that error (Serve), as a synchronous check
// would. On Oracle the wallet and password are read from Vault first, synchronously: the pool cannot
// be configured without them.
func (e *Env) startDB(ctx context.Context) error {
	open, err := database(e.Config.DB.Driver)
	if err != nil {
		return err
	}
	d, err := open(ctx, e)
	if err != nil {
		return err
	}
	cfg := e.Config
	e.DB, err = db.Open(ctx, db.Options{
		Driver:       cfg.DB.Driver,
		Connector:    d.Connector,
		ServiceName:  cfg.Service,
		ClientInfo:   cfg.Function + "@" + cfg.Version,
		DBNamespace:  e.namespace(),
		StatementLog: e.getenv("OCTO_SQL_TRACE_FILE"),
	})
	if err != nil {
		return err
	}
	if d.Configure != nil {
		d.Configure(e.DB)
	}
	check := func(ctx context.Context) error {
		if d.Check == nil {
			return e.DB.PingContext(ctx)
		}
		return d.Check(ctx, e.DB)
	}
	e.dbReady = make(chan struct{})
	go func() {
		defer close(e.dbReady)
		growStack() // the schema parse below runs deep (see growStack)
		if err := check(context.WithoutCancel(ctx)); err != nil {
			e.dbErr = fmt.Errorf("boot: database: %w", err)
		}
	}()
	return nil
}

// WaitDB waits for the database's first connection (see startDB) and returns its error; nil at once
// for a function without a database.
func (e *Env) WaitDB(ctx context.Context) error {
	if e.dbReady == nil {
		return nil
	}
	select {
	case <-e.dbReady:
		return e.dbErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Env) namespace() string {
	if e.Config.DB.Driver == dialects.Oracle {
		return e.Config.DB.Oracle.Alias
	}
	return "octo"
}

// Handler wraps a function's handler (its router) in the request middleware. Each layer only reads
// what the layers outside it set, outermost first:
//
//  1. the request id (web.WithRequestID): accepted or generated, echoed on the response, in the
//     context for everything inside (error bodies, the access log, audit rows);
//  2. the route the router will take (web.WithRoute), so that
//  3. tracing (telemetry's Middleware) names the SERVER span once, from the route, and records the
//     status (the one status recorder);
//  4. the access log, which reads that status and the request id;
//  5. the wait for the cold start's first database connection;
//  6. security (headers, attack detection and security events, recorded on the request's
//     connection; a rejection answers with the request id already in the context);
//  7. the router, which names the session ACTION from the route and runs the handler.
//
// Outside them all, each call first grows its goroutine's stack (growStack): no layer reads it.
func (e *Env) Handler(h http.Handler) http.Handler {
	inner := e.Security.Middleware(h)
	if e.DB != nil {
		inner = waitDB(e, inner)
	}
	outer := web.WithRequestID(web.WithRoute(h, e.Telemetry.Middleware(accessLog(e.Log, inner))))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		growStack() // a request's statements and encoding run deep (see growStack)
		outer.ServeHTTP(w, r)
	})
}

// Getenv reads the environment the Env was opened from, for settings a function reads itself.
func (e *Env) Getenv(key string) string { return e.getenv(key) }

// Serve runs h under the runtime the environment selects until ctx ends, then releases the Env. When
// the database's first connection fails (see startDB) it logs the cause, stops serving and returns it.
func (e *Env) Serve(ctx context.Context, h http.Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		if err := e.WaitDB(ctx); err != nil && ctx.Err() == nil {
			e.Log.ErrorContext(ctx, "cold start failed: stopping", slog.String("error", err.Error()))
			cancel()
		}
	}()
	err := serve.Run(ctx, e.Handler(h), serve.Options{Getenv: e.getenv, Logger: e.Log, Signals: e.signals})
	if dbErr := e.WaitDB(context.Background()); dbErr != nil {
		err = errors.Join(dbErr, err)
	}
	return errors.Join(err, e.Close(context.WithoutCancel(ctx)))
}

// Close removes the signal handling, flushes telemetry and closes the database.
func (e *Env) Close(ctx context.Context) error {
	if e.signals != nil {
		e.signals.Stop()
	}
	var errs []error
	if e.DB != nil {
		errs = append(errs, e.DB.Close())
	}
	errs = append(errs, e.Telemetry.Shutdown(ctx))
	return errors.Join(errs...)
}
