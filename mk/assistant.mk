# The assistant's retrieval benchmark (issue 19). Included by the Makefile; `make bench` runs it.
#
#   make bench-assistant      recall@5 on functions/assistant-chat/testdata/retrieval_eval.json (the
#                             local path over the seeded catalog), the precision of the cited products
#                             and one retrieval's p50/p99; the index build of the seeded catalog
#                             (BenchmarkNewIndex, what each cold start's first chat does)
#                             -> bench/results/assistant.txt
#
# It fails when recall@5 is under ASSISTANT_MIN_RECALL.

ASSISTANT_BENCHTIME  ?= 3000x
ASSISTANT_MIN_RECALL ?= 0.9

.PHONY: bench-assistant

bench: bench-assistant

bench-assistant:
	@mkdir -p bench/results
	$(GO) test ./functions/assistant-chat -run '^$$' -bench '^Benchmark(Retrieval|NewIndex)$$' -benchtime $(ASSISTANT_BENCHTIME) \
		| tee bench/results/assistant.txt
	@awk -v min=$(ASSISTANT_MIN_RECALL) '/^BenchmarkRetrieval/ { for (i = 1; i < NF; i++) if ($$(i+1) == "recall@5") r = $$i } \
		END { if (r == "") { print "bench-assistant: no recall@5 reported"; exit 1 } \
		      if (r + 0 < min + 0) { printf "bench-assistant: recall@5 %s < %s\n", r, min; exit 1 } \
		      printf "bench-assistant: recall@5 %s >= %s\n", r, min }' bench/results/assistant.txt
