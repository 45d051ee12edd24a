package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/internal/benchout"
)

// levelResult is one client count's timed window.
type levelResult struct {
	Clients         int                `json:"clients"`
	Think           string             `json:"think"`
	Stress          bool               `json:"stress"` // the fast clients' row: reported, never the verdict's
	Requests        int                `json:"requests"`
	P50             float64            `json:"p50_ms"`
	P95             float64            `json:"p95_ms"`
	P99             float64            `json:"p99_ms"`
	Errors          int                `json:"errors"`
	ErrorSamples    []string           `json:"error_samples,omitempty"`
	Orders          int                `json:"orders"`
	OrdersPerSecond float64            `json:"orders_per_second"`
	CPUPerRequestMS map[string]float64 `json:"cpu_ms_per_request"` // by function, and "gateway" per request
	Routed          map[string]int     `json:"requests_routed"`    // by function; "authorizer": authorized
	FunctionP95     map[string]float64 `json:"p95_ms_by_function"`
	LoadGenCPUms    float64            `json:"load_generator_cpu_ms"`
}

// report is the benchmark's result, written as load.json and load.md.
type report struct {
	At        time.Time     `json:"at"`
	GoVersion string        `json:"go_version"`
	CPUs      int           `json:"cpus"`
	Load      string        `json:"load_average"` // /proc/loadavg when the run ended
	Warmup    string        `json:"warmup"`
	Duration  string        `json:"duration"`
	Instances int           `json:"max_instances_per_function"` // 0: the gateway's default
	GoalP95   float64       `json:"goal_p95_ms"`
	Levels    []levelResult `json:"levels"`
}

// summarize turns a window's samples into its row. CPU per request is the function's CPU time in the
// window over the requests routed to it; the gateway's over every request.
func summarize(clients int, ss []sample, window time.Duration, cpu map[string]time.Duration) levelResult {
	lv := levelResult{Clients: clients, Requests: len(ss), CPUPerRequestMS: map[string]float64{},
		Routed: map[string]int{}, FunctionP95: map[string]float64{}}
	ds := make([]time.Duration, 0, len(ss))
	byFn := map[string][]time.Duration{}
	for _, s := range ss {
		ds = append(ds, s.d)
		byFn[s.function] = append(byFn[s.function], s.d)
		lv.Routed[s.function]++
		if s.authorized {
			lv.Routed["authorizer"]++
		}
		if s.err != "" {
			lv.Errors++
			if len(lv.ErrorSamples) < 10 {
				lv.ErrorSamples = append(lv.ErrorSamples, s.route+": "+s.err)
			}
		}
		if s.order {
			lv.Orders++
		}
	}
	lv.P50, lv.P95, lv.P99 = percentile(ds, 0.50), percentile(ds, 0.95), percentile(ds, 0.99)
	lv.OrdersPerSecond = float64(lv.Orders) / window.Seconds()
	for fn, d := range byFn {
		lv.FunctionP95[fn] = percentile(d, 0.95)
	}
	for fn, d := range cpu {
		n := lv.Routed[fn]
		if fn == "gateway" {
			n = len(ss)
		}
		if n > 0 {
			lv.CPUPerRequestMS[fn] = float64(d.Microseconds()) / 1000 / float64(n)
		}
	}
	return lv
}

// percentile is the nearest-rank q-quantile of ds in milliseconds.
func percentile(ds []time.Duration, q float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(int(q*float64(len(s)-1)+0.5), len(s)-1)
	return float64(s[i].Microseconds()) / 1000
}

// verdict is "" when the largest client count met the goal with no error, else what was missed.
func (r report) verdict() string {
	if len(r.Levels) == 0 {
		return "no client count ran"
	}
	gated := slices.DeleteFunc(slices.Clone(r.Levels), func(lv levelResult) bool { return lv.Stress })
	if len(gated) == 0 {
		return "no client count ran"
	}
	last := slices.MaxFunc(gated, func(a, b levelResult) int { return cmp.Compare(a.Clients, b.Clients) })
	var miss []string
	if last.P95 >= r.GoalP95 {
		miss = append(miss, fmt.Sprintf("p95 %.1f ms >= %.0f ms", last.P95, r.GoalP95))
	}
	if last.Errors > 0 {
		miss = append(miss, fmt.Sprintf("%d errors", last.Errors))
	}
	if len(miss) == 0 {
		return ""
	}
	return fmt.Sprintf("goal missed at %d clients: %s", last.Clients, strings.Join(miss, ", "))
}

// columns are the CPU columns: the gateway, then every function that served a request, by name.
func (r report) columns() []string {
	set := map[string]bool{}
	for _, lv := range r.Levels {
		for fn := range lv.CPUPerRequestMS {
			if fn != "gateway" && lv.Routed[fn] > 0 {
				set[fn] = true
			}
		}
	}
	return append([]string{"gateway"}, slices.Sorted(maps.Keys(set))...)
}

func (r report) markdown() string {
	var b strings.Builder
	inst := "the gateway's default processes per function"
	if r.Instances > 0 {
		inst = fmt.Sprintf("at most %d processes per function", r.Instances)
	}
	fmt.Fprintf(&b, "# Load benchmark: the browser journeys\n\n%s, %s, %d CPUs, load average %s; bin/octo-gateway "+
		"(%s) on a fresh embedded database; each client its own source address and a think time between pages; "+
		"%s warm-up, then %s timed per row. Goal at the largest client count (the stress row aside): p95 < %.0f ms, no errors.\n\n",
		r.At.Format(time.RFC3339), r.GoVersion, r.CPUs, r.Load, inst, r.Warmup, r.Duration, r.GoalP95)
	cols := r.columns()
	b.WriteString("| clients | think | requests | p50 ms | p95 ms | p99 ms | errors | orders/s |")
	for _, c := range cols {
		fmt.Fprintf(&b, " %s |", c)
	}
	b.WriteString("\n| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |" + strings.Repeat(" ---: |", len(cols)) + "\n")
	for _, lv := range r.Levels {
		think := lv.Think
		if lv.Stress {
			think += " (stress)"
		}
		fmt.Fprintf(&b, "| %d | %s | %d | %.1f | %.1f | %.1f | %d | %.2f |", lv.Clients, think, lv.Requests, lv.P50, lv.P95, lv.P99,
			lv.Errors, lv.OrdersPerSecond)
		for _, c := range cols {
			if v, ok := lv.CPUPerRequestMS[c]; ok && (c == "gateway" || lv.Routed[c] > 0) {
				fmt.Fprintf(&b, " %.2f |", v)
			} else {
				b.WriteString(" |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\nThe function columns are CPU milliseconds per request routed to the function (time on a " +
		"CPU of all its processes' threads, /proc/<pid>/task/*/schedstat); gateway is per request; authorizer per request it authorized.\n")
	if len(r.Levels) > 0 {
		for _, lv := range r.Levels[max(0, len(r.Levels)-2):] {
			fmt.Fprintf(&b, "\nAt %d clients, think %s: p95 ms by function (requests):", lv.Clients, lv.Think)
			for _, fn := range slices.Sorted(maps.Keys(lv.FunctionP95)) {
				fmt.Fprintf(&b, " %s %.1f (%d);", fn, lv.FunctionP95[fn], lv.Routed[fn])
			}
			fmt.Fprintf(&b, " the load generator used %.0f ms of CPU.\n", lv.LoadGenCPUms)
		}
	}
	for _, lv := range r.Levels {
		for _, e := range lv.ErrorSamples {
			fmt.Fprintf(&b, "\n- error at %d clients: %s", lv.Clients, e)
		}
	}
	if v := r.verdict(); v != "" {
		fmt.Fprintf(&b, "\n\n**%s**\n", v)
	} else {
		fmt.Fprintf(&b, "\n\nGoal met: p95 < %.0f ms with no errors at the largest client count.\n", r.GoalP95)
	}
	return b.String()
}

func (r report) write(dir string, stdout io.Writer) error {
	r.At, r.GoVersion, r.CPUs = time.Now().UTC().Truncate(time.Second), runtime.Version(), runtime.NumCPU()
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(la)); len(f) >= 3 {
			r.Load = strings.Join(f[:3], " ")
		}
	}
	return benchout.Write(dir, "load", r, r.markdown(), stdout)
}
