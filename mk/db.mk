# The data-layer benchmark (issue 4): plain database/sql, our instrumentation and otelsql on the same
# queries, interleaved, plus the SQL_ID cost cached and uncached. Included by the Makefile.
#
#   make bench-db                       -> bench/results/db.{md,json}; fails when our overhead exceeds
#                                          otelsql's (set to record the same span attributes)
#   make bench-db BENCH_DB_ARGS=        report without judging

BENCH_DB_COUNT ?= 8
BENCH_DB_ARGS  ?= -strict

.PHONY: bench-db

bench-db:
	@mkdir -p bench/results
	$(GO) test ./shared/db ./shared/sqlid -run '^$$' -bench 'BenchmarkStatement|BenchmarkOf' -benchmem \
		-count $(BENCH_DB_COUNT) | tee bench/results/db.txt | $(GO) run ./shared/internal/benchcmp -out bench/results/db $(BENCH_DB_ARGS)
