package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Gateway is the running local gateway: one process pool per function and the HTTP front door.
type Gateway struct {
	cfg      Config
	log      *slog.Logger
	bundle   *manifest.Bundle
	router   *router
	limiter  *rateLimiter
	auth     authorizer
	pools    map[string]*pool
	timeouts map[string]time.Duration
	cors     cors
	static   *staticFiles // nil when there is no web directory
	handler  http.Handler
	stopSch  context.CancelFunc
	schDone  chan struct{}
}

// New loads the bundle's declarations from cfg.Root and starts one instance of every function
// (logging each cold start). It fails when a binary is missing or a function does not start.
func New(ctx context.Context, cfg Config) (*Gateway, error) {
	cfg = cfg.withDefaults()
	bundle, err := funcyaml.Load(cfg.Root)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	dbPath, err := DatabasePath(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	var missing []error
	for _, fn := range bundle.Functions {
		if _, err := os.Stat(filepath.Join(cfg.BinDir, fn.Name)); err != nil {
			missing = append(missing, err)
		}
	}
	if err := errors.Join(missing...); err != nil {
		return nil, fmt.Errorf("gateway: function binaries missing (run make build): %w", err)
	}
	g := &Gateway{cfg: cfg, log: cfg.Logger, bundle: bundle, router: newRouter(bundle.Routes()),
		limiter: newRateLimiter(cfg.Now), pools: map[string]*pool{}, timeouts: map[string]time.Duration{},
		cors: newCORS(cfg.CORSOrigins)}
	g.auth = authorizer{fn: bundle.Authorizer(), invoke: g.invoke}
	if g.static, err = newStaticFiles(cfg.WebDir); err != nil {
		return nil, fmt.Errorf("gateway: web clients: %w", err)
	}
	var sched []scheduled
	if cfg.Schedules {
		if sched, err = g.schedules(); err != nil {
			return nil, err
		}
	}
	for _, fn := range bundle.Functions {
		idle := time.Duration(fn.IdleTimeout) * time.Second
		if cfg.IdleTimeout > 0 || idle <= 0 {
			idle = cfg.IdleTimeout
		}
		if idle <= 0 {
			idle = 5 * time.Minute
		}
		bin, err := filepath.Abs(filepath.Join(cfg.BinDir, fn.Name))
		if err != nil {
			g.Close()
			return nil, fmt.Errorf("gateway: %w", err)
		}
		spec := ProcessSpec{Name: fn.Name, Binary: bin, Env: FunctionEnv(fn, dbPath, cfg.Env),
			SocketRoot: cfg.SocketRoot, StartTimeout: cfg.StartTimeout, Stdout: cfg.FunctionOutput, Stderr: cfg.FunctionOutput}
		pl := newPool(fn.Name, spec, cfg.MaxInstances, idle, cfg.QueueTimeout, g.log)
		g.pools[fn.Name] = pl
		g.timeouts[fn.Name] = time.Duration(fn.Timeout) * time.Second
		if _, err := pl.open(ctx); err != nil {
			g.Close()
			return nil, err
		}
	}
	g.handler = web.WithRequestID(http.HandlerFunc(g.serve))
	if cfg.Schedules {
		g.startSchedules(sched)
	}
	return g, nil
}

// ServeHTTP forwards one client request to its function.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.handler.ServeHTTP(w, r) }

// PIDs returns the process ids of a function's live instances, sorted.
func (g *Gateway) PIDs(function string) []int {
	pl, ok := g.pools[function]
	if !ok {
		return nil
	}
	return pl.pids()
}

// Close stops the schedules and every function process and removes their sockets.
func (g *Gateway) Close() {
	if g.stopSch != nil {
		g.stopSch()
		<-g.schDone
	}
	for _, pl := range g.pools {
		pl.close()
	}
	if g.static != nil {
		g.static.close()
	}
}

// Run serves the gateway on cfg.Listener (or cfg.Addr) until ctx is done, then drains requests in
// flight for up to 10 s and stops every function process.
func Run(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	ln := cfg.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return fmt.Errorf("gateway: listen: %w", err)
		}
	}
	g, err := New(ctx, cfg)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer g.Close()
	srv := &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(jsonErrorListener{ln}) }()
	cfg.Logger.Info("gateway listening", "addr", ln.Addr().String(), "functions", len(g.bundle.Functions),
		"routes", len(g.bundle.Routes()), "authorizer", g.auth.fn, "max_instances", cfg.MaxInstances)
	select {
	case err := <-served:
		return fmt.Errorf("gateway: serve: %w", err)
	case <-ctx.Done():
	}
	cfg.Logger.Info("gateway shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("gateway: shutdown: %w", err)
	}
	return nil
}
