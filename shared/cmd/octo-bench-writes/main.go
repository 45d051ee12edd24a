// Command octo-bench-writes measures the page-view beacon through the local gateway (`make bench`,
// target bench-writes): inserts per second and p50/p99 latency of POST /api/page-views at several
// client concurrencies. It writes writes.md and writes.json to -out and prints the table.
//
// As in octo-bench-commerce, the gateway runs in-process over the built binaries (bin/), so every
// beacon crosses the real OCI Functions protocol into a page-view process, and all processes share
// one SQLite file, as `make run` does. The database must be migrated (the Makefile target does it).
// Each beacon is what navigator.sendBeacon sends: a JSON string as text/plain.
//
// The route is rate limited per client IP, as on API Gateway, and the benchmark leaves the limit as
// declared: every beacon connects from its own loopback address (127.x.y.z), the way page views of
// many visitors arrive from many addresses. A level's throughput is its 204 answers over its wall
// time; the rows added to page_views must equal those answers (one insert per call), else the run
// fails.
package main

import "github.com/octo-drone-shop/serverless/shared/internal/benchout"

func main() { benchout.Main("octo-bench-writes", run) }
