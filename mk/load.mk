# The browser-journey load benchmark (issue 22, item 6). Included by the Makefile, which defines GO,
# ROOT, BIN and the build target; `make bench` runs bench-load.
#
#   make bench-load                           the storefront's and the staff console's API calls at 1, 8,
#                                             32 and 64 clients against bin/octo-gateway on a fresh
#                                             database: requests, p50/p95/p99, errors, orders/s, CPU ms
#                                             per request of each function -> bench/results/load.{md,json}
#   make bench-load LOAD_ARGS=-strict=false   report without failing on a missed goal
#   make bench-load LOAD_ARGS='-clients 64 -duration 60s'
#
# It fails when, at the largest client count, p95 >= LOAD_GOAL_P95 ms or any request failed.
# Like bench-commerce it gets a freshly migrated and seeded database of its own, never .octo/.

LOAD_DATA_DIR ?= $(ROOT)/.cache/bench-load-data
LOAD_GOAL_P95 ?= 100
LOAD_ARGS     ?=

.PHONY: bench-load

bench: bench-load

bench-load: build
	@mkdir -p bench/results
	$(GO) build -o $(BIN)/octo-bench-load ./shared/cmd/octo-bench-load
	rm -rf "$(LOAD_DATA_DIR)" && mkdir -p "$(LOAD_DATA_DIR)"
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(LOAD_DATA_DIR)/octo.db" $(BIN)/octo migrate
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(LOAD_DATA_DIR)/octo.db" $(BIN)/octo seed
	$(BIN)/octo-bench-load -root "$(ROOT)" -bin-dir "$(BIN)" -data-dir "$(LOAD_DATA_DIR)" \
		-out "$(ROOT)/bench/results" -goal-p95 $(LOAD_GOAL_P95) $(LOAD_ARGS)
