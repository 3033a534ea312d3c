# make serve | build | test | bench: each target first creates what it needs.
#   .venv/          Python virtual environment (requirements/*.txt: pinned, with hashes)
#   node_modules/   the browser runtimes pinned in package.json (npm ci)
# Stamp files record what was installed, and from which version of the pins.

VENV   := .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test bench tools lock

serve: $(VENV)/.docs node_modules/.installed
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

build: $(VENV)/.docs node_modules/.installed
	$(BIN)/mkdocs build --strict --site-dir site

test: tools $(VENV)/.test node_modules/.installed
	$(BIN)/pytest

# Chromium and Node: installed from Debian's packages when missing (root or sudo), else a
# message with the one command to run.
tools:
	@scripts/ensure_tools.sh

# Speed, measured, never asserted: calc vs torchinfo, then the site in Chromium.
bench: $(VENV)/.test node_modules/.installed
	$(BIN)/python scripts/bench_summary.py
	$(BIN)/python scripts/bench_calculators.py
	$(BIN)/python scripts/measure_site.py
	$(BIN)/python scripts/measure_site.py --compare

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Python packages come from the lock files, every one pinned with its hashes (as npm ci does
# with package-lock.json); calc itself is installed last, editable, without dependencies.
$(VENV)/.docs: requirements/docs.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/docs.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test: requirements/test.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.docs

# After a change to the pins in pyproject.toml: the lock files again, with pip-tools.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --extra docs $(LOCK_FLAGS) -o requirements/docs.txt pyproject.toml
	$(BIN)/pip-compile --quiet --extra docs --extra test --extra torch $(LOCK_FLAGS) \
	    -o requirements/test.txt pyproject.toml

LOCK_FLAGS := --generate-hashes --allow-unsafe --strip-extras --build-deps-for=editable \
              --no-emit-index-url --no-emit-find-links

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@
