# The admin benchmarks. Included by the Makefile, which defines GO and the build tags; `make bench`
# runs bench-admin after its own targets.
#
#   make bench-admin    each admin list page (100 rows, statements per request) and the CSV export of
#                       100 000 audit rows with its peak heap (peak-heap-MB) beside the CSV's size
#                       (csv-MB), through the real handlers on the embedded database
#                       -> bench/results/admin.txt

ADMIN_BENCHTIME ?= 20x

.PHONY: bench-admin

bench: bench-admin

bench-admin:
	@mkdir -p bench/results
	$(GO) test -run '^$$' -bench 'BenchmarkListPage' -benchtime $(ADMIN_BENCHTIME) ./functions/admin-catalog/ > bench/results/admin-lists.txt
	$(GO) test -run '^$$' -bench 'BenchmarkAuditLogsPage' -benchtime $(ADMIN_BENCHTIME) ./functions/admin-audit/ > bench/results/admin-audit.txt
	$(GO) test -run '^$$' -bench 'BenchmarkExportAuditCSV' -benchtime 3x -timeout 30m ./functions/admin-audit/ > bench/results/admin-export.txt
	cat bench/results/admin-lists.txt bench/results/admin-audit.txt bench/results/admin-export.txt > bench/results/admin.txt
	grep -h '^Benchmark' bench/results/admin.txt
