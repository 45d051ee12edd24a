package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/octo-drone-shop/serverless/shared/internal/loadgen"
)

type options struct {
	root, binDir, dataDir, out string
	requests, instances        int
	clients                    []int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := options{}
	fs := flag.NewFlagSet("octo-bench-writes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.root, "root", ".", "repository root holding func.yaml and functions/")
	fs.StringVar(&o.binDir, "bin-dir", "bin", "directory of the function binaries")
	fs.StringVar(&o.dataDir, "data-dir", ".octo", "directory of the migrated octo.db")
	fs.StringVar(&o.out, "out", "bench/results", "directory for writes.md and writes.json")
	fs.IntVar(&o.requests, "requests", 1000, "timed beacons per concurrency level")
	fs.IntVar(&o.instances, "instances", 8, "function processes per function (the gateway's scale-out cap)")
	levels := fs.String("clients", "1,4,16,64", "comma-separated client concurrencies")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, f := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-clients: %q is not a positive integer", f)
		}
		o.clients = append(o.clients, n)
	}
	if o.requests < 10 || o.instances < 1 {
		return errors.New("-requests must be at least 10 and -instances at least 1")
	}
	st, err := loadgen.StartStack(ctx, loadgen.StackOptions{Root: o.root, BinDir: o.binDir, DataDir: o.dataDir,
		Instances: o.instances, FunctionOutput: io.Discard})
	if err != nil {
		return err
	}
	defer st.Close()

	b := &bench{url: st.URL + "/api/page-views", store: st.Store, visitors: loadgen.DistinctClients(2, time.Minute)}
	rep := report{Requests: o.requests, Instances: o.instances}
	for _, c := range o.clients {
		fmt.Fprintf(stderr, "page views at %d clients ...\n", c)
		r, err := b.level(ctx, c, o.requests)
		if err != nil {
			return fmt.Errorf("%d clients: %w", c, err)
		}
		rep.Levels = append(rep.Levels, r)
	}
	return rep.write(filepath.Clean(o.out), stdout)
}

type bench struct {
	url      string
	store    *sql.DB
	visitors *http.Client
	seq      atomic.Int64
}

// level sends 2c untimed beacons (they start the processes the gateway scales out to; cold starts
// are the spine benchmark's) and then n timed ones with c concurrent clients.
func (b *bench) level(ctx context.Context, c, n int) (levelResult, error) {
	if _, failed := b.fire(ctx, c, 2*c); len(failed) > 0 {
		return levelResult{}, fmt.Errorf("warm-up beacons failed, by status: %v", failed)
	}
	before, err := b.rows(ctx)
	if err != nil {
		return levelResult{}, err
	}
	start := time.Now()
	ds, failed := b.fire(ctx, c, n)
	wall := time.Since(start)
	r := levelResult{Clients: c, Latency: loadgen.Summarize(ds), InsertsPerSecond: float64(len(ds)) / wall.Seconds()}
	if len(failed) > 0 {
		return r, fmt.Errorf("%d beacons failed, by status: %v", n-len(ds), failed)
	}
	after, err := b.rows(ctx)
	if err != nil {
		return r, err
	}
	if after-before != int64(len(ds)) {
		return r, fmt.Errorf("%d beacons answered 204 but page_views grew by %d", len(ds), after-before)
	}
	return r, nil
}

func (b *bench) rows(ctx context.Context) (int64, error) {
	var n int64
	if err := b.store.QueryRowContext(ctx, `SELECT COUNT(*) FROM page_views`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count page views: %w", err)
	}
	return n, nil
}

// fire sends n beacons with c concurrent clients and returns the latencies of the 204s and the count
// of other answers by status (0: no answer).
func (b *bench) fire(ctx context.Context, c, n int) ([]time.Duration, map[int]int) {
	var (
		mu     sync.Mutex
		ds     = make([]time.Duration, 0, n)
		failed = map[int]int{}
		work   = make(chan struct{})
		wg     sync.WaitGroup
	)
	for range c {
		wg.Go(func() {
			for range work {
				t0 := time.Now()
				status := b.beacon(ctx)
				d := time.Since(t0)
				mu.Lock()
				if status == http.StatusNoContent {
					ds = append(ds, d)
				} else {
					failed[status]++
				}
				mu.Unlock()
			}
		})
	}
	for range n {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
	return ds, failed
}

// beacon sends one page view the way navigator.sendBeacon does and returns the status (0: none).
func (b *bench) beacon(ctx context.Context) int {
	i := b.seq.Add(1)
	body := fmt.Sprintf(`{"page":"/products/%d","session_id":"bench-%d","load_time_ms":%d,"referrer":"https://example.com/","region":"us-east"}`,
		i%500, i%97, 200+i%1800)
	req, err := http.NewRequestWithContext(ctx, "POST", b.url, bytes.NewBufferString(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	req.Header.Set("User-Agent", "octo-bench-writes")
	resp, err := b.visitors.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
