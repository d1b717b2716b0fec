"""Every error a careless operator can provoke is one line naming what and why, never a
traceback: damaged databases, a lock held too long, bad URLs, bad OPML, a folder as a file."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.conftest import Cli, write_config


def _one_line(result_stderr: str) -> str:
    lines = result_stderr.strip().splitlines()
    assert len(lines) == 1, result_stderr
    assert "Traceback" not in lines[0]
    return lines[0]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def made(tmp_path: Path) -> Path:
    """A real database, to damage."""
    db = tmp_path / "made.db"
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{db}")
    assert cli("init").exit_code == 0
    assert cli("vendors", "add", "Zorbix Devices", "--kind", "oem").exit_code == 0
    for extra in tmp_path.glob("made.db-*"):  # fold the WAL into the file
        extra.unlink()
    return db


@pytest.mark.parametrize("args", [["search", "TSMC"], ["vendors", "list"], ["fetch"], ["init"]])
def test_a_file_that_is_no_database_is_named_and_left_untouched(
    tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "random.db"
    db.write_bytes(bytes(range(256)) * 20)
    before = _digest(db)
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{db}")
    result = cli(*args)
    assert result.exit_code == 1
    line = _one_line(result.stderr)
    assert line == (
        f"error: store: sqlite:///{db}: the file is not a SQLite database (left untouched): "
        "give the right file with --db, or move this one away"
    )
    assert _digest(db) == before


def test_a_truncated_database_is_one_line(made: Path, tmp_path: Path) -> None:
    data = made.read_bytes()
    made.write_bytes(data[: len(data) // 2])
    before = _digest(made)
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{made}")
    result = cli("search", "Zorbix")
    assert result.exit_code == 1
    assert "the file is damaged or truncated (left untouched)" in _one_line(result.stderr)
    assert _digest(made) == before


def test_dev_null_is_one_line(tmp_path: Path) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), "sqlite:////dev/null")
    result = cli("init")
    assert result.exit_code == 1
    assert "the file cannot be read or written as a database" in _one_line(result.stderr)


@pytest.mark.slow
def test_a_write_lock_held_too_long_is_one_line(made: Path, tmp_path: Path) -> None:
    # Another process holds the write lock past the 10 s the tracker waits.
    holder = sqlite3.connect(made, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(30, holder.rollback)
    release.start()
    try:
        cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{made}")
        result = cli("vendors", "add", "Qwerty Labs", "--kind", "oem")
    finally:
        release.cancel()
        holder.rollback()
        holder.close()
    assert result.exit_code == 1
    assert "another process held its write lock for over 10 s" in _one_line(result.stderr)


def test_a_source_url_that_is_no_url_is_refused(tmp_path: Path) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{tmp_path / 't.db'}")
    for url, reason in (
        ("http://[::1/x.xml", "is not a valid URL (Invalid IPv6 URL)"),
        ("http://example.com:99999/x.xml", "is not a valid URL (Port out of range 0-65535)"),
        ("http://example.com/a\x01b", "must not contain spaces or control characters"),
    ):
        result = cli("sources", "add", url)
        assert result.exit_code == 2, result.output
        assert reason in _one_line(result.stderr)


def test_an_opml_file_with_bad_outlines_imports_the_others(tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="good" type="rss" xmlUrl="https://news.example/feed.xml"/>'
        '<outline text="bracket" type="rss" xmlUrl="http://[::1/x.xml"/>'
        '<outline text="port" type="rss" xmlUrl="http://news.example:99999/x.xml"/>'
        '<outline text="other" type="rss" xmlUrl="https://other.example/feed.xml"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{tmp_path / 't.db'}")
    result = cli("sources", "import-opml", str(opml))
    assert result.exit_code == 0, result.output
    assert "'http://[::1/x.xml' is not a valid URL (Invalid IPv6 URL)" in result.stderr
    assert "'http://news.example:99999/x.xml' is not a valid URL (Port out" in result.stderr
    assert "imported 2 sources" in result.stderr
    listed = cli("sources", "list", "--format", "json").stdout
    assert "news.example/feed.xml" in listed
    assert "other.example/feed.xml" in listed


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("vendors_file", "gazetteer: {dir}: is a folder, not a file"),
        ("attributions_file", "attributions: {dir}: cannot be read as a file"),
    ],
)
def test_a_folder_given_as_a_file_is_one_line(tmp_path: Path, key: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f"[extract]\n{key} = {str(tmp_path)!r}\n", encoding="utf-8")
    cli = Cli(config, f"sqlite:///{tmp_path / 't.db'}")
    result = cli("vendors", "list")
    assert result.exit_code == 1
    assert message.format(dir=tmp_path) in _one_line(result.stderr)
