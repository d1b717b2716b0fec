"""Shared fixtures: the sample site on a real local HTTP server, configs, the CLI."""

from __future__ import annotations

import gc
import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner, Result

from tests.travel.sitecustomize import VARIABLE as TRAVEL_VARIABLE
from tests.travel.sitecustomize import start_travel
from tracker.catalog.gazetteer import Gazetteer, load_gazetteer
from tracker.cli.app import app
from tracker.devserver import serve_directory
from tracker.extract import Extractor, VendorMatcher
from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SITE = FIXTURES / "site"
VENDORS = ROOT / "config" / "vendors.toml"
SHARED_DATA = Path(os.environ.get("TRACKER_SHARED_DATA") or ROOT.parent / "shared" / "data")
TRAVEL_DIR = Path(__file__).resolve().parent / "travel"
# The sample sites' stories are from November 2026: a test whose outcome depends on how old
# they are pins the clock here (time-machine), never lets it read today's date.
SAMPLE_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


# -- the clock ------------------------------------------------------------------------------
#
# No test may depend on today's date. To prove it, TRACKER_TEST_TRAVEL=+365d (or -365d) runs
# the suite with the clock moved: this process's and, through tests/travel/sitecustomize.py on
# PYTHONPATH, every Python process a test starts (`make test-travel` runs both directions).


def pytest_configure(config: pytest.Config) -> None:
    paths = list(filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    if start_travel() is not None and str(TRAVEL_DIR) not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(TRAVEL_DIR), *paths])


def pytest_report_header(config: pytest.Config) -> str | None:
    travel = os.environ.get(TRAVEL_VARIABLE)
    return f"clock moved by {TRAVEL_VARIABLE}={travel}" if travel else None


def travel_env() -> dict[str, str]:
    """What a test that starts a process with an environment of its own adds to it, so the
    process sees the same (possibly moved) clock as the test."""
    if not os.environ.get(TRAVEL_VARIABLE):
        return {}
    return {TRAVEL_VARIABLE: os.environ[TRAVEL_VARIABLE], "PYTHONPATH": os.environ["PYTHONPATH"]}


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer(VENDORS)


@pytest.fixture(scope="session")
def matcher(gazetteer: Gazetteer) -> VendorMatcher:
    return VendorMatcher(gazetteer)


@pytest.fixture(scope="session")
def gazetteer_extractor(gazetteer: Gazetteer) -> Extractor:
    """Every extractor over the gazetteer alone (no catalog, no outlets)."""
    return Extractor(gazetteer)


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """The bundled sample site on 127.0.0.1."""
    with serve_directory(SITE) as url:
        yield url


@pytest.fixture
def site_copy(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A writable copy of the sample site, served; for tests that break or change it."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    with serve_directory(root) as url:
        yield root, url


def touch_later(path: Path, seconds: float = 60) -> None:
    """Give ``path`` a modification time ``seconds`` after its own, for a fresh Last-Modified:
    the servers date a file by it, at a one-second grain. Counted from the file's time, not the
    test's clock, which a pinned or moved test clock would put behind the file."""
    later = path.stat().st_mtime + seconds
    os.utime(path, (later, later))


def write_config(path: Path, sources: dict[str, str], **fetch: object) -> Path:
    """A config file that allows loopback hosts and declares ``sources``."""
    options: dict[str, object] = {
        "allow_private_hosts": True,
        "timeout_s": 5.0,
        # The test servers are ours: no politeness delay (tests/fetch/test_polite.py checks it).
        "per_host_delay_s": 0.0,
        "per_host_concurrency": 8,
        # Parse and extract in threads of the one process: starting a pool of processes costs
        # more than a test's few pages (tests/cli/test_crash.py and tests/ingest/test_work.py
        # run one).
        "workers": 1,
        **fetch,
    }
    lines = [
        "[fetch]",
        *(
            f"{k} = {str(v).lower() if isinstance(v, bool) else repr(v)}"
            for k, v in options.items()
        ),
        "[extract]",
        f"vendors_file = {str(VENDORS)!r}",
        "[display]",
        'timezone = "UTC"',
    ]
    for name, url in sources.items():
        lines += ["[[sources]]", f"name = {name!r}", f"url = {url!r}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


FEEDS = {
    "fabledger": "/feeds/fabledger.xml",
    "componentwire": "/feeds/componentwire.atom",
    "supplyline": "/feeds/supplyline.json",
}


class Cli:
    """Runs `tracker` in-process with a given config and database."""

    def __init__(self, config: Path, db: str) -> None:
        self.config = config
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(
            app, ["--config", str(self.config), "--db", self.db, *args], catch_exceptions=False
        )


@pytest.fixture
def cli(tmp_path: Path, site_url: str) -> Cli:
    """The CLI over a fresh SQLite database, with the three sample feeds declared."""
    config = write_config(
        tmp_path / "tracker.toml", {name: site_url + path for name, path in FEEDS.items()}
    )
    return Cli(config, f"sqlite:///{tmp_path / 'test.db'}")


# -- the two backends -----------------------------------------------------------------------
#
# Store-level tests run on SQLite and on PostgreSQL: the PostgreSQL at $TRACKER_TEST_POSTGRES
# (127.0.0.1:5432, user postgres, trust auth, by default; .ci/run starts it). Each test gets a
# throwaway database of its own, dropped afterwards. A PostgreSQL that cannot be reached fails
# the test under CI (the CI variable set, as .ci/run sets it) and skips it, with the
# reason, elsewhere.

ADMIN_URL = os.environ.get("TRACKER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _admin() -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)


def _connect_or_give_up() -> psycopg.Connection[tuple[Any, ...]]:
    """An admin connection; without one, fail under CI and skip elsewhere."""
    try:
        return _admin()
    except Exception as exc:
        problem = f"PostgreSQL not reachable at {ADMIN_URL}: {exc}"
        if _under_ci():
            pytest.fail(f"{problem} (CI must run the PostgreSQL tests)", pytrace=False)
        pytest.skip(problem)


@contextmanager
def postgres_database(prefix: str = "tracker_test") -> Iterator[str]:
    """A fresh, empty PostgreSQL database (a SQLAlchemy URL), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _connect_or_give_up() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        # A connection the test left open (a Store not closed, an engine not disposed, one
        # held by a thread) warns when it is collected: collected here, the ResourceWarning
        # fails the test that leaked it, not whichever test the collector next runs in.
        gc.collect()
        _DROPS.append(_DROPPER.submit(_drop_database, name))


# Dropping a database takes PostgreSQL a while (its files go, a checkpoint may run): a thread
# does it while the next test runs; the session waits for every drop at its end.
_DROPPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-database")
_DROPS: list[Future[None]] = []


def _drop_database(name: str) -> None:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _DROPPER.shutdown(wait=True)
    failed = [str(f.exception()) for f in _DROPS if f.exception() is not None]
    if failed:
        raise RuntimeError(f"{len(failed)} test database(s) not dropped: {failed[0]}")


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a fresh database on ``backend``: a SQLite file in ``folder``, or a throwaway
    PostgreSQL database. Empty: a Store (or the CLI) opening it creates the schema."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'tracker.db'}"
    elif backend == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        raise ValueError(f"unknown backend {backend!r}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    with postgres_database() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, then a throwaway PostgreSQL database."""
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated store on ``db_url``: SQLite, then PostgreSQL."""
    db = Store(db_url)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def backend_cli(tmp_path: Path, site_url: str, db_url: str) -> Cli:
    """The CLI of ``cli`` (the three sample feeds) over a fresh database on each backend."""
    config = write_config(
        tmp_path / "tracker.toml", {name: site_url + path for name, path in FEEDS.items()}
    )
    return Cli(config, db_url)


def query(db: str, sql: str, /, **params: object) -> list[tuple[object, ...]]:
    """Rows of one SQL statement (``:name`` parameters) on either backend, for assertions."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(db, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]
    finally:
        engine.dispose()
