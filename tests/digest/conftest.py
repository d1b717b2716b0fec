"""The digest tests' store: a temp-file SQLite and a throwaway PostgreSQL database.

PostgreSQL is the one at ``$TRACKER_TEST_POSTGRES`` (127.0.0.1:5432 by default, as in
tests/store/test_postgres.py); missing, its cases fail under CI and are skipped elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.store import Store

ADMIN_URL = os.environ.get("TRACKER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_database() -> Iterator[str]:
    try:
        import psycopg

        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:
        problem = f"PostgreSQL not reachable at {ADMIN_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    name = f"tracker_digest_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated store on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        db = Store(f"sqlite:///{tmp_path / 'digest.db'}")
        yield db
        db.close()
        return
    databases = _postgres_database()
    url = next(databases)
    db = Store(url)
    try:
        yield db
    finally:
        db.close()
        databases.close()
