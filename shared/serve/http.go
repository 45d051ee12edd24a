package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Server timeouts for plain HTTP. Writes may take as long as the longest synchronous function call
// (300 s on OCI Functions) plus a margin; reads are bounded well below that.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 310 * time.Second
	idleTimeout       = 120 * time.Second
)

// runHTTP serves h with net/http on OCTO_HTTP_HOST:PORT (all interfaces and 8080 by default) until
// ctx is cancelled, then shuts down gracefully: the listener closes at once and requests in flight
// get up to Options.ShutdownTimeout to finish. Their contexts are not cancelled by the shutdown.
func runHTTP(ctx context.Context, h http.Handler, opts Options) error {
	port := opts.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	addr := net.JoinHostPort(opts.Getenv("OCTO_HTTP_HOST"), port)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: http listen: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	opts.Logger.InfoContext(ctx, "serve: listening", slog.String("addr", ln.Addr().String()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: http: %w", err)
	case <-ctx.Done():
	}

	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opts.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return errors.Join(fmt.Errorf("serve: http shutdown: %w", err), srv.Close())
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: http: %w", err)
	}
	return nil
}
