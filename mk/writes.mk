# The writes benchmark (issue 8). Included by the Makefile, which defines GO, ROOT, BIN and the build
# target; `make bench` runs bench-writes after its own targets.
#
#   make bench-writes                               page-view beacons through the local gateway:
#                                                   inserts/s and p50/p99 at 1, 4, 16 and 64 clients
#                                                   -> bench/results/writes.{md,json}
#   make bench-writes WRITES_REQUESTS=5000 WRITES_CLIENTS=1,32    more beacons, other levels
#
# Like bench-commerce it gets a freshly migrated database of its own, never .octo/.

WRITES_DATA_DIR  ?= $(ROOT)/.cache/bench-writes-data
WRITES_REQUESTS  ?= 1000
WRITES_CLIENTS   ?= 1,4,16,64
WRITES_INSTANCES ?= 8
WRITES_ARGS      ?=

.PHONY: bench-writes

bench: bench-writes

bench-writes: build
	@mkdir -p bench/results
	$(GO) build -o $(BIN)/octo-bench-writes ./shared/cmd/octo-bench-writes
	rm -rf "$(WRITES_DATA_DIR)" && mkdir -p "$(WRITES_DATA_DIR)"
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(WRITES_DATA_DIR)/octo.db" $(BIN)/octo migrate
	$(BIN)/octo-bench-writes -root "$(ROOT)" -bin-dir "$(BIN)" -data-dir "$(WRITES_DATA_DIR)" -out "$(ROOT)/bench/results" \
		-requests $(WRITES_REQUESTS) -clients $(WRITES_CLIENTS) -instances $(WRITES_INSTANCES) $(WRITES_ARGS)
