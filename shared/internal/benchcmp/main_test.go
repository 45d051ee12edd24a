package main

import (
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
BenchmarkStatement/select/plain-2     100  20000 ns/op  744 B/op  25 allocs/op
BenchmarkStatement/select/ours-2      100  29000 ns/op  3120 B/op  32 allocs/op
BenchmarkStatement/select/otelsql-2   100  31000 ns/op  3192 B/op  43 allocs/op
BenchmarkStatement/select/plain-2     100  22000 ns/op  744 B/op  25 allocs/op
BenchmarkStatement/select/ours-2      100  90000 ns/op  3120 B/op  32 allocs/op
BenchmarkStatement/select/otelsql-2   100  33000 ns/op  3192 B/op  43 allocs/op
BenchmarkStatement/select/plain-2     100  21000 ns/op  744 B/op  25 allocs/op
BenchmarkStatement/select/ours-2      100  30000 ns/op  3120 B/op  32 allocs/op
BenchmarkStatement/select/otelsql-2   100  32000 ns/op  3192 B/op  43 allocs/op
BenchmarkStatement/update/plain-2     100  25000 ns/op
BenchmarkStatement/update/ours-2      100  40000 ns/op
BenchmarkStatement/update/otelsql-2   100  30000 ns/op
BenchmarkOfCached-2   1000  34.4 ns/op  0 B/op  0 allocs/op
`

func TestMediansAndVerdicts(t *testing.T) {
	rep, err := build(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Verdict{}
	for _, v := range rep.Verdicts {
		got[v.Operation] = v
	}
	// select: medians plain 21000, ours 30000 (the 90000 outlier is ignored), otelsql 32000.
	if s := got["select"]; s.OursOverheadNs != 9000 || s.PeerOverheadNs != 11000 || !s.OursWithinPeers {
		t.Errorf("select verdict = %+v", s)
	}
	if u := got["update"]; u.OursWithinPeers || u.OursOverheadNs != 15000 {
		t.Errorf("update verdict = %+v, want ours over otelsql", u)
	}
	if len(rep.Rows) != 7 {
		t.Errorf("%d rows, want 7", len(rep.Rows))
	}
}

func TestRejectsInputWithoutTheVariants(t *testing.T) {
	if _, err := build(strings.NewReader("BenchmarkOfCached-2 1000 34 ns/op\n")); err == nil {
		t.Fatal("want an error without the plain/ours/otelsql variants")
	}
}
