# Two commands do everything (see README.md):
#   make pack   set up, load the bundled extracts and build the pack for the latest month
#   make test   run the tests
# and for analysts writing chapters:
#   make lab    JupyterLab at notebooks/
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: pack setup load build lab test lint bench clean

pack: setup load build

$(BIN)/tracker: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@# Quarto: PyPI's quarto-cli downloads Quarto's release while installing. Where that download
	@# is impossible (offline or locked-down machines) set-up carries on without it.
	@if [ -z "$$(command -v quarto)" ] && [ -z "$$QUARTO_PATH" ]; then \
	  $(BIN)/pip install --quiet "quarto-cli>=1.9" >/dev/null 2>&1 \
	    && echo "Quarto installed from PyPI (quarto-cli)." \
	    || echo "Quarto could not be installed here (quarto-cli needs to download it); the pack will stop after the executed notebooks."; \
	fi
	@# With Quarto present, the rendered HTML is checked with axe-core (needs Chromium too).
	@if [ -n "$$(command -v quarto)" ] || [ -x $(BIN)/quarto ] || [ -n "$$QUARTO_PATH" ]; then \
	  $(BIN)/pip install --quiet -e ".[dev,a11y]" || echo "The accessibility check's packages could not be installed; that test will be skipped."; \
	fi
	touch $(BIN)/tracker

setup: $(BIN)/tracker

load: setup
	$(BIN)/tracker load data/extracts

build: setup
	@# Exit code 3 means: notebooks built, but Quarto is missing, so no HTML/PDF (message printed).
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/tracker build || [ $$? -eq 3 ]

# JupyterLab at notebooks/, with the project's kernel (this environment's python3): every chapter
# runs there top to bottom as it stands (see README "For analysts"). LAB_ARGS adds options,
# e.g. make lab LAB_ARGS="--no-browser --port 8890".
lab: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(LAB_ARGS)

# Two test workers (pytest-xdist) by default; TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2
test: setup
	$(BIN)/pytest -q -n $(TEST_WORKERS)

lint: setup
	$(BIN)/ruff check src tests benchmarks data/scripts

bench: setup
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b; done

clean:
	rm -rf output/* data/tracker.duckdb data/tracker.duckdb.wal data/tracker.duckdb.lock
