## fuzz: every `func FuzzX` in the modules, each for $(FUZZTIME) (make test runs their seed corpora)
FUZZTIME ?= 60s

.PHONY: fuzz
fuzz:
	@for mod in $(MODULES); do \
		{ grep -rl --include='*_test.go' '^func Fuzz' $$mod || true; } | xargs -r -n1 dirname | sort -u | while read -r dir; do \
			for name in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
				echo "fuzz $$name in ./$$dir for $(FUZZTIME)"; \
				$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) ./$$dir || exit 1; \
			done; \
		done || exit 1; \
	done
