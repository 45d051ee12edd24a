package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// report is the benchmark's outcome, written as spine.json and spine.md.
type report struct {
	GeneratedAt    time.Time   `json:"generated_at"`
	GoVersion      string      `json:"go_version"`
	CPUs           int         `json:"cpus"`
	Runs           int         `json:"runs"`
	Requests       int         `json:"requests"`
	HelloMedianMS  float64     `json:"hello_world_cold_start_median_ms"`
	HelloSamplesMS []float64   `json:"hello_world_cold_start_samples_ms"`
	HelloSocketMS  float64     `json:"hello_world_socket_median_ms"`
	HelloCPUMS     float64     `json:"hello_world_cpu_median_ms,omitempty"`
	HelloFaults    int64       `json:"hello_world_page_faults_median,omitempty"`
	Machine        machine     `json:"machine_during_cold_starts"`
	Functions      []row       `json:"functions"`
	OverBudget     bool        `json:"over_budget"` // some function exceeds its budget
	Binaries       []binaryRow `json:"binaries,omitempty"`
}

// row is one function's measurements; latencies are in milliseconds, zero when not measured.
type row struct {
	Function        string    `json:"function"`
	Probe           string    `json:"probe"`
	ColdMedianMS    float64   `json:"cold_start_median_ms"`
	ColdSamplesMS   []float64 `json:"cold_start_samples_ms"`
	SocketMedianMS  float64   `json:"socket_median_ms"` // exec to the listener's appearance
	Ratio           float64   `json:"ratio_to_hello_world"`
	RatioLow        float64   `json:"ratio_95_low"` // the ratio's 95% bootstrap interval (ratioInterval)
	RatioHigh       float64   `json:"ratio_95_high"`
	Budget          float64   `json:"budget_ratio"`        // 2, or 1.3 for the authorizer; 0 for a reference row
	Reference       bool      `json:"reference,omitempty"` // the static hello-world, judged by no budget
	Over2x          bool      `json:"over_budget"`         // Ratio > Budget
	CPUMedianMS     float64   `json:"cpu_median_ms,omitempty"`
	CPURatio        float64   `json:"cpu_ratio_to_hello_world,omitempty"`
	FaultsMedian    int64     `json:"page_faults_median,omitempty"`
	GatewayP50MS    float64   `json:"gateway_p50_ms,omitempty"`
	GatewayP99MS    float64   `json:"gateway_p99_ms,omitempty"`
	DirectP50MS     float64   `json:"direct_p50_ms,omitempty"`
	DirectP99MS     float64   `json:"direct_p99_ms,omitempty"`
	GatewayOverhead float64   `json:"gateway_overhead_p50_ms,omitempty"`
}

func newReport(subjects []subject, cold coldStarts, warm map[string]warmResult, o options) report {
	hello := percentile(cold.wall[0], 0.5)
	helloCPU, helloFaults := medianUsage(cold.usage[0])
	rep := report{GeneratedAt: time.Now().UTC(), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), Runs: o.runs,
		Requests: o.requests, HelloMedianMS: msec(hello), HelloSamplesMS: msecs(cold.wall[0]),
		HelloSocketMS: msec(percentile(cold.socket[0], 0.5)), HelloCPUMS: msec(helloCPU), HelloFaults: helloFaults,
		Machine: cold.machine}
	for i, s := range subjects[1:] {
		med := percentile(cold.wall[i+1], 0.5)
		r := row{Function: s.name, Probe: s.probe.describe(), ColdMedianMS: msec(med), ColdSamplesMS: msecs(cold.wall[i+1]),
			SocketMedianMS: msec(percentile(cold.socket[i+1], 0.5))}
		if hello > 0 {
			r.Ratio = float64(med) / float64(hello)
			r.RatioLow, r.RatioHigh = ratioInterval(cold.wall[i+1], cold.wall[0])
		}
		switch {
		case s.reference:
			r.Reference = true
		case s.probe.authorizer:
			r.Budget = 1.3
		default:
			r.Budget = 2
		}
		r.Over2x = !r.Reference && r.Ratio > r.Budget
		rep.OverBudget = rep.OverBudget || r.Over2x
		cpu, faults := medianUsage(cold.usage[i+1])
		r.CPUMedianMS, r.FaultsMedian = msec(cpu), faults
		if helloCPU > 0 {
			r.CPURatio = float64(cpu) / float64(helloCPU)
		}
		if w, ok := warm[s.name]; ok {
			r.GatewayP50MS, r.GatewayP99MS = msec(percentile(w.Gateway, 0.5)), msec(percentile(w.Gateway, 0.99))
			r.DirectP50MS, r.DirectP99MS = msec(percentile(w.Direct, 0.5)), msec(percentile(w.Direct, 0.99))
			r.GatewayOverhead = r.GatewayP50MS - r.DirectP50MS
		}
		rep.Functions = append(rep.Functions, r)
	}
	return rep
}

// medianUsage returns the median CPU time and the median page-fault count of us (zero when empty).
func medianUsage(us []usage) (time.Duration, int64) {
	cpu := make([]time.Duration, len(us))
	faults := make([]int64, len(us))
	for i, u := range us {
		cpu[i], faults[i] = u.CPU, u.Faults
	}
	return percentile(cpu, 0.5), percentile(faults, 0.5)
}

func (r report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Spine benchmark\n\n%s, %s, %d CPUs; cold start = median of %d runs (exec to first good answer over the http-stream socket; every binary, the hello-worlds too, started from a copy written with ordinary writes, as an image's layers are, not from the linker's output); warm = %d sequential requests.\n\n",
		r.GeneratedAt.Format(time.RFC3339), r.GoVersion, r.CPUs, r.Runs, r.Requests)
	fmt.Fprintf(&b, "hello-world (fdk-go, built with cgo as fdk-go's build image builds it: dynamic): %.2f ms cold start (socket at %.2f), %s ms CPU, %s page faults (medians); machine during the cold starts: %.0f%% busy, %.1f%% steal.\n\n",
		r.HelloMedianMS, r.HelloSocketMS, cell(r.HelloCPUMS, 2), count(r.HelloFaults), r.Machine.BusyPercent, r.Machine.StealPercent)
	b.WriteString("| function | probe | cold start ms | socket ms | hello-world ms | ratio | ratio 95% | flag | cpu ms | cpu ratio | page faults | gateway p50 ms | gateway p99 ms | direct p50 ms | direct p99 ms |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, f := range r.Functions {
		flag := "ok"
		switch {
		case f.Reference:
			flag = "reference"
		case f.Over2x:
			flag = fmt.Sprintf("**over %gx**", f.Budget)
		}
		fmt.Fprintf(&b, "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f–%.2f | %s | %s | %s | %s | %s | %s | %s | %s |\n", f.Function, f.Probe, f.ColdMedianMS,
			f.SocketMedianMS, r.HelloMedianMS, f.Ratio, f.RatioLow, f.RatioHigh, flag, cell(f.CPUMedianMS, 2), cell(f.CPURatio, 2), count(f.FaultsMedian),
			cell(f.GatewayP50MS, 3), cell(f.GatewayP99MS, 3), cell(f.DirectP50MS, 3), cell(f.DirectP99MS, 3))
	}
	if len(r.Binaries) > 0 {
		b.WriteString("\n| function | build | binary MB | package inits | linking |\n| --- | --- | ---: | ---: | --- |\n")
		for _, x := range r.Binaries {
			fmt.Fprintf(&b, "| %s | %s | %.1f | %d | %s |\n", x.Function, x.Build, float64(x.Bytes)/(1<<20), x.Inits, x.Linking)
		}
		b.WriteString("\nlocal is `make build` (SQLite, no godror, no cgo); oracle is the image's build (`-tags oracle`: godror, no SQLite; cgo only where a linked package needs it, see shared/internal/cgorule). package inits counts the packages whose init ran at start (`GODEBUG=inittrace=1`). linking is static without cgo, dynamic (the C library, and on Oracle Instant Client loaded later) with it.\n")
	}
	b.WriteString("\nsocket ms is exec to the listener's appearance (seen on inotify, as the Fn agent sees it): the rest of the cold start is the first call. ratio and flag judge the wall-clock medians (the budget: 2x, 1.3x for the authorizer); ratio 95% is the ratio's bootstrap interval over the rounds (the same rounds resampled for both sides), so a flag whose interval holds the budget is within this machine's noise of it; a reference row (the same hello-world built without cgo) is judged by none. cpu ms is the process's CPU time, all threads, from exec to the answer: a function overlaps its database's first connection with the runtime's start on the second core, so when other work takes that core its cold start approaches its CPU time, and the cpu ratio is what the wall ratio tends to on a busy machine.\n")
	return b.String()
}

// write stores spine.json and spine.md under dir and prints the table.
func (r report) write(dir string, stdout io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	md := r.markdown()
	if err := os.WriteFile(filepath.Join(dir, "spine.json"), append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "spine.md"), []byte(md), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	_, err = io.WriteString(stdout, md)
	return err
}

// cell formats v with the given decimals, or "-" when it was not measured (zero).
func cell(v float64, decimals int) string {
	if v == 0 {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

func count(n int64) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func msec(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func msecs(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = msec(d)
	}
	return out
}
