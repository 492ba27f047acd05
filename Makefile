# configcat-publicapi: every task a developer or CI runs. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
SPEC_SOURCE ?= ../shared/spec/configcat-publicapi.json
SPEC        := spec/swagger.json
NORMALISED  := spec/build/normalised.json
GEN_PKG     := generated/configcat_publicapi_client
INSTALLED   := $(VENV)/.installed
EXTRAS      ?= mock,contract,dev,workflows,docs
PYTEST_ARGS ?=
# pytest-xdist processes for the contract suite against a mock (auto: one per core)
CONTRACT_WORKERS ?= auto
# and for make test-fast; an idle worker takes tests queued for a busy one (worksteal), so the
# run does not end on one worker's last long tests
FAST_WORKERS ?= auto
FAST_DIST    ?= worksteal
DRIFT_AGAINST ?= https://api.configcat.com/docs/v1/swagger.json
# the browser the browser tests drive (Debian's package; `make browser` installs it)
CHROMIUM    ?= /usr/bin/chromium
export CHROMIUM
# DRIFT_ARGS=--fail-on-breaking: exit non-zero (after writing the report) on a breaking change
DRIFT_ARGS  ?=
HOST        ?= 127.0.0.1
PORT        ?= 8080

export PATH := $(abspath $(BIN)):$(PATH)
# hypothesis' own files go under the git-ignored .tool-cache/, not .hypothesis/
export HYPOTHESIS_STORAGE_DIRECTORY := $(abspath .tool-cache/hypothesis)
# Bytecode, pytest's rewritten test modules too, is kept under .tool-cache/ as well: a run
# then loads some 1,500 modules instead of compiling them (about 3 s a process). An
# environment that turns bytecode off (PYTHONDONTWRITEBYTECODE) does so to keep the tree
# clean, which the prefix does too.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX := $(abspath .tool-cache/pycache)

.PHONY: help install spec spec-update spec-drift regenerate generated-digest test test-fast lint deadcode format \
        typecheck pytest contract contract-server contract-live mock node-sdk node-ofrep browser bench dist clean \
        docs docs-serve

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $@

install: $(INSTALLED) ## create .venv and install the package editable with its extras

# The spec is re-checked on every run: the target is phony and the copy is cheap. An empty
# SPEC_SOURCE, or a file that is not there, downloads from the lock's immutable sources
# (YAML, so the virtualenv's PyYAML is used).
spec: $(INSTALLED) ## put the pinned spec at spec/swagger.json (SPEC_SOURCE= file or URL), sha256-checked
	@$(BIN)/python -m spec.lockfile --source '$(SPEC_SOURCE)'

spec-update: $(INSTALLED) ## accept the document at SPEC_SOURCE and rewrite spec/spec.lock.json
	@$(BIN)/python -m spec.lockfile --source '$(SPEC_SOURCE)' --update

# The pinned document may be out of reach (no ../shared and upstream moved on): the drift
# report then uses an earlier verified copy, or compares operations with the lock alone.
spec-drift: $(INSTALLED) ## compare the pinned spec with DRIFT_AGAINST (file or URL; default the live URL)
	@$(BIN)/python -m spec.lockfile --source '$(SPEC_SOURCE)' || echo "spec-drift: going on with what is at $(SPEC), if anything"
	@$(PYTHON) -m spec.drift --base $(SPEC) --other '$(DRIFT_AGAINST)' --out reports $(DRIFT_ARGS)

$(NORMALISED): $(SPEC) spec/normalise.py
	@$(PYTHON) -m spec.normalise $(SPEC) $@

$(SPEC): spec/spec.lock.json | $(INSTALLED)
	@$(BIN)/python -m spec.lockfile --source '$(SPEC_SOURCE)'

$(GEN_PKG)/__init__.py: $(NORMALISED) spec/generator.yaml spec/generate.py $(wildcard spec/templates/* spec/templates/*/*) | $(INSTALLED)
	$(BIN)/python -m spec.generate $(NORMALISED) $(GEN_PKG)

regenerate: spec $(INSTALLED) ## rebuild generated/ from the pinned spec (fails on any generator warning)
	@$(PYTHON) -m spec.normalise $(SPEC) $(NORMALISED)
	$(BIN)/python -m spec.generate $(NORMALISED) $(GEN_PKG)

# After a deliberate change to the generated code: the digest the generation test compares with
generated-digest: regenerate ## rewrite spec/generated.sha256 from a fresh generated/ (commit it with the change)
	$(BIN)/python -m spec.tree_digest --write $(GEN_PKG)

lint: $(INSTALLED) deadcode ## ruff lint and format check, docstring coverage, dead code, workflow files against GitHub's schema
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/interrogate $(PUBLIC_API)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

# what users import: the client and the workflows, and the fake's package, command and test kit
# (its state, API handlers and HTTP plumbing are internal); make lint keeps their docstrings
PUBLIC_API = overlay/configcat_publicapi mock_server/configcat_mock/__init__.py \
	mock_server/configcat_mock/flags.py mock_server/configcat_mock/cli.py \
	mock_server/configcat_mock/testkit

# vulture at 60%, the confidence it gives an unused function, class or attribute. The suites and
# examples are read as callers of the public API but not reported on; handlers are registered
# by their @handles decorator; scripts/deadcode_whitelist.py names what frameworks call.
DEADCODE_CALLERS = tests examples contract_tests bench
deadcode: $(INSTALLED) ## unused functions, classes and attributes in mock_server/ and overlay/ (vulture)
	@found=$$($(BIN)/vulture mock_server overlay $(DEADCODE_CALLERS) scripts/deadcode_whitelist.py \
		--min-confidence 60 --ignore-decorators @handles | grep -E '^(mock_server|overlay)/' || true); \
	if [ -n "$$found" ]; then echo "$$found"; exit 1; fi

format: $(INSTALLED) ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(INSTALLED) $(GEN_PKG)/__init__.py ## mypy --strict on the handwritten code, tests included
	$(BIN)/mypy

# Two passes: the tests not marked slow on every core, then the slow ones (subprocess suites,
# kill loops, browsers, packaging) one at a time, as their timing-sensitive parts expect. A pass
# that selects nothing (exit 5, e.g. PYTEST_ARGS naming one file) is not a failure.
pytest: $(INSTALLED) $(GEN_PKG)/__init__.py browser
	$(BIN)/pytest -m "not slow" -n $(FAST_WORKERS) --dist $(FAST_DIST) $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/pytest -m slow $(PYTEST_ARGS) || [ $$? -eq 5 ]

test: lint typecheck pytest ## ruff, mypy and the unit tests (bootstraps .venv and generated/)

# The loop of a change: every test not marked slow (generation, packaging, pyright, node,
# browsers, the docs site's build and its examples, suites and kill loops in subprocesses,
# sweeps over every operation or schema of the spec), on every core. `make test` runs them all.
test-fast: $(INSTALLED) $(GEN_PKG)/__init__.py ## the tests not marked slow, on every core (about a minute)
	$(BIN)/pytest -m "not slow" -q -n $(FAST_WORKERS) --dist $(FAST_DIST) $(PYTEST_ARGS)

# each target writes reports/contract-junit[-TARGET].xml and contract-summary[-TARGET].md, so a
# live run after a mock run (as the nightly does) keeps both
CONTRACT_PYTEST = $(BIN)/pytest contract_tests -c contract_tests/pytest.ini --rootdir=.

# CONTRACT_INCLUDE='^GET /v1/products/\{productId\}$' narrows the run to one operation: a
# regular expression, handed to the suite as written (make would read its `$` as its own)
ifdef CONTRACT_INCLUDE
override CONTRACT_INCLUDE := $(value CONTRACT_INCLUDE)
export CONTRACT_INCLUDE
endif

contract: $(INSTALLED) $(GEN_PKG)/__init__.py ## the contract suite against the embedded mock server (in-process)
	CONTRACT_TARGET=mock $(CONTRACT_PYTEST) --junitxml=reports/contract-junit.xml -n $(CONTRACT_WORKERS) $(PYTEST_ARGS)

contract-server: $(INSTALLED) $(GEN_PKG)/__init__.py ## the contract suite against the mock served on 127.0.0.1
	CONTRACT_TARGET=mock-server $(CONTRACT_PYTEST) --junitxml=reports/contract-junit-mock-server.xml -n $(CONTRACT_WORKERS) $(PYTEST_ARGS)

contract-live: $(INSTALLED) $(GEN_PKG)/__init__.py ## the contract suite against CONFIGCAT_API_HOST (read-only unless CONTRACT_WRITE=1)
	@if [ -z "$${CONFIGCAT_API_USER:-}" ] || [ -z "$${CONFIGCAT_API_PASS:-}" ]; then \
	  echo "contract-live: set CONFIGCAT_API_USER and CONFIGCAT_API_PASS (and CONFIGCAT_API_HOST for another host than https://api.configcat.com)" >&2; exit 2; fi
	CONTRACT_TARGET=live CONTRACT_EXAMPLES=$${CONTRACT_EXAMPLES:-10} $(CONTRACT_PYTEST) --junitxml=reports/contract-junit-live.xml $(PYTEST_ARGS)

mock: $(INSTALLED) $(GEN_PKG)/__init__.py ## run the mock server on HOST:PORT (default 127.0.0.1:8080)
	$(BIN)/configcat-mock serve --host $(HOST) --port $(PORT)

node-sdk: ## install the official Node SDK under .tool-cache/node (the import and OFREP proofs' second SDK)
	npm install --no-audit --no-fund --prefix .tool-cache/node configcat-node@11

node-ofrep: ## install OpenFeature's OFREP providers for Node and the web under .tool-cache/ (the OFREP proofs)
	npm install --no-audit --no-fund --prefix .tool-cache/ofrep-node @openfeature/ofrep-provider@0.1.3 @openfeature/server-sdk@1
	npm install --no-audit --no-fund --prefix .tool-cache/ofrep-web @openfeature/ofrep-web-provider@0.4.3 @openfeature/web-sdk@1 eventsource@3

# Debian's chromium, driven by Playwright with executable_path (never `playwright install`):
# installed with apt-get as root (or through password-less sudo, as on CI runners). Where it
# cannot be installed this says what is missing and succeeds: the browser tests then skip,
# naming the same reason.
browser: ## install Debian's chromium for the browser tests when CHROMIUM (/usr/bin/chromium) is missing
	@if [ -x '$(CHROMIUM)' ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "browser: $(CHROMIUM) is missing and installing it needs root (apt-get install chromium); the browser tests will skip"; exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "browser: $(CHROMIUM) is missing and there is no apt-get to install Debian's chromium; the browser tests will skip"; exit 0; fi; \
	echo "browser: installing chromium with apt-get"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends chromium \
	  || echo "browser: apt-get could not install chromium; the browser tests will skip"; \
	if [ ! -x '$(CHROMIUM)' ]; then echo "browser: still no $(CHROMIUM); the browser tests will skip"; fi

bench: $(INSTALLED) $(GEN_PKG)/__init__.py ## run the benchmarks in bench/ and print their ratios
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

# The notices some MkDocs plugins print about MkDocs' future are not build output.
DOCS_ENV := NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true
DOCS_PORT ?= 8000

docs: $(INSTALLED) $(GEN_PKG)/__init__.py ## build the documentation site into site/ (any warning, broken link or anchor fails)
	$(DOCS_ENV) $(BIN)/mkdocs build --strict

docs-serve: $(INSTALLED) $(GEN_PKG)/__init__.py ## serve the docs at http://127.0.0.1:DOCS_PORT/configcat-publicapi/ (default 8000), rebuilt on change
	$(DOCS_ENV) $(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:$(DOCS_PORT)

# python -m build makes the sdist, then the wheel from it: the sdist is proven to build it.
dist: $(INSTALLED) ## build the sdist and the wheel into dist/ and check them
	rm -rf dist
	SPEC_SOURCE='$(SPEC_SOURCE)' $(BIN)/python -m build --outdir dist .
	$(BIN)/python scripts/check_dist.py dist
	$(BIN)/twine check --strict dist/*

clean: ## remove the virtualenv, generated code, spec copies and caches
	rm -rf $(VENV) $(GEN_PKG) $(SPEC) spec/build mock_server/configcat_mock/api/_spec dist site reports .tool-cache .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
