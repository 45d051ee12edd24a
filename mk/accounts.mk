# The login timing benchmark (issue 15). Included by the Makefile, which defines GO and ROOT; `make
# bench` runs bench-login after its own targets.
#
#   make bench-login                     failed-login time for an unknown email, an argon2id account
#                                        and a bcrypt account, interleaved, and the largest gap in
#                                        percent -> bench/results/login-timing.txt
#   make bench-login LOGIN_BENCH_RUNS=60 more logins of each kind
#
# It runs the auth function's handler on an embedded database of its own (package dbtest).

LOGIN_BENCH_RUNS ?= 30

.PHONY: bench-login

bench: bench-login

bench-login:
	@mkdir -p bench/results
	$(GO) test -run '^$$' -bench '^BenchmarkLoginTimingGap$$' -benchtime $(LOGIN_BENCH_RUNS)x -count 1 ./functions/auth/ \
		| tee "$(ROOT)/bench/results/login-timing.txt"
