# The spine benchmark. Included by the Makefile, which defines GO, ROOT, BIN and the build target;
# `make bench` runs bench-spine.
#
#   make bench-spine                     cold starts vs an fdk-go hello-world, warm latency through the
#                                        local gateway vs direct on the socket -> bench/results/spine.{md,json}
#   make bench-spine BENCH_RUNS=101 BENCH_ARGS=-strict  more runs; fail when a function is over budget
#                                        (2x hello-world, 1.3x for the authorizer); the report also gives each
#                                        function's binary size, package inits and linking in both builds
#
# 61 cold starts per subject by default: on this 2-core VM one cold start varies from 0.6x to 1.5x of
# its median, and with 7 runs the medians (and the ratios to hello-world) moved by 15% between runs.
#
# The benchmark gets a freshly migrated and seeded database of its own, so it never touches .octo/.

BENCH_DATA_DIR ?= $(ROOT)/.cache/bench-data
BENCH_OUT      ?= $(ROOT)/bench/results
BENCH_RUNS     ?= 61
BENCH_REQUESTS ?= 300
BENCH_ARGS     ?=

.PHONY: bench-spine

# The hello-world is built as fdk-go's build image builds a function (cgo on: dynamic); the same
# program built without cgo is timed beside it as a reference row (octo-bench -hello-static).
bench-spine: build
	CGO_ENABLED=1 $(GO) build -o $(BIN)/fdkhello ./shared/internal/fdkhello
	CGO_ENABLED=0 $(GO) build -o $(BIN)/fdkhello-static ./shared/internal/fdkhello
	$(GO) build -o $(BIN)/octo-bench ./shared/cmd/octo-bench
	rm -rf "$(BENCH_DATA_DIR)" && mkdir -p "$(BENCH_DATA_DIR)"
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(BENCH_DATA_DIR)/octo.db" $(BIN)/octo migrate
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(BENCH_DATA_DIR)/octo.db" $(BIN)/octo seed
	$(BIN)/octo-bench -root "$(ROOT)" -bin-dir "$(BIN)" -data-dir "$(BENCH_DATA_DIR)" -hello "$(BIN)/fdkhello" -hello-static "$(BIN)/fdkhello-static" \
		-out "$(BENCH_OUT)" -runs $(BENCH_RUNS) -requests $(BENCH_REQUESTS) -oracle-tags $(ORACLE_BUILD_TAGS) $(BENCH_ARGS)
