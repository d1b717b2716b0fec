# make demo: the main job on the bundled sample.  make test: lint, types, tests.
# make test-travel: the tests with the clock a year ahead, then a year back.
# make test-under-load: the tests while busy processes keep every core loaded.
# Each target creates or reuses .venv itself: a fresh clone needs only Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-travel test-under-load lint fix typecheck pytest clean

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
	$(BIN)/pytest

test: lint typecheck pytest

test-travel: $(STAMP)
	TRACKER_TEST_TRAVEL=+365d $(BIN)/pytest
	TRACKER_TEST_TRAVEL=-365d $(BIN)/pytest

test-under-load: $(STAMP)
	$(BIN)/python -m tests.under_load -- $(BIN)/pytest

fix: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .mypy_cache .ruff_cache
