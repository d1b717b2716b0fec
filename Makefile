# make demo: the main job on the bundled sample.  make test: lint, types, tests.
# make check: lint, types and the unit tests (not tests/cli nor tests/web, nothing marked slow): the edit loop.
# make fuzz: the property tests of tests/fuzz with many examples (FUZZ_EXAMPLES), and the
# worst CPU time and memory per article they met.
# make test-travel: the tests with the clock a year ahead, then a year back.
# make test-under-load: the tests while busy processes keep every core loaded.
# Each target creates or reuses .venv itself: a fresh clone needs only Python 3.11+ (with
# pip) and make. .venv holds exactly the versions in uv.lock, installed by the uv pinned in
# tools/uv.txt; `make lock` refreshes uv.lock after a change to pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_HOME := $(VENV)/.uv
UV := $(UV_HOME)/bin/uv
# The tests run in one pytest-xdist worker per core; `make test PARALLEL=` runs them in one process.
PARALLEL ?= -n auto --dist worksteal

# uv installs into .venv (never a Python of its own) from PyPI, checking every file
# against the hashes in uv.lock.
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export PIP_ROOT_USER_ACTION := ignore

.PHONY: demo test check fuzz test-travel test-under-load lint fix typecheck pytest lock lock-upgrade lock-check clean

# uv itself, beside the environment it manages (its sync leaves .venv/.uv alone).
$(UV): tools/uv.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	rm -rf $(UV_HOME)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
		--target $(UV_HOME) -r tools/uv.txt
	@touch $(UV)

# Bytecode is compiled at install, ours included: a process that cannot write it (a read-only
# install, PYTHONDONTWRITEBYTECODE, a container) would otherwise compile every module it imports
# each time it starts: about 0.35 CPU s for `tracker` and for each worker of a fetch.
$(STAMP): pyproject.toml uv.lock $(UV)
	@$(UV) sync --locked --extra dev --compile-bytecode || { \
		echo "error: could not install uv.lock into $(VENV) (after a change to pyproject.toml, run: make lock)" >&2; \
		exit 1; }
	@$(BIN)/python -m compileall -q tracker
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tracker --config config/demo.toml --db sqlite:///demo.db demo

# Refresh uv.lock from pyproject.toml, keeping the locked versions that still fit.
lock: $(UV)
	$(UV) lock

# Refresh uv.lock with the newest versions pyproject.toml allows.
lock-upgrade: $(UV)
	$(UV) lock --upgrade

# Fail when uv.lock does not match pyproject.toml (CI runs it through `make test`).
lock-check: $(UV)
	@$(UV) lock --check || { \
		echo "error: uv.lock does not match pyproject.toml: run make lock, and commit uv.lock" >&2; \
		exit 1; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy tracker

pytest: $(STAMP)
	$(BIN)/pytest $(PARALLEL)

test: lock-check lint typecheck pytest

check: lint typecheck
	$(BIN)/pytest $(PARALLEL) -m "not slow" --ignore=tests/cli --ignore=tests/web

FUZZ_EXAMPLES ?= 300

fuzz: $(STAMP)
	TRACKER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) TRACKER_FUZZ_REPORT=1 $(BIN)/pytest -n0 -p no:cacheprovider --timeout 3600 tests/fuzz

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
