package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/octo-drone-shop/serverless/shared/gateway"
)

// warmResult is one function's warm latency through the gateway and directly on a socket.
type warmResult struct {
	Gateway, Direct []time.Duration
}

// measureWarm runs the gateway in-process with one instance per function (so every request hits a
// warm process) and, for each function whose probe is a GET, times sequential requests through it,
// then the same protocol call made directly on a separately started process's socket. A probe made as
// a signed-in account carries its bearer token through the gateway (which then calls the authorizer,
// as in production) and the principal headers directly.
func measureWarm(ctx context.Context, o options, subjects []subject, log *slog.Logger) (map[string]warmResult, error) {
	g, err := gateway.New(ctx, gateway.Config{Root: o.root, BinDir: o.binDir, DataDir: o.dataDir, MaxInstances: 1,
		Logger: log, FunctionOutput: io.Discard})
	if err != nil {
		return nil, err
	}
	defer g.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: g}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second}

	out := map[string]warmResult{}
	for _, s := range subjects {
		if s.probe.method != http.MethodGet {
			continue
		}
		var r warmResult
		if r.Gateway, err = timeGateway(client, base+s.probe.path, s.probe, o.requests); err != nil {
			return nil, fmt.Errorf("%s through the gateway: %w", s.name, err)
		}
		if r.Direct, err = timeDirect(ctx, s, o.requests); err != nil {
			return nil, fmt.Errorf("%s on its socket: %w", s.name, err)
		}
		out[s.name] = r
	}
	return out, nil
}

// warmup is the number of untimed requests before timing.
const warmup = 20

func timeGateway(c *http.Client, url string, p probe, n int) ([]time.Duration, error) {
	out := make([]time.Duration, 0, n)
	for i := range warmup + n {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		if p.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+p.bearer)
		}
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := p.check(resp.StatusCode, body); err != nil {
			return nil, err
		}
		if i >= warmup {
			out = append(out, time.Since(start))
		}
	}
	return out, nil
}

func timeDirect(ctx context.Context, s subject, n int) ([]time.Duration, error) {
	p, err := gateway.StartProcess(ctx, s.spec)
	if err != nil {
		return nil, err
	}
	defer p.Stop(3 * time.Second)
	out := make([]time.Duration, 0, n)
	for i := range warmup + n {
		start := time.Now()
		res, err := p.Client().Do(ctx, s.probe.call(i))
		if err != nil {
			return nil, err
		}
		if err := s.probe.check(res.Status, res.Body); err != nil {
			return nil, err
		}
		if i >= warmup {
			out = append(out, time.Since(start))
		}
	}
	return out, nil
}

// percentile returns the nearest-rank percentile q (0..1] of ds (zero when empty).
func percentile[T cmp.Ordered](ds []T, q float64) T {
	if len(ds) == 0 {
		var zero T
		return zero
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*q+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}
