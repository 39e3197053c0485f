# Rose Ash: content/ -> site/ -> build/ -> commerce_api/ + federation_server/
# `make build` and `make test` are all a fresh clone needs. Every target honours CONTENT= and
# OUTPUT=; `make help` lists them.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CONTENT ?= content
OUTPUT  ?= build
HOST    ?= 127.0.0.1
# `make bench-commerce BENCH_ARGS=--quick`: the short run (a few minutes).
BENCH_ARGS ?=
PORT    ?= 8000
# `make test` runs the test files in 3 worker processes (pytest-xdist; each file stays in one
# worker, so its session fixtures are built once per worker): most tests wait on servers they
# started, so 3 beats 2 on two cores. TEST_WORKERS= runs them in one process.
TEST_WORKERS ?= -n 3 --dist loadfile
# preview and serve never build into build/ (drafts, localhost URLs) unless OUTPUT= is given
ifeq ($(origin OUTPUT),file)
PREVIEW_OUTPUT := var/preview
SERVE_OUTPUT   := var/serve/site
else
PREVIEW_OUTPUT := $(OUTPUT)
SERVE_OUTPUT   := $(OUTPUT)
endif
INSTALL := PYTHON=$(PYTHON) scripts/install.sh $(VENV)
EDIT    := $(PY) -m editor_tools --content $(CONTENT)

.DEFAULT_GOAL := build
.PHONY: venv checkers interop-deps build test lint format serve bench bench-build bench-soak \
	bench-commerce bench-federation clean preview new-post new-event new-product import-ghost \
	check publish help

# Dependencies come in levels (scripts/install.sh): build < editor < server < dev.
venv:
	@$(INSTALL) dev

# axe-core and the W3C Nu validator (vnu-jar) for the page tests, pinned by package-lock.json.
# --ignore-scripts: vnu-jar's postinstall would try to download a Java; Debian's is used.
node_modules/.installed: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

checkers: node_modules/.installed

# The independent ActivityPub peer (tests/interop/fedify): Fedify and Node.js 22 itself, both
# from the npm registry, pinned by package-lock.json. Without npm the interop tests skip on a
# developer's machine and fail in CI (.ci/run installs npm).
INTEROP := tests/interop/fedify
$(INTEROP)/node_modules/.installed: $(INTEROP)/package.json $(INTEROP)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(INTEROP) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: the Fedify interop tests will not run (apt-get install npm)"; fi

interop-deps: $(INTEROP)/node_modules/.installed

build:
	@$(INSTALL) build
	$(PY) site/build_site.py --content $(CONTENT) --output $(OUTPUT)
	@echo "Preview it while you edit: make preview (then open http://$(HOST):$(PORT)/)"

test: checkers interop-deps
	@$(INSTALL) dev
	$(PY) -m pytest -q $(TEST_WORKERS)

lint:
	@$(INSTALL) dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

format:
	@$(INSTALL) dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# --- editors ------------------------------------------------------------------------------
preview:
	@$(INSTALL) editor
	$(EDIT) preview --output $(PREVIEW_OUTPUT) --host $(HOST) --port $(PORT)

new-post new-event new-product:
	@$(INSTALL) build
	@$(EDIT) new $(@:new-%=%) --title "$$TITLE"

import-ghost:
	@$(INSTALL) editor
	$(EDIT) import-ghost "$$FILE" $(if $(IMAGES),--images "$$IMAGES") \
		$(if $(GHOST_URL),--ghost-url "$$GHOST_URL")

check:
	@$(INSTALL) build
	$(EDIT) check --output $(OUTPUT)

publish:
	@$(INSTALL) server
	$(EDIT) publish --output $(OUTPUT) $(if $(FROM),--from $(FROM))

# --- the whole stack ----------------------------------------------------------------------
# Builds into its own folder with local URLs (never build/), then runs every server; Ctrl-C,
# SIGTERM or SIGHUP stops them all.
serve:
	@$(INSTALL) server
	$(PY) scripts/serve_stack.py --host $(HOST) --content $(CONTENT) --build $(SERVE_OUTPUT)

bench: bench-build bench-commerce bench-federation

bench-build:
	@$(INSTALL) dev
	$(PY) bench/bench_build.py

bench-commerce:
	@$(INSTALL) dev
	$(PY) bench/bench_commerce.py $(BENCH_ARGS)

bench-federation:
	@$(INSTALL) dev
	$(PY) bench/bench_federation.py $(BENCH_ARGS)

# The soak mode: the deploy stack behind Caddy under mixed load for SOAK_MINUTES (default 10);
# errors, p99 and every process's memory at start and end (bench/soak.py). Not in make test.
SOAK_MINUTES ?= 10
bench-soak:
	@$(INSTALL) dev
	SOAK_MINUTES=$(SOAK_MINUTES) $(PY) bench/soak.py

clean:
	rm -rf $(OUTPUT) var .pytest_cache .ruff_cache

help:
	@sed -n '/^## Everyday commands/,/^More to read/p' README.md | grep '^|'
