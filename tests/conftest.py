"""Shared fixtures: the sample site on a real local HTTP server, configs, the CLI."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tracker.catalog.gazetteer import Gazetteer, load_gazetteer
from tracker.cli.app import app
from tracker.devserver import serve_directory
from tracker.extract import VendorMatcher

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SITE = FIXTURES / "site"
VENDORS = ROOT / "config" / "vendors.toml"
SHARED_DATA = Path(os.environ.get("TRACKER_SHARED_DATA") or ROOT.parent / "shared" / "data")


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer(VENDORS)


@pytest.fixture(scope="session")
def matcher(gazetteer: Gazetteer) -> VendorMatcher:
    return VendorMatcher(gazetteer)


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


def write_config(path: Path, sources: dict[str, str], **fetch: object) -> Path:
    """A config file that allows loopback hosts and declares ``sources``."""
    options: dict[str, object] = {
        "allow_private_hosts": True,
        "timeout_s": 5.0,
        # The test servers are ours: no politeness delay (tests/fetch/test_polite.py checks it).
        "per_host_delay_s": 0.0,
        "per_host_concurrency": 8,
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


ADMIN_URL = os.environ.get("TRACKER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _admin():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)


def _available() -> str | None:
    try:
        with _admin():
            return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {ADMIN_URL}: {exc}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    problem = _available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
