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

type row struct {
	Route   string          `json:"route"`
	Clients int             `json:"clients"`
	Latency loadgen.Latency `json:"latency"`
}

type statementsRow struct {
	Route      string `json:"route"`
	Statements int    `json:"statements"`
}

// report is the benchmark's result, written as crm.json and crm.md.
type report struct {
	At         time.Time       `json:"at"`
	GoVersion  string          `json:"go_version"`
	CPUs       int             `json:"cpus"`
	Requests   int             `json:"requests_per_scenario"`
	Instances  int             `json:"max_instances_per_function"`
	Rows       []row           `json:"latency"`
	Statements []statementsRow `json:"statements_per_request"`
}

func (r report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# CRM benchmark\n\n%s, %s, %d CPUs; through the local gateway (real OCI Functions protocol, "+
		"separate processes on one SQLite file, at most %d processes per function), signed in as admin; %d timed requests per row.\n\n",
		r.At.Format(time.RFC3339), r.GoVersion, r.CPUs, r.Instances, r.Requests)
	b.WriteString("| request | clients | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: |\n")
	for _, x := range r.Rows {
		fmt.Fprintf(&b, "| %s | %d | %.2f | %.2f |\n", x.Route, x.Clients, x.Latency.P50, x.Latency.P99)
	}
	b.WriteString("\n| request | statements |\n| --- | ---: |\n")
	for _, s := range r.Statements {
		fmt.Fprintf(&b, "| %s | %d |\n", s.Route, s.Statements)
	}
	return b.String()
}

func (r report) write(dir string, stdout io.Writer) error {
	r.At, r.GoVersion, r.CPUs = time.Now().UTC().Truncate(time.Second), runtime.Version(), runtime.NumCPU()
	return benchout.Write(dir, "crm", r, r.markdown(), stdout)
}
