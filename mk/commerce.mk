# The commerce benchmark. Included by the Makefile, which defines GO, ROOT, BIN and the build target;
# `make bench` runs bench-commerce after its own targets.
#
#   make bench-commerce                          catalog list p50/p99, checkout p50/p99 and orders/s at
#                                                1, 8 and 32 clients, statements per checkout at 1, 5 and
#                                                20 lines -> bench/results/commerce.{md,json}
#   make bench-commerce COMMERCE_REQUESTS=500    more requests per scenario
#
# Like bench-spine it gets a freshly migrated and seeded database of its own, never .octo/.

COMMERCE_DATA_DIR  ?= $(ROOT)/.cache/bench-commerce-data
COMMERCE_REQUESTS  ?= 200
COMMERCE_INSTANCES ?= 8
COMMERCE_ARGS      ?=

.PHONY: bench-commerce

bench: bench-commerce

bench-commerce: build
	@mkdir -p bench/results
	$(GO) build -o $(BIN)/octo-bench-commerce ./shared/cmd/octo-bench-commerce
	rm -rf "$(COMMERCE_DATA_DIR)" && mkdir -p "$(COMMERCE_DATA_DIR)"
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(COMMERCE_DATA_DIR)/octo.db" $(BIN)/octo migrate
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(COMMERCE_DATA_DIR)/octo.db" $(BIN)/octo seed
	$(BIN)/octo-bench-commerce -root "$(ROOT)" -bin-dir "$(BIN)" -data-dir "$(COMMERCE_DATA_DIR)" \
		-out "$(ROOT)/bench/results" -requests $(COMMERCE_REQUESTS) -instances $(COMMERCE_INSTANCES) $(COMMERCE_ARGS)
