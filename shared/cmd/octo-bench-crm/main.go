// Command octo-bench-crm measures the CRM staff routes through the local gateway (`make bench`,
// target bench-crm): p50/p99 of each CRM list and detail at 1 and 8 concurrent clients, and the
// statements each request runs. It writes crm.md and crm.json to -out and prints the table.
//
// The gateway runs in-process over the built binaries (bin/), so every request crosses the real OCI
// Functions protocol into separate function processes sharing one SQLite file, as `make run` does.
// The database must be migrated and seeded (the Makefile target does that); the benchmark signs in as
// the seeded admin through the auth function, as a staff client would. Statement counts come from
// the functions' own access log (db_statements), matched by X-Request-Id.
package main

import "github.com/octo-drone-shop/serverless/shared/internal/benchout"

func main() { benchout.Main("octo-bench-crm", run) }
