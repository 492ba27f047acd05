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
EXTRAS      ?= mock,contract,dev
PYTEST_ARGS ?=
DRIFT_AGAINST ?= https://api.configcat.com/docs/v1/swagger.json

export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help install spec spec-update spec-drift regenerate test lint format typecheck pytest contract \
        contract-live mock bench clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $@

install: $(INSTALLED) ## create .venv and install the package editable with its extras

# The spec is re-checked on every run: the target is phony and the copy is cheap.
spec: ## put the pinned spec at spec/swagger.json (SPEC_SOURCE= file or URL), sha256-checked
	@$(PYTHON) -m spec.lockfile --source '$(SPEC_SOURCE)'

spec-update: ## accept the document at SPEC_SOURCE and rewrite spec/spec.lock.json
	@$(PYTHON) -m spec.lockfile --source '$(SPEC_SOURCE)' --update

spec-drift: spec ## compare the pinned spec with DRIFT_AGAINST (file or URL; default the live URL)
	@$(PYTHON) -m spec.drift --base $(SPEC) --other '$(DRIFT_AGAINST)' --out reports

$(NORMALISED): $(SPEC) spec/normalise.py
	@$(PYTHON) -m spec.normalise $(SPEC) $@

$(SPEC): spec/spec.lock.json
	@$(PYTHON) -m spec.lockfile --source '$(SPEC_SOURCE)'

$(GEN_PKG)/__init__.py: $(NORMALISED) spec/generator.yaml spec/generate.py | $(INSTALLED)
	$(BIN)/python -m spec.generate $(NORMALISED) $(GEN_PKG)

regenerate: spec $(INSTALLED) ## rebuild generated/ from the pinned spec (fails on any generator warning)
	@$(PYTHON) -m spec.normalise $(SPEC) $(NORMALISED)
	$(BIN)/python -m spec.generate $(NORMALISED) $(GEN_PKG)

lint: $(INSTALLED) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED) ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(INSTALLED) $(GEN_PKG)/__init__.py ## mypy --strict on the handwritten packages
	$(BIN)/mypy

pytest: $(INSTALLED) $(GEN_PKG)/__init__.py
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest ## ruff, mypy and the unit tests (bootstraps .venv and generated/)

contract: $(INSTALLED) $(GEN_PKG)/__init__.py ## the contract suite against the embedded mock server
	@if [ -f contract_tests/conftest.py ]; then $(BIN)/pytest contract_tests $(PYTEST_ARGS); \
	else echo "no contract suite yet"; fi

mock: $(INSTALLED) $(GEN_PKG)/__init__.py ## run the mock server on 127.0.0.1:8080
	$(BIN)/configcat-mock serve --host 127.0.0.1 --port 8080

bench: $(INSTALLED) $(GEN_PKG)/__init__.py ## run the benchmarks in bench/ and print their ratios
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean: ## remove the virtualenv, generated code, spec copies and caches
	rm -rf $(VENV) $(GEN_PKG) $(SPEC) spec/build reports .tool-cache .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
