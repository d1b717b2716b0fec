"""Nothing is lost in silence: an entry that cannot be fetched is skipped with its reason and
keeps no validator from being saved; an entry that cannot be stored fails its source."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine, event

from tests.conftest import Cli, write_config
from tests.faults import fault_server

TSMC = "TSMC and Nvidia expand CoWoS capacity for the next generation of accelerators."


def _feed(base: str, faults: str) -> dict[str, Any]:
    items = [
        ("good", f"{base}/good.html"),
        ("port", "http://127.0.0.1:99999/x.html"),
        ("nul", f"{base}/a\x00b.html"),
        ("control", f"{base}/a\x01b.html"),
        ("bracket", "http://[::1/x.html"),
        ("moved", f"{faults}/bad-location"),
    ]
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Hostile",
        "items": [
            {"id": guid, "url": url, "title": f"Story {guid}", "content_text": TSMC}
            for guid, url in items
        ],
    }


@pytest.fixture
def served(httpserver: HTTPServer) -> Iterator[HTTPServer]:
    with fault_server() as faults:
        body = json.dumps(_feed(httpserver.url_for("").rstrip("/"), faults.url))
        # A revalidation with the feed's ETag is answered 304; any other request, the feed.
        httpserver.expect_request(
            "/feed.json", headers={"If-None-Match": '"v1"'}
        ).respond_with_data("", status=304, headers={"ETag": '"v1"'})
        httpserver.expect_request("/feed.json").respond_with_data(
            body, content_type="application/feed+json", headers={"ETag": '"v1"'}
        )
        page = f"<html><body><article><h1>Good</h1><p>{TSMC}</p></article></body></html>"
        httpserver.expect_request("/good.html").respond_with_data(page, content_type="text/html")
        httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
        yield httpserver


def _feed_requests(server: HTTPServer) -> list[dict[str, str]]:
    """The headers of each request for the feed, in order."""
    return [dict(request.headers) for request, _ in server.log if request.path == "/feed.json"]


def _cli(tmp_path: Path, url: str) -> Cli:
    config = write_config(tmp_path / "tracker.toml", {"hostile": url})
    return Cli(config, f"sqlite:///{tmp_path / 'test.db'}")


def test_bad_links_are_skipped_with_their_reason_and_the_validators_saved(
    tmp_path: Path, served: HTTPServer
) -> None:
    server = served
    cli = _cli(tmp_path, server.url_for("/feed.json"))
    first = cli("fetch", "--format", "json")
    assert first.exit_code == 0, first.stderr
    (row,) = json.loads(first.stdout)["sources"]
    assert (row["status"], row["new"], row["skipped"]) == ("ok", 2, 4)
    reasons = "\n".join(row["warnings"])
    assert "http://127.0.0.1:99999/x.html is not a valid URL (Port out of range" in reasons
    assert "a\\x00b.html must not contain spaces or control characters" in reasons
    assert "a\\x01b.html must not contain spaces or control characters" in reasons
    assert "http://[::1/x.html is not a valid URL (Invalid IPv6 URL)" in reasons
    assert "\x00" not in first.stderr
    with sqlite3.connect(tmp_path / "test.db") as conn:
        notes = dict(conn.execute("SELECT title, text_note FROM article").fetchall())
    assert notes["Story good"] is None
    # A page that redirects to a malformed Location: the entry is kept from its summary.
    assert "page not fetched: bad_redirect" in notes["Story moved"]
    assert "malformed Location http://[::1/elsewhere" in notes["Story moved"]
    # The skipped entries keep nothing back: the next fetch revalidates with the ETag.
    second = cli("fetch", "--all", "--format", "json")
    assert second.exit_code == 0, second.stderr
    assert json.loads(second.stdout)["sources"][0]["status"] == "not_modified"
    assert _feed_requests(server)[-1].get("If-None-Match") == '"v1"'


def _refuse_articles(db: Path) -> None:
    """Every article insert fails, as a full disk fails it: deterministic, while the source's
    own rows are still written."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TRIGGER full_disk BEFORE INSERT ON article "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )


def test_a_failure_to_store_fails_the_source(tmp_path: Path, served: HTTPServer) -> None:
    server = served
    cli = _cli(tmp_path, server.url_for("/feed.json"))
    assert cli("init").exit_code == 0
    _refuse_articles(tmp_path / "test.db")
    failed = cli("fetch", "--format", "json")
    assert failed.exit_code == 3, failed.stdout + failed.stderr
    (row,) = json.loads(failed.stdout)["sources"]
    assert (row["status"], row["error_class"]) == ("failed", "store"), row
    assert "2 of 2 new entries not stored: store: " in row["error"]
    assert "database or disk is full" in row["error"]
    health = json.loads(cli("sources", "health", "--format", "json").stdout)
    assert health[0]["last_error_class"] == "store"
    with sqlite3.connect(tmp_path / "test.db") as conn:
        (etag,) = conn.execute("SELECT etag FROM source").fetchone()
        conn.execute("DROP TRIGGER full_disk")
    assert etag is None  # not revalidated: every entry is read again
    again = cli("fetch", "--all", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["sources"][0]["new"] == 2
    assert "If-None-Match" not in _feed_requests(server)[-1]


@pytest.fixture
def full_disk() -> Iterator[None]:
    """Every SQLite database opened from now on may grow by one page only: writes past
    that fail as on a full disk (SQLITE_FULL). A fetch then fails before its first source,
    while it records the gazetteer's vendors."""

    def limit(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 1}")
        cursor.close()

    event.listen(Engine, "connect", limit)
    yield
    event.remove(Engine, "connect", limit)


def test_a_full_disk_is_one_line_and_a_failure(
    tmp_path: Path, served: HTTPServer, request: pytest.FixtureRequest
) -> None:
    server = served
    cli = _cli(tmp_path, server.url_for("/feed.json"))
    assert cli("init").exit_code == 0
    request.getfixturevalue("full_disk")
    failed = cli("fetch", "--format", "json")
    assert failed.exit_code == 1, failed.stdout + failed.stderr
    (line,) = failed.stderr.strip().splitlines()
    assert line.startswith("error: store: ")
    assert "the disk is full" in line


def test_a_feed_redirected_to_a_malformed_location_has_its_own_class(tmp_path: Path) -> None:
    with fault_server() as faults:
        cli = _cli(tmp_path, faults.url + "/bad-location")
        failed = cli("fetch", "--format", "json")
    assert failed.exit_code == 3, failed.stderr
    (row,) = json.loads(failed.stdout)["sources"]
    assert row["error_class"] == "bad_redirect"
    assert "malformed Location http://[::1/elsewhere" in row["error"]
