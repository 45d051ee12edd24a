# The OpenAPI document. Included by the Makefile, which defines GO and ROOT.
#
#   make openapi        regenerate shared/openapi/spec/openapi.json from the func.yaml declarations and
#                       every function's Contract table (tools/openapi); commit the result
#   make openapi-lint   lint it with Redocly CLI (pinned in package.json + package-lock.json, installed
#                       with npm ci into node_modules/); rules: redocly.yaml (recommended-strict)
#
# make test runs the lint and tools/openapi's tests (the document is current, every declared route
# has a contract, every response type matches the document); make lint and vet cover tools/openapi.

MODULES += tools/openapi
PKGS    += ./tools/openapi/...

REDOCLY := $(ROOT)/node_modules/.bin/redocly

.PHONY: openapi openapi-lint

openapi:
	$(GO) run ./tools/openapi

openapi-lint: $(REDOCLY)
	$(REDOCLY) lint shared/openapi/spec/openapi.json

$(REDOCLY): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

test: openapi-lint
