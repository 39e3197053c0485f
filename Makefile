# Rose Ash: content/ -> site/ -> build/ -> commerce_api/ + federation_server/
# `make build` and `make test` are all a fresh clone needs.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CONTENT ?= content
OUTPUT  ?= build
HOST    ?= 127.0.0.1
# `make bench-commerce BENCH_ARGS=--quick`: the short run (a few minutes).
BENCH_ARGS ?=

.DEFAULT_GOAL := build
.PHONY: venv checkers interop-deps build test lint format serve bench bench-build bench-commerce bench-federation clean

# The virtualenv is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

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

build: venv
	$(PY) site/build_site.py --content $(CONTENT) --output $(OUTPUT)

test: venv checkers interop-deps
	$(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The local build points at the local servers (target-specific: `make build` is unchanged).
serve: export SITE_URL ?= http://$(HOST):8080
serve: export COMMERCE_URL ?= http://$(HOST):8000
serve: build
	$(PY) scripts/serve_stack.py --host $(HOST) --build $(OUTPUT)

bench: bench-build bench-commerce bench-federation

bench-build: venv
	$(PY) bench/bench_build.py

bench-commerce: venv
	$(PY) bench/bench_commerce.py $(BENCH_ARGS)

bench-federation: venv
	$(PY) bench/bench_federation.py $(BENCH_ARGS)

clean:
	rm -rf $(OUTPUT) var .pytest_cache .ruff_cache
