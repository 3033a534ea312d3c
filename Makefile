# make serve | build | test | bench: each target first creates what it needs.
#   .venv/          Python virtual environment (pip install -e '.[extras]')
#   node_modules/   the browser runtimes pinned in package.json (npm ci)
# Stamp files record what was installed, and from which version of the pins.

VENV   := .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test bench tools

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

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs,test,torch]'
	touch $@ $(VENV)/.docs

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@
