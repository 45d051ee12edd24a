// Command octo-bench measures the spine (`make bench`): for every function of the bundle, its cold
// start under the OCI Functions http-stream protocol (exec to the first good answer through the
// socket) next to a minimal fdk-go hello-world binary measured in the same run, and the warm p50/p99
// latency of a GET through the local gateway next to the same call made directly on a function
// socket. It writes spine.md and spine.json to -out and prints the table.
//
// The database must be prepared (bin/octo migrate and seed into -data-dir): the Makefile's bench-spine
// target does that, so the benchmark measures the functions, not the migrations.
//
// Cold start probe: the function's smoke request (declared in its func.yaml), made as the seeded
// account of its scope, must answer 2xx; the authorizer gets a customer's token in the API Gateway
// authorizer contract and must accept it. So every cold start reads the database or verifies a
// signature for real. Runs are interleaved
// (hello, f1, f2, ..., hello, f1, ...) so machine noise hits every subject alike; the median is
// reported. A function whose median exceeds its budget is flagged (and fails with -strict): 2x
// hello-world's, 1.3x for the authorizer, which links no database driver and sits on the path of
// every protected request. The report also gives each function's binary size, package-init count and
// linking (static or dynamic) in both builds (local: SQLite; oracle: godror, the image's), see
// measureBinaries.
//
// The hello-world is built as fdk-go's own build image builds a function (golang on Alpine with
// build-base: cgo on, so net links the C library and the binary is dynamic); make build links the
// functions without cgo (static), and the image's build the ones that need no cgo. With
// -hello-static, the hello-world built without cgo is timed too, as a reference row that no budget
// judges, so the report shows what linking alone is worth.
// Beside each wall-clock median the report gives the process's CPU time and page faults at its answer,
// and the machine's load during the cold starts (see usage): the 2x budget is judged on wall time,
// and these tell a slower function from a busier machine.
//
// Every timed binary (the hello-worlds too) is first copied into a temporary directory with ordinary
// writes and synced, and the copies are what start: see stageBinaries.
//
// For judging one change: -only names the functions to time, and -variant DIR times each of them a
// second time from another directory of binaries (the build before the change), interleaved with the
// first, as "<name>@variant"; -warm=false and -binaries=false skip the rest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "octo-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	root, binDir, dataDir, hello, out string
	helloStatic                       string // the hello-world built without cgo, a reference row
	oracleTags                        string
	runs, requests                    int
	strict, binaries, warm            bool
	only                              []string // functions to time (all when empty)
	variant                           string   // a second binary directory timed beside binDir
}

// errOverBudget is returned under -strict when a function's cold start exceeds its budget.
var errOverBudget = errors.New("a function's median cold start exceeds its budget (the authorizer 1.3x, the others 2x the hello-world binary's)")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("octo-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.root, "root", ".", "repository root holding func.yaml and functions/")
	fs.StringVar(&o.binDir, "bin-dir", "bin", "directory of the function binaries")
	fs.StringVar(&o.dataDir, "data-dir", ".octo", "directory of the migrated and seeded octo.db")
	fs.StringVar(&o.hello, "hello", "bin/fdkhello", "the fdk-go hello-world binary (CGO_ENABLED=1 go build ./shared/internal/fdkhello, as fdk-go's build image builds it)")
	fs.StringVar(&o.helloStatic, "hello-static", "", "the same hello-world built with CGO_ENABLED=0, timed as a reference row no budget judges (optional)")
	fs.StringVar(&o.out, "out", "bench/results", "directory for spine.md and spine.json")
	fs.IntVar(&o.runs, "runs", 61, "cold starts per subject")
	fs.IntVar(&o.requests, "requests", 300, "warm requests per function and path")
	fs.BoolVar(&o.strict, "strict", false, "exit 1 when a function's cold start exceeds its budget (the authorizer 1.3x hello-world's, the others 2x)")
	fs.BoolVar(&o.binaries, "binaries", true, "report each function's binary size and package inits in both builds (builds the Oracle ones)")
	fs.StringVar(&o.oracleTags, "oracle-tags", "lambda.norpc,grpcnotrace,oracle", "build tags of the Oracle (image) build")
	fs.BoolVar(&o.warm, "warm", true, "measure warm latency through the gateway and directly")
	fs.Func("only", "comma-separated functions to time (default: every function with a probe)", func(v string) error {
		o.only = strings.Split(v, ",")
		return nil
	})
	fs.StringVar(&o.variant, "variant", "", "A/B: also time each function's binary from this directory, interleaved, as \"<name>@variant\"")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.runs < 1 || o.requests < 1 {
		return errors.New("-runs and -requests must be positive")
	}
	bundle, err := funcyaml.Load(o.root)
	if err != nil {
		return err
	}
	dbPath, err := gateway.DatabasePath(o.dataDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("database not prepared (run bin/octo migrate and seed with OCTO_DB_DSN=%s): %w", dbPath, err)
	}
	pr, err := newProber(ctx, dbPath)
	if err != nil {
		return err
	}
	release, err := holdOpen(ctx, dbPath)
	if err != nil {
		return err
	}
	defer release()
	subjects, err := newSubjects(bundle, o, dbPath, pr)
	if err != nil {
		return err
	}
	staged, err := stageBinaries(subjects)
	if err != nil {
		return err
	}
	defer os.RemoveAll(staged)
	fmt.Fprintf(stderr, "cold starts: %d runs x %d subjects\n", o.runs, len(subjects))
	cold, err := measureColdStarts(ctx, subjects, o.runs)
	if err != nil {
		return err
	}
	var warm map[string]warmResult
	if o.warm {
		fmt.Fprintf(stderr, "warm latency: %d requests per function and path\n", o.requests)
		log := slog.New(slog.NewJSONHandler(io.Discard, nil))
		var measured []subject
		for _, s := range subjects[1:] {
			if !s.reference {
				measured = append(measured, s)
			}
		}
		if warm, err = measureWarm(ctx, o, measured, log); err != nil {
			return err
		}
	}
	rep := newReport(subjects, cold, warm, o)
	if o.binaries {
		// Every function, the ones without a timed cold start (the migrator, scheduled-only) too.
		names := make([]string, 0, len(bundle.Functions))
		for _, fn := range bundle.Functions {
			names = append(names, fn.Name)
		}
		if rep.Binaries, err = measureBinaries(ctx, o, names, stderr); err != nil {
			return err
		}
	}
	if err := rep.write(o.out, stdout); err != nil {
		return err
	}
	if o.strict && rep.OverBudget {
		return errOverBudget
	}
	return nil
}

// holdOpen keeps a connection to the database open for the whole benchmark, as the local gateway's
// other function processes do under make run. Without it every measured process would be alone on the
// file: its exit would checkpoint and remove the write-ahead log, and the next process's first write
// would start a new log, whose header SQLite fsyncs (once per log, not per commit; with synchronous
// NORMAL commits are not synced). Measured at ~0.9 ms of a writing function's cold start here, a cost
// make run does not have. The connection is idle: it holds the database open, not a lock that blocks.
func holdOpen(ctx context.Context, dbPath string) (release func(), err error) {
	db, err := sqlite.Open(dbPath)
	if err != nil {
		return nil, fmt.Errorf("hold the database open: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("hold the database open: %w", err)
	}
	return func() { _ = conn.Close(); _ = db.Close() }, nil
}

// subject is one binary whose cold start is measured.
type subject struct {
	name      string
	spec      gateway.ProcessSpec
	probe     probe
	reference bool // the static hello-world: reported, judged by no budget
}

func newSubjects(b *manifest.Bundle, o options, dbPath string, pr *prober) ([]subject, error) {
	hello, err := filepath.Abs(o.hello)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(hello); err != nil {
		return nil, fmt.Errorf("hello-world binary: %w", err)
	}
	helloFn := manifest.Function{Name: "fdkhello", Memory: b.Defaults.Memory}
	out := []subject{{name: "fdk hello-world", probe: probe{method: http.MethodGet, path: "/"},
		spec: spec("fdkhello", hello, gateway.FunctionEnv(helloFn, dbPath, os.Environ()))}}
	if o.helloStatic != "" {
		static, err := filepath.Abs(o.helloStatic)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(static); err != nil {
			return nil, fmt.Errorf("static hello-world binary: %w", err)
		}
		out = append(out, subject{name: "fdk hello-world, static (reference)", probe: probe{method: http.MethodGet, path: "/"},
			spec: spec("fdkhello", static, gateway.FunctionEnv(helloFn, dbPath, os.Environ())), reference: true})
	}
	for _, fn := range b.Functions {
		if fn.Migrator || len(fn.Routes) == 0 && !fn.Authorizer {
			// The deploy step's schema load and the scheduled-only functions (the notifier): no
			// request waits on their cold start, and they declare no smoke request to time it with.
			continue
		}
		if len(o.only) > 0 && !slices.Contains(o.only, fn.Name) {
			continue
		}
		p, err := pr.probeFor(fn)
		if err != nil {
			return nil, err
		}
		dirs := []struct{ dir, suffix string }{{o.binDir, ""}}
		if o.variant != "" {
			dirs = append(dirs, struct{ dir, suffix string }{o.variant, "@variant"})
		}
		for _, d := range dirs {
			bin, err := filepath.Abs(filepath.Join(d.dir, fn.Name))
			if err != nil {
				return nil, err
			}
			if _, err := os.Stat(bin); err != nil {
				return nil, fmt.Errorf("function binary (run make build): %w", err)
			}
			out = append(out, subject{name: fn.Name + d.suffix, probe: p,
				spec: spec(fn.Name, bin, gateway.FunctionEnv(fn, dbPath, os.Environ()))})
		}
	}
	return out, nil
}

func spec(name, bin string, env []string) gateway.ProcessSpec {
	return gateway.ProcessSpec{Name: name, Binary: bin, Env: env, StartTimeout: gateway.DefaultStartTimeout,
		Stdout: io.Discard, Stderr: io.Discard}
}

// coldStarts is every subject's cold starts, by subject index, and the machine's load meanwhile.
type coldStarts struct {
	wall    [][]time.Duration
	socket  [][]time.Duration // exec to the listener's appearance (gateway.Process.ColdStart)
	usage   [][]usage         // empty where /proc is not available
	machine machine
}

// measureColdStarts starts every subject runs times, interleaved.
func measureColdStarts(ctx context.Context, subjects []subject, runs int) (coldStarts, error) {
	out := coldStarts{wall: make([][]time.Duration, len(subjects)), socket: make([][]time.Duration, len(subjects)),
		usage: make([][]usage, len(subjects))}
	t0, statErr := readCPUTimes()
	for range runs {
		for i, s := range subjects {
			d, sock, u, err := coldStart(ctx, s)
			if err != nil {
				return coldStarts{}, err
			}
			out.wall[i] = append(out.wall[i], d)
			out.socket[i] = append(out.socket[i], sock)
			if u != nil {
				out.usage[i] = append(out.usage[i], *u)
			}
		}
	}
	if t1, err := readCPUTimes(); statErr == nil && err == nil {
		out.machine = t1.since(t0)
	}
	return out, nil
}

// coldStart runs one process: exec, socket, probe answered; then stops it. It returns the time from
// exec to the answer and to the socket's appearance and, on Linux, what the process had consumed by
// the answer (nil elsewhere).
func coldStart(ctx context.Context, s subject) (time.Duration, time.Duration, *usage, error) {
	p, err := gateway.StartProcess(ctx, s.spec)
	if err != nil {
		return 0, 0, nil, err
	}
	defer p.Stop(3 * time.Second)
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.probe.once(cctx, p.Client()); err != nil {
		return 0, 0, nil, fmt.Errorf("cold start of %s: %w", s.name, err)
	}
	d := time.Since(p.Started)
	if runtime.GOOS != "linux" {
		return d, p.ColdStart, nil, nil
	}
	u, err := readUsage(p.PID)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("cold start of %s: usage: %w", s.name, err)
	}
	return d, p.ColdStart, &u, nil
}
