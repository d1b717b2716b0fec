"""The digest tests' store: a migrated store on each backend (tests/conftest.py ``db_url``:
a temp-file SQLite, then a throwaway PostgreSQL database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tracker.store import Store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated store on SQLite, then on PostgreSQL."""
    db = Store(db_url)
    try:
        yield db
    finally:
        db.close()
