// Command benchcmp turns `go test -bench -count N` output of the data-layer benchmarks into a side by
// side table of medians and judges the instrumentation's cost: our per-statement overhead over plain
// database/sql against otelsql's (github.com/XSAM/otelsql, the usual OpenTelemetry wrapper) set to
// record the same span attributes, all recording spans in memory; otelsql's leanest setting
// (otelsql-lean) is reported beside it. The benchmark runs the variants interleaved within each -count round, so
// machine noise hits all of them alike; medians damp what remains.
//
//	go test ./shared/db ./shared/sqlid -run '^$' -bench . -benchmem -count 8 | benchcmp -out bench/results/db
//
// It writes <out>.md and <out>.json and exits 1 with -strict when our overhead exceeds otelsql's.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// sample is one benchmark line.
type sample struct {
	ns, bytes, allocs float64
}

// Row is the median of one benchmark's runs.
type Row struct {
	Name        string  `json:"name"`
	Runs        int     `json:"runs"`
	NsPerOp     float64 `json:"ns_per_op"`
	BytesPerOp  float64 `json:"bytes_per_op"`
	AllocsPerOp float64 `json:"allocs_per_op"`
}

// Verdict compares the overheads of one operation.
type Verdict struct {
	Operation       string  `json:"operation"`
	OursOverheadNs  float64 `json:"ours_overhead_ns"`
	PeerOverheadNs  float64 `json:"otelsql_overhead_ns"`
	OursWithinPeers bool    `json:"ours_within_otelsql"`
	// LeanOverheadNs is otelsql's at its leanest (the query text only), for reference: not judged,
	// since it records a tenth of the attributes (see the benchmark's doc). 0 when not run.
	LeanOverheadNs float64 `json:"otelsql_lean_overhead_ns,omitempty"`
}

// Report is the JSON output.
type Report struct {
	Rows     []Row     `json:"rows"`
	Verdicts []Verdict `json:"verdicts"`
}

var line = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) B/op)?(?:\s+([\d.]+) allocs/op)?`)

func main() {
	out := flag.String("out", "bench/results/db", "output path without extension")
	strict := flag.Bool("strict", false, "exit 1 when our overhead exceeds otelsql's")
	flag.Parse()
	rep, err := build(os.Stdin)
	if err == nil {
		err = write(*out, rep)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcmp:", err)
		os.Exit(2)
	}
	fmt.Print(markdown(rep))
	for _, v := range rep.Verdicts {
		if !v.OursWithinPeers && *strict {
			os.Exit(1)
		}
	}
}

func build(r io.Reader) (Report, error) {
	runs := map[string][]sample{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		ns, _ := strconv.ParseFloat(m[2], 64)
		b, _ := strconv.ParseFloat(m[3], 64)
		a, _ := strconv.ParseFloat(m[4], 64)
		runs[m[1]] = append(runs[m[1]], sample{ns, b, a})
	}
	if err := sc.Err(); err != nil {
		return Report{}, err
	}
	if len(runs) == 0 {
		return Report{}, errors.New("no benchmark lines on input")
	}
	var rep Report
	medians := map[string]Row{}
	for name, ss := range runs {
		row := Row{Name: name, Runs: len(ss),
			NsPerOp:     median(ss, func(s sample) float64 { return s.ns }),
			BytesPerOp:  median(ss, func(s sample) float64 { return s.bytes }),
			AllocsPerOp: median(ss, func(s sample) float64 { return s.allocs })}
		medians[name] = row
		rep.Rows = append(rep.Rows, row)
	}
	sort.Slice(rep.Rows, func(i, j int) bool { return rep.Rows[i].Name < rep.Rows[j].Name })
	for _, op := range []string{"select", "update"} {
		plain, ok1 := medians["BenchmarkStatement/"+op+"/plain"]
		ours, ok2 := medians["BenchmarkStatement/"+op+"/ours"]
		peer, ok3 := medians["BenchmarkStatement/"+op+"/otelsql"]
		if !ok1 || !ok2 || !ok3 {
			continue
		}
		v := Verdict{Operation: op, OursOverheadNs: ours.NsPerOp - plain.NsPerOp, PeerOverheadNs: peer.NsPerOp - plain.NsPerOp}
		v.OursWithinPeers = v.OursOverheadNs <= v.PeerOverheadNs
		if lean, ok := medians["BenchmarkStatement/"+op+"/otelsql-lean"]; ok {
			v.LeanOverheadNs = lean.NsPerOp - plain.NsPerOp
		}
		rep.Verdicts = append(rep.Verdicts, v)
	}
	if len(rep.Verdicts) == 0 {
		return rep, errors.New("input lacks the BenchmarkStatement plain/ours/otelsql variants")
	}
	return rep, nil
}

func median(ss []sample, f func(sample) float64) float64 {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	if n := len(v); n%2 == 1 {
		return v[n/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func markdown(rep Report) string {
	var b strings.Builder
	b.WriteString("# Data-layer instrumentation benchmark\n\nMedians of interleaved runs; every variant records its spans in memory.\n\n")
	b.WriteString("| benchmark | runs | ns/op | B/op | allocs/op |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, r := range rep.Rows {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.0f | %.0f |\n", strings.TrimPrefix(r.Name, "Benchmark"), r.Runs, r.NsPerOp, r.BytesPerOp, r.AllocsPerOp)
	}
	b.WriteString("\nJudged: otelsql recording the attributes ours records; otelsql-lean (the query text only) for reference.\n")
	b.WriteString("\n| operation | our overhead ns | otelsql overhead ns | ours <= otelsql | otelsql-lean overhead ns |\n| --- | ---: | ---: | --- | ---: |\n")
	for _, v := range rep.Verdicts {
		verdict := "yes"
		if !v.OursWithinPeers {
			verdict = "**no**"
		}
		lean := "-"
		if v.LeanOverheadNs != 0 {
			lean = fmt.Sprintf("%.0f", v.LeanOverheadNs)
		}
		fmt.Fprintf(&b, "| %s | %.0f | %.0f | %s | %s |\n", v.Operation, v.OursOverheadNs, v.PeerOverheadNs, verdict, lean)
	}
	return b.String()
}

func write(out string, rep Report) error {
	if i := strings.LastIndexByte(out, '/'); i > 0 {
		if err := os.MkdirAll(out[:i], 0o755); err != nil {
			return err
		}
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out+".json", append(js, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(out+".md", []byte(markdown(rep)), 0o644)
}
