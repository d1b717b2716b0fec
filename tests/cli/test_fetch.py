"""`tracker fetch` end to end: real HTTP on 127.0.0.1, real SQLite (and, where the store's
behaviour is what is tested, real PostgreSQL too), the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FEEDS, FIXTURES, Cli, query, touch_later, write_config

EXPECTED = json.loads((FIXTURES / "expected" / "articles.json").read_text(encoding="utf-8"))
PAGES = sorted(p.stem for p in (FIXTURES / "site" / "articles").glob("*.html"))
SEED = "openai-taps-apple-suppliers"


def rows(cli: Cli, sql: str, /, **params: object) -> list[tuple[object, ...]]:
    return query(cli.db, sql, **params)


def test_fetch_stores_every_article_once(cli: Cli) -> None:
    result = cli("fetch", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    assert summary["failed_sources"] == []
    # Every page plus the entry whose page is gone (kept with its summary).
    assert summary["new_articles"] == len(PAGES) + 1
    assert summary["linked"] == 1  # the seed story is carried by two feeds
    assert rows(cli, "SELECT count(*) FROM article") == [(len(PAGES) + 1,)]
    assert rows(cli, "SELECT count(DISTINCT canonical_url) FROM article") == [(len(PAGES) + 1,)]
    assert rows(cli, "PRAGMA integrity_check") == [("ok",)]


def test_an_article_in_two_feeds_is_stored_once_and_linked_to_both(backend_cli: Cli) -> None:
    cli = backend_cli
    assert cli("fetch").exit_code == 0
    found = rows(
        cli,
        "SELECT a.id, a.canonical_url, s.name FROM article a "
        "JOIN article_source l ON l.article_id = a.id JOIN source s ON s.id = l.source_id "
        "WHERE a.canonical_url LIKE :url ORDER BY s.name",
        url=f"%/articles/{SEED}.html",
    )
    assert len({article_id for article_id, _, _ in found}) == 1
    assert all("utm_" not in str(canonical) for _, canonical, _ in found)
    assert [name for _, _, name in found] == sorted(EXPECTED[SEED]["feeds"])


def test_seed_story_mentions_with_evidence(cli: Cli) -> None:
    assert cli("fetch").exit_code == 0
    vendors = rows(
        cli,
        "SELECT DISTINCT v.name FROM mention m JOIN vendor v ON v.id = m.vendor_id "
        "JOIN article a ON a.id = m.article_id WHERE a.canonical_url LIKE :url",
        url=f"%/articles/{SEED}.html",
    )
    names = {str(v) for (v,) in vendors}
    assert {"OpenAI", "Apple", "MediaTek", "Qualcomm", "Luxshare"} <= names
    sentences = rows(
        cli,
        "SELECT m.sentence FROM mention m JOIN vendor v ON v.id = m.vendor_id "
        "WHERE v.name = 'Luxshare'",
    )
    assert sentences
    assert all("Luxshare" in str(s) or "立讯" in str(s) for (s,) in sentences)


def test_missing_page_keeps_the_feed_summary(cli: Cli) -> None:
    assert cli("fetch").exit_code == 0
    (row,) = rows(
        cli,
        "SELECT text_origin, text_note, text FROM article WHERE canonical_url LIKE :url",
        url="%/articles/removed-story.html",
    )
    origin, note, text = row
    assert origin == "summary"
    assert "http_404" in str(note)
    assert text


def test_second_fetch_stores_nothing_new(cli: Cli) -> None:
    assert cli("fetch").exit_code == 0
    before = rows(cli, "SELECT count(*) FROM article"), rows(cli, "SELECT count(*) FROM mention")
    again = cli("fetch", "--all", "--format", "json")
    assert again.exit_code == 0
    summary = json.loads(again.stdout)
    assert summary["new_articles"] == 0
    assert summary["linked"] == 0
    after = rows(cli, "SELECT count(*) FROM article"), rows(cli, "SELECT count(*) FROM mention")
    assert before == after


def test_changed_feeds_are_parsed_again_and_known_entries_skipped(
    tmp_path: Path, site_copy: tuple[Path, str], db_url: str
) -> None:
    root, url = site_copy
    sources = {name: url + path for name, path in FEEDS.items()}
    cli = Cli(write_config(tmp_path / "c.toml", sources), db_url)
    first = json.loads(cli("fetch", "--format", "json").stdout)
    unchanged = json.loads(cli("fetch", "--all", "--format", "json").stdout)
    assert {s["status"] for s in unchanged["sources"]} == {"not_modified"}
    for feed in (root / "feeds").iterdir():
        touch_later(feed)  # a new Last-Modified: the server answers 200 again
    again = json.loads(cli("fetch", "--all", "--format", "json").stdout)
    assert {s["status"] for s in again["sources"]} == {"ok"}
    assert again["new_articles"] == 0
    for before, after in zip(first["sources"], again["sources"], strict=True):
        assert after["already_seen"] == after["entries"] == before["entries"]
    assert rows(cli, "SELECT count(*) FROM article") == [(len(PAGES) + 1,)]


def test_a_broken_source_does_not_stop_the_others(
    tmp_path: Path, site_copy: tuple[Path, str], db_url: str
) -> None:
    root, url = site_copy
    (root / "feeds" / "broken.xml").write_text("<rss><channel><title>oops", encoding="utf-8")
    (root / "feeds" / "html.xml").write_text(
        "<html><body>Not a feed</body></html>", encoding="utf-8"
    )
    sources = {name: url + path for name, path in FEEDS.items()}
    sources |= {
        "broken": url + "/feeds/broken.xml",
        "gone": url + "/feeds/nothing-here.xml",
        "html": url + "/feeds/html.xml",
        "refused": "http://127.0.0.1:9/feed.xml",
    }
    cli = Cli(write_config(tmp_path / "c.toml", sources), db_url)
    result = cli("fetch", "--format", "json")
    assert result.exit_code == 3
    summary = json.loads(result.stdout)
    assert sorted(summary["failed_sources"]) == ["broken", "gone", "html", "refused"]
    by_name = {s["source"]: s for s in summary["sources"]}
    assert by_name["gone"]["error_class"] == "http_404"
    assert by_name["broken"]["error_class"] == "parse"
    assert by_name["html"]["error_class"] == "parse"
    assert by_name["refused"]["error_class"] == "connect"
    assert summary["new_articles"] == len(PAGES) + 1
    health = rows(cli, "SELECT name, error_count, last_error_class FROM source ORDER BY name")
    assert ("gone", 1, "http_404") in health
    assert ("fabledger", 0, None) in health


def test_named_sources_only(cli: Cli) -> None:
    result = cli("fetch", "--source", "supplyline", "--format", "json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert [s["source"] for s in summary["sources"]] == ["supplyline"]
    unknown = cli("fetch", "--source", "nope")
    assert unknown.exit_code == 2
    assert "nope" in unknown.stderr


def test_private_links_in_a_trusted_feed_are_not_followed(
    tmp_path: Path, site_copy: tuple[Path, str]
) -> None:
    root, url = site_copy
    (root / "feeds" / "sneaky.xml").write_text(
        """<?xml version="1.0"?><rss version="2.0"><channel><title>Sneaky</title>
        <item><title>Internal</title><guid>s-1</guid><link>http://127.0.0.2:9/admin</link>
        <description>TSMC and Nvidia, via an internal link.</description></item>
        <item><title>Local</title><guid>s-2</guid><link>http://localhost:9/x</link>
        <description>Luxshare via localhost.</description></item>
        <item><title>Six</title><guid>s-3</guid><link>http://[::1]:9/x</link>
        <description>MediaTek via ::1.</description></item>
        </channel></rss>""",
        encoding="utf-8",
    )
    config = write_config(
        tmp_path / "c.toml", {"sneaky": url + "/feeds/sneaky.xml"}, allow_private_hosts=False
    )
    cli = Cli(config, f"sqlite:///{tmp_path / 's.db'}")
    result = cli("fetch", "--format", "json")
    assert result.exit_code == 0, result.output
    notes = rows(cli, "SELECT text_origin, text_note FROM article ORDER BY id")
    assert len(notes) == 3
    assert all(origin == "summary" and "blocked" in str(note) for origin, note in notes)
