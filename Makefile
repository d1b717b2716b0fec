# make demo: the main job on the bundled sample.  make test: lint, types, tests.
# make check: lint, types and the unit tests (not tests/cli, nothing marked slow): the edit loop.
# make test-travel: the tests with the clock a year ahead, then a year back.
# make test-under-load: the tests while busy processes keep every core loaded.
# Each target creates or reuses .venv itself: a fresh clone needs only Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The tests run in one pytest-xdist worker per core; `make test PARALLEL=` runs them in one process.
PARALLEL ?= -n auto --dist worksteal

.PHONY: demo test check test-travel test-under-load lint fix typecheck pytest clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tracker --config config/demo.toml --db sqlite:///demo.db demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy tracker

pytest: $(STAMP)
	$(BIN)/pytest $(PARALLEL)

test: lint typecheck pytest

check: lint typecheck
	$(BIN)/pytest $(PARALLEL) -m "not slow" --ignore=tests/cli

test-travel: $(STAMP)
	TRACKER_TEST_TRAVEL=+365d $(BIN)/pytest $(PARALLEL)
	TRACKER_TEST_TRAVEL=-365d $(BIN)/pytest $(PARALLEL)

test-under-load: $(STAMP)
	$(BIN)/python -m tests.under_load -- $(BIN)/pytest $(PARALLEL)

fix: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .mypy_cache .ruff_cache
