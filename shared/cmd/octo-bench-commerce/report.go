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

type checkoutResult struct {
	Clients         int             `json:"clients"`
	Latency         loadgen.Latency `json:"latency"`
	OrdersPerSecond float64         `json:"orders_per_second"`
}

type statementsResult struct {
	Lines      int `json:"lines"`
	Statements int `json:"statements"`
}

// report is the benchmark's result, written as commerce.json and commerce.md.
type report struct {
	At         time.Time          `json:"at"`
	GoVersion  string             `json:"go_version"`
	CPUs       int                `json:"cpus"`
	Requests   int                `json:"requests_per_scenario"`
	Instances  int                `json:"max_instances_per_function"`
	Catalog    loadgen.Latency    `json:"catalog_list"`
	Checkout   []checkoutResult   `json:"checkout"`
	Statements []statementsResult `json:"statements_per_checkout"`
}

func (r report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Commerce benchmark\n\n%s, %s, %d CPUs; through the local gateway (real OCI Functions protocol, "+
		"separate processes on one SQLite file, at most %d processes per function); %d timed requests per row.\n\n",
		r.At.Format(time.RFC3339), r.GoVersion, r.CPUs, r.Instances, r.Requests)
	b.WriteString("| scenario | p50 ms | p99 ms | orders/s |\n| --- | ---: | ---: | ---: |\n")
	fmt.Fprintf(&b, "| GET /api/products (20 per page, sort=rating) | %.2f | %.2f | |\n", r.Catalog.P50, r.Catalog.P99)
	for _, c := range r.Checkout {
		fmt.Fprintf(&b, "| POST /api/checkout, %d concurrent clients | %.2f | %.2f | %.1f |\n",
			c.Clients, c.Latency.P50, c.Latency.P99, c.OrdersPerSecond)
	}
	b.WriteString("\n| cart lines | statements per checkout (with coupon) |\n| ---: | ---: |\n")
	for _, s := range r.Statements {
		fmt.Fprintf(&b, "| %d | %d |\n", s.Lines, s.Statements)
	}
	return b.String()
}

func (r report) write(dir string, stdout io.Writer) error {
	r.At, r.GoVersion, r.CPUs = time.Now().UTC().Truncate(time.Second), runtime.Version(), runtime.NumCPU()
	return benchout.Write(dir, "commerce", r, r.markdown(), stdout)
}
