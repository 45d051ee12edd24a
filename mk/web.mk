# The web clients (web/store, web/console) and their browser tests. Included by the Makefile.
#
#   make browser-deps   Debian's chromium (apt-get, with sudo when not root) when /usr/bin/chromium is
#                       missing, and the pinned npm packages of package-lock.json (npm ci)
#   make web-vendor     copy chart.js from node_modules into web/vendor (the committed copy the pages
#                       load); test-browser fails when the two differ
#   make test-browser   the Playwright journeys (web/test) in headless Chromium against a fresh stack on
#                       a free port: screenshots into .cache/screens (OCTO_SCREENS_DIR), axe-core checks
#   make screens        test-browser writing the README's screenshots into bench/results/screens

CHROMIUM        ?= /usr/bin/chromium
CHARTJS_VERSION := $(shell sed -n 's/.*"chart.js": "\([0-9.]*\)".*/\1/p' package.json)
CHARTJS_VENDOR  := web/vendor/chart.js-$(CHARTJS_VERSION)

.PHONY: browser-deps web-vendor web-vendor-check test-browser screens

browser-deps: node_modules/.package-lock.json
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi
	@"$(CHROMIUM)" --version

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

web-vendor: node_modules/.package-lock.json
	@mkdir -p $(CHARTJS_VENDOR)
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md $(CHARTJS_VENDOR)/

web-vendor-check: node_modules/.package-lock.json
	@cmp -s node_modules/chart.js/dist/chart.umd.min.js $(CHARTJS_VENDOR)/chart.umd.min.js || \
		{ echo "$(CHARTJS_VENDOR) differs from node_modules/chart.js (package.json pins $(CHARTJS_VERSION)): run make web-vendor"; exit 1; }
	@grep -rq 'vendor/chart.js-$(CHARTJS_VERSION)/' web/console/index.html || \
		{ echo "web/console/index.html does not load $(CHARTJS_VENDOR)"; exit 1; }

test-browser: build browser-deps web-vendor-check
	CHROMIUM=$(CHROMIUM) node --test --test-reporter=spec web/test/journey.test.mjs

screens:
	OCTO_SCREENS_DIR=bench/results/screens $(MAKE) --no-print-directory test-browser
