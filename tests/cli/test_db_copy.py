"""`tracker db copy` refuses a source that is not a tracker database, creating nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, query, write_config
from tracker.catalog.gazetteer import Gazetteer
from tracker.store import Store
from tracker.store.articles import sync_vendors


def test_a_missing_sqlite_source_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{tmp_path / 'unused.db'}")
    typo, target = tmp_path / "typo.db", tmp_path / "copy.db"
    result = cli("db", "copy", "--from", f"sqlite:///{typo}", "--to", f"sqlite:///{target}")
    assert result.exit_code == 1
    assert f"no such database file {typo}" in result.stderr
    assert "copied" not in result.stderr
    assert not typo.exists()
    assert not target.exists()


def test_a_database_without_the_schema_is_not_a_source(tmp_path: Path, pg_url: str) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{tmp_path / 'unused.db'}")
    target = tmp_path / "copy.db"
    result = cli("db", "copy", "--from", pg_url, "--to", f"sqlite:///{target}")
    assert result.exit_code == 1
    assert "is not a tracker database" in result.stderr
    assert query(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
    assert not target.exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    refused = cli("db", "copy", "--from", f"sqlite:///{empty}", "--to", f"sqlite:///{target}")
    assert refused.exit_code == 1
    assert "is not a tracker database" in refused.stderr


def test_a_copy_into_a_seeded_database_is_refused_and_changes_nothing(
    tmp_path: Path, backend_cli: Cli, pg_url: str, gazetteer: Gazetteer
) -> None:
    """The target had its vendor table filled (a command run on it before): the copy says so
    in one line and writes nothing, rather than failing halfway through with a traceback."""
    assert backend_cli("fetch", "--all", "--format", "json").exit_code == 0
    source = backend_cli.db
    target = pg_url if source.startswith("sqlite") else f"sqlite:///{tmp_path / 'copy.db'}"
    seeded = Cli(backend_cli.config, target)
    store = Store(target)  # a fetch that stored nothing yet: the gazetteer's vendors only
    try:
        with store.session() as session:
            sync_vendors(session, gazetteer)
    finally:
        store.close()
    vendors = query(target, "SELECT count(*) FROM vendor")
    assert vendors != [(0,)]
    result = seeded("db", "copy", "--from", source, "--to", target)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "vendor" in errors[0]
    assert "empty database" in errors[0]
    assert query(target, "SELECT count(*) FROM vendor") == vendors
    assert query(target, "SELECT count(*) FROM article") == [(0,)]
    assert query(target, "SELECT count(*) FROM source") == [(0,)]


def test_a_copy_that_fails_midway_leaves_the_target_empty(
    tmp_path: Path, backend_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing: a copy stopped by an error after some tables leaves none of them."""
    from sqlalchemy.exc import OperationalError

    from tracker.store import copy as store_copy

    assert backend_cli("fetch", "--all", "--format", "json").exit_code == 0
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    real = store_copy._copy_table

    def fail_at_mentions(*args: Any) -> None:
        table = args[2]
        if table.name == "mention":
            raise OperationalError("INSERT INTO mention", {}, Exception("disk I/O error"))
        real(*args)

    monkeypatch.setattr(store_copy, "_copy_table", fail_at_mentions)
    result = Cli(backend_cli.config, target)("db", "copy", "--from", backend_cli.db, "--to", target)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "disk I/O error" in errors[0]
    for table in ("source", "article", "article_source", "vendor", "mention"):
        assert query(target, f"SELECT count(*) FROM {table}") == [(0,)], table
