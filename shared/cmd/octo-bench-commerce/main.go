// Command octo-bench-commerce measures the money path through the local gateway (`make bench`, target
// bench-commerce): catalog list latency (p50/p99), checkout latency (p50/p99) and orders per second
// at 1, 8 and 32 concurrent clients, and the statements one checkout runs for carts of 1, 5 and 20
// lines. It writes commerce.md and commerce.json to -out and prints the table.
//
// The gateway runs in-process over the built binaries (bin/), so every request crosses the real OCI
// Functions protocol into separate function processes sharing one SQLite file, as `make run` does.
// The database must be migrated and seeded (the Makefile target does that). Products and carts for
// the run are inserted directly into the database: setting up is not measured, checking out is.
//
// Rate limits are per client IP (as on API Gateway) and a checkout route allows a few requests a
// second per client, as a shopper needs. The benchmark therefore plays many shoppers: every checkout
// connects from its own loopback address (127.x.y.z), the way distinct shoppers arrive from distinct
// addresses; nothing about the limits is changed.
//
// Statement counts come from the functions' own access log (db_statements, counted by package db),
// captured from the function processes' output and matched by X-Request-Id.
package main

import "github.com/octo-drone-shop/serverless/shared/internal/benchout"

func main() { benchout.Main("octo-bench-commerce", run) }
