// Package loadgen holds what the load benchmarks (octo-bench-commerce, octo-bench-crm, octo-bench-writes) share:
// latency summaries, a client whose every request is a distinct client address to the gateway's
// per-IP rate limits, and the environment the benchmarked function processes run with.
package loadgen

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"

	// The benchmarks run on the embedded database: its dialect registers itself for db.Open.
	_ "github.com/octo-drone-shop/serverless/shared/sqlite"
)

// Latency is a latency distribution in milliseconds.
type Latency struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P99 float64 `json:"p99_ms"`
}

// Summarize returns the nearest-rank p50 and p99 of ds.
func Summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) float64 {
		i := min(int(q*float64(len(s)-1)+0.5), len(s)-1)
		return float64(s[i].Microseconds()) / 1000
	}
	return Latency{N: len(s), P50: at(0.50), P99: at(0.99)}
}

// DistinctClients returns a client whose every request connects from a new loopback address
// (127.<subnet>.0.1, 127.<subnet>.0.2, ...), so each request is a distinct client to per-IP rate
// limits. Keep-alives are off: a reused connection would keep its address.
func DistinctClients(subnet byte, timeout time.Duration) *http.Client {
	var next atomic.Uint32
	next.Store(127<<24 | uint32(subnet)<<16)
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		n := next.Add(1)
		if n&0xff == 0 || n&0xff == 0xff {
			n = next.Add(2)
		}
		local := &net.TCPAddr{IP: net.IPv4(byte(n>>24), byte(n>>16), byte(n>>8), byte(n))}
		d := net.Dialer{LocalAddr: local, Timeout: 10 * time.Second}
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true}}
}

// FunctionEnv is the environment of the benchmarked function processes: ours, plus a throwaway token
// signing key when none is configured, because the gateway starts every function of the bundle and
// the auth function refuses to start without one (the benchmarks issue no tokens).
func FunctionEnv() ([]string, error) {
	env := os.Environ()
	if os.Getenv("OCTO_TOKEN_SIGNING_KEY") != "" || os.Getenv("OCTO_TOKEN_KEY_SECRET_OCID") != "" {
		return env, nil
	}
	key, err := identity.GenerateEd25519PEM()
	if err != nil {
		return nil, err
	}
	return append(env, "OCTO_TOKEN_SIGNING_KEY="+string(key)), nil
}

// StackOptions says which bundle a load benchmark starts and how far it may scale.
type StackOptions struct {
	Root, BinDir, DataDir string
	Instances             int       // function processes per function (the gateway's scale-out cap)
	FunctionOutput        io.Writer // the function processes' stdout and stderr
}

// Stack is the local stack a load benchmark drives: the prepared database, opened through the data
// layer for the benchmark's own checks, and the local gateway serving on a loopback port.
type Stack struct {
	Store *sql.DB
	URL   string // the gateway's base URL, e.g. http://127.0.0.1:41234
	close func()
}

// StartStack opens the database under o.DataDir and starts the gateway in front of every function,
// with the benchmarked functions' environment (FunctionEnv).
func StartStack(ctx context.Context, o StackOptions) (*Stack, error) {
	dbPath, err := gateway.DatabasePath(o.DataDir)
	if err != nil {
		return nil, err
	}
	store, err := db.Open(ctx, db.Options{Driver: "sqlite", DSN: dbPath})
	if err != nil {
		return nil, err
	}
	env, err := FunctionEnv()
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	g, err := gateway.New(ctx, gateway.Config{Root: o.Root, BinDir: o.BinDir, DataDir: o.DataDir, Env: env,
		MaxInstances: o.Instances, QueueTimeout: time.Minute, Logger: slog.New(slog.DiscardHandler), FunctionOutput: o.FunctionOutput})
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		g.Close()
		_ = store.Close()
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &Stack{Store: store, URL: "http://" + ln.Addr().String(), close: func() {
		_ = srv.Close()
		g.Close()
		_ = store.Close()
	}}, nil
}

// Close stops the gateway and its functions and closes the database.
func (s *Stack) Close() { s.close() }
