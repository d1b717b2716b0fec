"""A command that only reads never creates the database it was pointed at: a missing one is
an error naming the URL and `tracker init`, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import Cli, query, write_config
from tracker.cli.app import app

READ_COMMANDS = [
    ["search", "Luxshare"],
    ["search", "Luxshare", "--vendor", "Apple"],
    ["show", "1"],
    ["export", "articles"],
    ["export", "articles", "--format", "csv"],
    ["sources", "list"],
    ["sources", "health"],
    ["sources", "export-opml"],
    ["sources", "test", "fabledger"],
    ["sources", "set", "fabledger", "--disable"],
    ["sources", "remove", "fabledger"],
    ["vendors", "show", "TSMC"],
    ["vendors", "candidates"],
    ["exposure", "--customer", "Apple"],
    ["graph", "export"],
    ["digest", "status"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_reading_a_missing_sqlite_file_is_an_error_that_creates_nothing(
    tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "nothing-here.db"
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{db}")
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"error: store: no database at sqlite:///{db}: create it with "
        f"`tracker --db sqlite:///{db} init`, then `tracker --db sqlite:///{db} fetch`"
    )
    assert not db.exists()
    assert not list(tmp_path.glob("*.db*"))


def test_the_default_database_is_named_without_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    result = CliRunner().invoke(
        app, ["--config", str(write_config(tmp_path / "c.toml", {})), "search", "x"]
    )
    assert result.exit_code == 1
    assert "no database at sqlite:///tracker.db: create it with `tracker init`" in result.stderr
    assert not (tmp_path / "tracker.db").exists()


def test_a_write_command_still_creates_the_database(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{db}")
    added = cli(
        "sources", "add", "https://news.example/feed.xml", "--name", "news", "--kind", "feed"
    )
    assert added.exit_code == 0, added.output
    assert db.exists()
    assert cli("sources", "list", "--format", "json").exit_code == 0
    assert cli("search", "anything", "--format", "json").stdout.strip() == "[]"


def test_a_postgresql_database_without_the_schema_is_not_given_one(
    tmp_path: Path, pg_url: str
) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), pg_url)
    for args in (["search", "Luxshare"], ["sources", "list"], ["show", "1"]):
        result = cli(*args)
        assert result.exit_code == 1, result.output
        assert "has no tracker tables yet: create them with `tracker --db" in result.stderr
        assert " init`" in result.stderr
    tables = query(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    assert tables == [(0,)]
    assert cli("init").exit_code == 0
    assert cli("search", "Luxshare", "--format", "json").stdout.strip() == "[]"


def test_an_empty_sqlite_file_is_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{db}")
    result = cli("export", "articles")
    assert result.exit_code == 1
    assert f"the database at sqlite:///{db} has no tracker tables yet" in result.stderr
