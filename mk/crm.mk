# The CRM benchmark. Included by the Makefile, which defines GO, ROOT, BIN and the build target;
# `make bench` runs bench-crm after its own targets.
#
#   make bench-crm                       p50/p99 of each CRM list and detail at 1 and 8 clients through
#                                        the gateway, statements per request -> bench/results/crm.{md,json}
#   make bench-crm CRM_REQUESTS=500      more requests per scenario
#   make bench-crm CRM_ARGS='-match "campaigns|leads"'
#                                        only the marketing lists (campaigns with lead counts, the
#                                        funnel, leads with filters)
#
# Like bench-commerce it gets a freshly migrated and seeded database of its own, never .octo/.

CRM_DATA_DIR  ?= $(ROOT)/.cache/bench-crm-data
CRM_REQUESTS  ?= 200
CRM_INSTANCES ?= 8
CRM_ARGS      ?=

.PHONY: bench-crm

bench: bench-crm

bench-crm: build
	@mkdir -p bench/results
	$(GO) build -o $(BIN)/octo-bench-crm ./shared/cmd/octo-bench-crm
	rm -rf "$(CRM_DATA_DIR)" && mkdir -p "$(CRM_DATA_DIR)"
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(CRM_DATA_DIR)/octo.db" $(BIN)/octo migrate
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(CRM_DATA_DIR)/octo.db" $(BIN)/octo seed
	$(BIN)/octo-bench-crm -root "$(ROOT)" -bin-dir "$(BIN)" -data-dir "$(CRM_DATA_DIR)" \
		-out "$(ROOT)/bench/results" -requests $(CRM_REQUESTS) -instances $(CRM_INSTANCES) $(CRM_ARGS)
