package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

type options struct {
	root, binDir, dataDir, out string
	clients                    []int
	warmup, duration           time.Duration
	think, stressThink         [2]time.Duration
	stressClients              int
	instances                  int
	goalP95                    float64
	strict                     bool
}

// restockSQL gives every product on sale a stock no run exhausts: checkouts decrement it, and a
// shopper who finds a product sold out is not what this benchmark measures. Setting up is not timed.
const restockSQL = `UPDATE products SET stock = 1000000 WHERE is_active = 1 AND stock > 0`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := options{}
	fs := flag.NewFlagSet("octo-bench-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.root, "root", ".", "repository root holding func.yaml and functions/")
	fs.StringVar(&o.binDir, "bin-dir", "bin", "directory of octo-gateway and the function binaries")
	fs.StringVar(&o.dataDir, "data-dir", ".octo", "directory of the migrated and seeded octo.db")
	fs.StringVar(&o.out, "out", "bench/results", "directory for load.md and load.json")
	clients := fs.String("clients", "1,8,32,64", "concurrent clients, one run each, comma-separated")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "untimed load before each timed window")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "timed window per client count")
	think := fs.String("think", "500ms-1s", "think time between a client's pages, min-max")
	stressThink := fs.String("stress-think", "100ms-200ms", "think time of the stress row (fast clients, still within every rate limit)")
	fs.IntVar(&o.stressClients, "stress-clients", 64, "clients of the stress row after the others (0: no stress row)")
	fs.IntVar(&o.instances, "instances", 0, "the gateway's processes per function (0: its default, as make run)")
	fs.Float64Var(&o.goalP95, "goal-p95", 100, "p95 goal in ms at the largest client count")
	fs.BoolVar(&o.strict, "strict", true, "exit non-zero when the goal is missed or a request failed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if o.clients, err = parseClients(*clients); err != nil {
		return err
	}
	if o.think, err = parseThink(*think); err != nil {
		return err
	}
	if o.stressThink, err = parseThink(*stressThink); err != nil {
		return err
	}
	if o.duration < time.Second || o.warmup < 0 {
		return errors.New("-duration must be at least 1s and -warmup not negative")
	}
	o.root, _ = filepath.Abs(o.root)
	o.dataDir, _ = filepath.Abs(o.dataDir)

	b := &bench{rec: &recorder{}}
	if err := prepare(ctx, o, b); err != nil {
		return err
	}
	bundle, err := funcyaml.Load(o.root)
	if err != nil {
		return err
	}
	b.routes = newRoutes(bundle)
	st, err := startStack(ctx, o.root, o.binDir, o.dataDir, o.instances)
	if err != nil {
		return err
	}
	defer st.close()
	b.base = st.url

	rep := report{Warmup: o.warmup.String(), Duration: o.duration.String(), Instances: o.instances, GoalP95: o.goalP95}
	type row struct {
		clients int
		think   [2]time.Duration
		stress  bool
	}
	var rows []row
	for _, c := range o.clients {
		rows = append(rows, row{c, o.think, false})
	}
	if o.stressClients > 0 {
		rows = append(rows, row{o.stressClients, o.stressThink, true})
	}
	for i, r := range rows {
		fmt.Fprintf(stderr, "%d clients, think %s-%s: warm-up %s, timed %s ...\n", r.clients, r.think[0], r.think[1], o.warmup, o.duration)
		b.thinkMin, b.thinkMax = r.think[0], r.think[1]
		lv, err := level(ctx, b, st, i, r.clients, o)
		if err != nil {
			return fmt.Errorf("%d clients: %w", r.clients, err)
		}
		lv.Think, lv.Stress = fmt.Sprintf("%s-%s", r.think[0], r.think[1]), r.stress
		rep.Levels = append(rep.Levels, lv)
	}
	if err := rep.write(filepath.Clean(o.out), stdout); err != nil {
		return err
	}
	if verdict := rep.verdict(); verdict != "" {
		fmt.Fprintln(stderr, "bench-load:", verdict)
		if o.strict {
			return errors.New(verdict)
		}
	}
	return nil
}

// prepare restocks the catalog and reads what the pages offer: the categories and the products on
// sale.
func prepare(ctx context.Context, o options, b *bench) error {
	path, err := gateway.DatabasePath(o.dataDir)
	if err != nil {
		return err
	}
	store, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.ExecContext(ctx, restockSQL); err != nil {
		return fmt.Errorf("restock: %w", err)
	}
	rows, err := store.QueryContext(ctx, `SELECT id FROM products WHERE is_active = 1 AND stock > 0 ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		b.buyable = append(b.buyable, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	rows, err = store.QueryContext(ctx, `SELECT DISTINCT category FROM products WHERE is_active = 1 ORDER BY category`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		b.categories = append(b.categories, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if len(b.buyable) == 0 || len(b.categories) == 0 {
		return errors.New("the database has no products on sale: migrate and seed it first")
	}
	return nil
}

// level runs c clients: sign-in of each (as the support agent, for its staff visits), warm-up, then
// the timed window, with the CPU samples at its edges.
func level(ctx context.Context, b *bench, st *stack, idx, c int, o options) (levelResult, error) {
	cs := make([]*client, c)
	for i := range cs {
		cs[i] = newClient(b, idx, i)
		if err := cs[i].signIn(ctx, "support@octo-drone-shop.example", seed.SupportPassword); err != nil {
			return levelResult{}, err
		}
	}
	warm := time.Now()
	from := warm.Add(o.warmup)
	to := from.Add(o.duration)
	b.rec.window(from, to)
	var wg sync.WaitGroup
	for _, cl := range cs {
		wg.Go(func() { cl.run(ctx) })
	}
	time.Sleep(time.Until(from))
	before, err := st.sample()
	if err != nil {
		return levelResult{}, err
	}
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	time.Sleep(time.Until(to))
	after, err := st.sample()
	if err != nil {
		return levelResult{}, err
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	wg.Wait()
	for _, cl := range cs {
		cl.hc.CloseIdleConnections()
	}
	if ctx.Err() != nil {
		return levelResult{}, ctx.Err()
	}
	lv := summarize(c, b.rec.taken(), o.duration, cpuDelta(before, after))
	lv.LoadGenCPUms = float64(rusageCPU(ru1)-rusageCPU(ru0)) / 1e6
	return lv, nil
}

func rusageCPU(ru syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func parseClients(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 250 {
			return nil, fmt.Errorf("-clients: %q is not a count from 1 to 250", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseThink(s string) ([2]time.Duration, error) {
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		hi = lo
	}
	a, err1 := time.ParseDuration(lo)
	b, err2 := time.ParseDuration(hi)
	if err1 != nil || err2 != nil || a < 0 || b < a {
		return [2]time.Duration{}, fmt.Errorf("-think: %q is not min-max durations such as 500ms-1s", s)
	}
	return [2]time.Duration{a, b}, nil
}
