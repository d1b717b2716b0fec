"""`tracker db copy` refuses a source that is not a tracker database, creating nothing."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli, query, write_config


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
