package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/internal/benchout"
	"github.com/octo-drone-shop/serverless/shared/internal/loadgen"
)

type levelResult struct {
	Clients          int             `json:"clients"`
	Latency          loadgen.Latency `json:"latency"`
	InsertsPerSecond float64         `json:"inserts_per_second"`
}

// report is the benchmark's result, written as writes.json and writes.md.
type report struct {
	At        time.Time     `json:"at"`
	GoVersion string        `json:"go_version"`
	CPUs      int           `json:"cpus"`
	Requests  int           `json:"requests_per_level"`
	Instances int           `json:"max_instances_per_function"`
	Levels    []levelResult `json:"page_views"`
}

func (r report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Writes benchmark: page-view beacons\n\n%s, %s, %d CPUs; POST /api/page-views as navigator.sendBeacon "+
		"sends it (text/plain JSON), through the local gateway (real OCI Functions protocol, separate processes on one "+
		"SQLite file, at most %d processes per function), one loopback address per beacon; %d timed beacons per row, "+
		"each one INSERT (checked against the table).\n\n", r.At.Format(time.RFC3339), r.GoVersion, r.CPUs, r.Instances, r.Requests)
	b.WriteString("| concurrent clients | inserts/s | p50 ms | p99 ms |\n| ---: | ---: | ---: | ---: |\n")
	for _, l := range r.Levels {
		fmt.Fprintf(&b, "| %d | %.1f | %.2f | %.2f |\n", l.Clients, l.InsertsPerSecond, l.Latency.P50, l.Latency.P99)
	}
	return b.String()
}

func (r report) write(dir string, stdout io.Writer) error {
	r.At, r.GoVersion, r.CPUs = time.Now().UTC().Truncate(time.Second), runtime.Version(), runtime.NumCPU()
	return benchout.Write(dir, "writes", r, r.markdown(), stdout)
}
