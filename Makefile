# OCTO serverless bundle. `make run` starts the local stack, `make test` runs every check.
#
# The function list is derived from functions/*/func.yaml and never typed here; tools are built at
# pinned versions into .cache/bin so a fresh machine with only Go needs nothing installed by hand.

SHELL      := bash
.SHELLFLAGS := -eu -o pipefail -c
GO         ?= go
ROOT       := $(CURDIR)
BIN        := $(ROOT)/bin
TOOLS      := $(ROOT)/.cache/bin
DATA_DIR   ?= $(or $(OCTO_DATA_DIR),$(ROOT)/.octo)

FUNCTIONS  := $(sort $(notdir $(patsubst %/func.yaml,%,$(wildcard functions/*/func.yaml))))
MODULES    := shared schema $(addprefix functions/,$(FUNCTIONS))
PKGS       := $(addsuffix /...,$(addprefix ./,$(MODULES)))

# Pinned tool versions (the module proxy lists few versions: never @latest).
STATICCHECK_VERSION := v0.8.2
RIE_VERSION         := v0.0.0-20261030222936-bef5c4ba774d

export OCTO_RIE := $(TOOLS)/aws-lambda-rie

# Build tags of every binary, tests included so they exercise the binaries that ship; the one
# Dockerfile builds every function with the same (a tfcheck test compares them with this line):
# - lambda.norpc drops aws-lambda-go's legacy net/rpc mode (Go 1.x runtime), which the provided.al2023
#   runtime never uses: net/rpc and encoding/gob leave every binary, and with them part of each cold start;
# - grpcnotrace drops gRPC's golang.org/x/net/trace (with text/template and html/template) where gRPC
#   is linked: no function links it any more (telemetry exports OTLP/HTTP without it, see
#   ARCHITECTURE.md "Cold start"), the Terraform schema provider and some tests still do.
BUILD_TAGS := lambda.norpc,grpcnotrace
export GOFLAGS := $(strip $(GOFLAGS) -tags=$(BUILD_TAGS))
# The image's build adds `oracle` (the Dockerfile): package shared/dbdriver then links godror instead of
# the embedded SQLite. Everything else here is the local build; vet checks both.
ORACLE_BUILD_TAGS := $(BUILD_TAGS),oracle

.PHONY: all build run test vet lint fmt bench tools clean migrate seed routes generate

all: build

## build: bin/<function> for every function, bin/octo and bin/octo-gateway
build: $(addprefix $(BIN)/,$(FUNCTIONS)) $(BIN)/octo $(BIN)/octo-gateway

# Go's build cache decides what is stale, so these always ask it (FORCE) rather than trust mtimes.
# Function binaries compile their func.yaml in (declaration_gen.go), so generate runs first. They are
# built without cgo: the local build links no package that needs it (SQLite is pure Go; the linkcheck
# test keeps it so), and a static binary skips the dynamic loader and the C library's start-up on every
# cold start (ARCHITECTURE.md, "Cold start"). The image's build decides per function (Dockerfile).
$(addprefix $(BIN)/,$(FUNCTIONS)): $(BIN)/%: FORCE | generate
	CGO_ENABLED=0 $(GO) build -o $@ ./functions/$*/cmd/$*

$(BIN)/octo $(BIN)/octo-gateway: $(BIN)/%: FORCE
	$(GO) build -o $@ ./shared/cmd/$*

.PHONY: FORCE
FORCE:

## generate: compile every functions/<name>/func.yaml into its declaration_gen.go (make build does it;
## commit the result: make test fails when a committed file is out of date)
generate: $(BIN)/octo
	$(BIN)/octo generate

## run: build, migrate and seed the embedded database under $(DATA_DIR), serve on :8080
run: build
	@mkdir -p "$(DATA_DIR)"
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(DATA_DIR)/octo.db" $(BIN)/octo migrate
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(DATA_DIR)/octo.db" $(BIN)/octo seed --if-empty
	OCTO_DATA_DIR="$(DATA_DIR)" $(BIN)/octo-gateway

migrate seed: build
	@mkdir -p "$(DATA_DIR)"
	OCTO_DB_DRIVER=sqlite OCTO_DB_DSN="$(DATA_DIR)/octo.db" $(BIN)/octo $@

routes: $(BIN)/octo
	$(BIN)/octo routes

## test: vet and test every module (tools it needs are built first)
# tofu fmt and the real tofu validate (shared/tfcheck TestTofuValidate) run inside the tests only when
# OpenTofu was built (make tofu / make tf-check); building it takes minutes, so make test does not, and
# every other Terraform check runs regardless.
#
# The tests run with OCTO_SQL_TRACE_FILE set: package db appends every distinct statement it runs, and
# sqlcover then fails if a SQL statement in the functions (or the shared packages they run SQL
# through) never ran against the embedded database.
SQL_TRACE := $(ROOT)/.cache/sql-trace.jsonl
SQL_DIRS  := functions $(wildcard shared/commerce shared/identity shared/notify shared/security shared/seed)

#
# With OCTO_TEST_ORACLE_DSN set (README, "Testing on Oracle"), the packages whose tests open a
# database through shared/dbtest then run a second time, on that Oracle database.
DBTEST_PKGS = $(shell grep -rl --include='*_test.go' 'serverless/shared/dbtest"' $(MODULES) | xargs -r -n1 dirname | sort -u | sed 's|^|./|')

test: tools vet
	@mkdir -p $(dir $(SQL_TRACE)) && rm -f $(SQL_TRACE)
	OCTO_TEST_ORACLE_DSN= OCTO_SQL_TRACE_FILE=$(SQL_TRACE) OCTO_TOFU=$$([ -x "$(TOFU)" ] && echo "$(TOFU)" || true) \
		$(GO) test -count=1 -timeout 9m $(PKGS)
	$(GO) run ./shared/internal/sqlcover -trace $(SQL_TRACE) $(SQL_DIRS)
	@if [ -n "$${OCTO_TEST_ORACLE_DSN:-}" ]; then \
		echo "again on Oracle (OCTO_TEST_ORACLE_DSN): $(DBTEST_PKGS)"; \
		$(GO) test -count=1 -timeout 30m $(DBTEST_PKGS); \
	fi

vet:
	$(GO) vet $(PKGS)
	CGO_ENABLED=1 $(GO) vet -tags=$(ORACLE_BUILD_TAGS) $(PKGS)

## lint: gofmt, go vet, staticcheck and go mod tidy across every module
lint: tools vet
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(TOOLS)/staticcheck $(PKGS)
	@for m in $(MODULES); do (cd $$m && $(GO) mod tidy -diff >/dev/null) || { echo "go.mod/go.sum of $$m are not tidy: cd $$m && go mod tidy"; exit 1; }; done

fmt:
	gofmt -w $(MODULES)

## tools: staticcheck and the AWS Lambda Runtime Interface Emulator, pinned, into .cache/bin
tools: $(TOOLS)/staticcheck $(TOOLS)/aws-lambda-rie

$(TOOLS)/staticcheck:
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(TOOLS)/aws-lambda-rie:
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

## bench: speed and memory targets, median of several runs, compared side by side
bench: build
	@mkdir -p bench/results
	$(MAKE) --no-print-directory bench-spine
	$(MAKE) --no-print-directory bench-db

clean:
	rm -rf $(BIN) .cache/bin

-include mk/*.mk
