// Command octo-bench-load replays the browser journeys' API calls against the local stack (`make
// bench`, target bench-load) and prints one table per run: for 1, 8, 32 and 64 concurrent clients the
// requests sent, p50/p95/p99 latency, errors, orders per second and each function's CPU time per
// request routed to it. It writes load.md and load.json to -out and fails when, at the largest client
// count, p95 is at or above -goal-p95 or any request failed (-strict=false only reports).
//
// The stack is the one `make run` starts: bin/octo-gateway as its own process over the built function
// binaries (each function its own processes under the OCI Functions http-stream protocol) and the
// embedded database the target migrates and seeds fresh. The gateway runs with its defaults (at most 4
// processes per function) unless -instances is given.
//
// Each client is one browser: its own loopback source address (127.20.<level>.<n>, bound with
// net.Dialer.LocalAddr, so the gateway's per-client-IP rate limits apply to it as to a shopper), up to
// six keep-alive connections as a browser opens per host, the calls of one page sent together, and a
// think time between pages (-think, 0.5-1 s by default, the existing apps' k6 scripts'). A client's
// visits follow the storefront and the staff console (journey.go): browse, filter by category,
// search, a product with its reviews, add to cart and view it, check out with an Idempotency-Key
// (every other order with the WELCOME10 coupon, previewed first), the order page, the assistant chat,
// a page-view beacon per page, and one visit in six is a staff user's (signed in as support before
// the run) paging the CRM orders, backlog, tickets and customers. Rate limits are left as declared.
//
// Each client count gets -warmup untimed (the gateway scales out, as it would for a real crowd) and
// then -duration timed. CPU time per request comes from /proc/<pid>/task/*/schedstat (time on a CPU,
// all threads) of the gateway and of every function process, sampled when the timed window opens and
// closes, divided by the requests routed to the function in it (the authorizer: the requests it
// authorized).
package main

import "github.com/octo-drone-shop/serverless/shared/internal/benchout"

func main() { benchout.Main("octo-bench-load", run) }
