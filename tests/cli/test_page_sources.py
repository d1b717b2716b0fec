"""Sources without feeds, end to end: listing pages, sitemaps, feed discovery, the dry run and
"layout changed", over real HTTP on 127.0.0.1 with the real CLI and SQLite.

The site is fixtures/pages plus the article pages and feeds it points to (tests/pagesite.py).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tests.conftest import SAMPLE_NOW, Cli, touch_later, write_config
from tests.pagesite import EXPECTED, PAGE_DATE_SHIFT, build_page_site
from tracker.devserver import serve_directory

LISTINGS: dict[str, Any] = EXPECTED["listings"]
# Listings whose pager leads to another listing fixture: a dry run or a first fetch reads on.
FOLLOWED = {"press-page1.html": ["press-page2.html"]}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = build_page_site(tmp_path / "site")
    with serve_directory(root) as url:
        yield root, url


def config_with(path: Path, sources: list[dict[str, str]], **fetch: object) -> Path:
    """A test config declaring ``sources`` (name, url, kind, selector...)."""
    write_config(path, {}, **fetch)
    lines = []
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{key} = {value!r}" for key, value in source.items()]
    with path.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return path


def make_cli(tmp_path: Path, sources: list[dict[str, str]], **fetch: object) -> Cli:
    config = config_with(tmp_path / "tracker.toml", sources, **fetch)
    return Cli(config, f"sqlite:///{tmp_path / 'test.db'}")


def rows(cli: Cli, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(cli.db.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql, args).fetchall()


def expected_paths(name: str) -> list[str]:
    paths = [item["url"] for item in LISTINGS[name]["items"]]
    for more in FOLLOWED.get(name, []):
        paths += [item["url"] for item in LISTINGS[more]["items"]]
    return paths


def said(result: Any) -> str:
    """What a command wrote to stderr, with the console's line wrapping undone."""
    return " ".join(str(result.stderr).split())


def path_of(url: str, base: str) -> str:
    return url.removeprefix(base)


def test_dry_run_finds_the_article_links_of_every_listing_shape(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    _, base = site
    cli = make_cli(tmp_path, [])
    found_total = right_total = expected_total = 0
    for name in LISTINGS:
        if name == "press-page2.html":
            continue  # read as page 2 of press-page1.html
        result = cli("sources", "test", f"{base}/{name}", "--format", "json", "--limit", "100")
        assert result.exit_code == 0, (name, result.output)
        taken = [path_of(row["url"], base) for row in json.loads(result.stdout)]
        want = expected_paths(name)
        right = len(set(taken) & set(want))
        found_total, right_total, expected_total = (
            found_total + len(taken),
            right_total + right,
            expected_total + len(want),
        )
        assert taken == want, name
        assert "nothing stored" in said(result)
    precision, recall = right_total / found_total, right_total / expected_total
    print(f"links: precision {precision:.3f} recall {recall:.3f} over {expected_total}")
    assert precision == recall == 1.0
    # nothing was written: a dry run does not even create the tables' rows
    assert not Path(cli.db.removeprefix("sqlite:///")).exists() or rows(
        cli, "SELECT count(*) FROM article"
    ) == [(0,)]


def test_dry_run_shows_dates_and_where_they_came_from(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    _, base = site
    cli = make_cli(tmp_path, [])
    result = cli("sources", "test", f"{base}/press-page1.html", "--format", "json")
    assert result.exit_code == 0, result.output
    shown = {path_of(row["url"], base): row for row in json.loads(result.stdout)}
    for page in ("press-page1.html", "press-page2.html"):
        for item in LISTINGS[page]["items"]:
            row = shown[item["url"]]
            assert row["title"] == item["title"]
            assert row["published_at"] == item["published"]
            assert row["date_from"] == item["date_source"]
    assert "2 document(s)" in said(result)


def test_dry_run_of_a_stored_source_by_name_and_of_a_sitemap(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    _, base = site
    cli = make_cli(
        tmp_path,
        [
            {"name": "cards", "url": f"{base}/newsroom-cards.html", "kind": "page"},
            {"name": "index", "url": f"{base}/sitemap-index.xml", "kind": "sitemap"},
        ],
    )
    assert cli("fetch").exit_code == 0
    before = rows(cli, "SELECT count(*) FROM article")
    result = cli("sources", "test", "cards", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == len(LISTINGS["newsroom-cards.html"]["items"])
    assert "layout: same as the one accepted" in said(result)
    result = cli("sources", "test", "index", "--format", "json", "--limit", "100")
    assert result.exit_code == 0, result.output
    entries = EXPECTED["sitemaps"]["sitemap-2026-10.xml.gz"]["entries"]
    entries += EXPECTED["sitemaps"]["sitemap-2026-11.xml.gz"]["entries"]
    assert {path_of(row["url"], base) for row in json.loads(result.stdout)} == {
        e["url"] for e in entries
    }
    # a URL whose kind is not given is told apart by what it answers
    result = cli("sources", "test", f"{base}/sitemap-news.xml", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "sitemap source" in said(result)
    assert rows(cli, "SELECT count(*) FROM article") == before


def article_dates(cli: Cli, base: str) -> dict[str, datetime]:
    found = {}
    for url, published in rows(cli, "SELECT canonical_url, published_at FROM article"):
        found[path_of(url, base)] = datetime.fromisoformat(published).replace(tzinfo=None)
    return found


def naive(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def test_page_sources_store_their_articles_with_dates_in_order_of_trust(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    _, base = site
    names = [n for n in LISTINGS if n not in ("press-page2.html", "layout-v2.html")]
    cli = make_cli(
        tmp_path,
        [{"name": n.removesuffix(".html"), "url": f"{base}/{n}", "kind": "page"} for n in names],
    )
    result = cli("fetch", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["failed_sources"] == []
    dates = article_dates(cli, base)
    want = {p for n in names for p in expected_paths(n)}
    assert set(dates) == want
    for name in [*names, "press-page2.html"]:
        for item in LISTINGS[name]["items"]:
            stated = naive(item["published"])
            if item["date_source"] == "listing":
                assert dates[item["url"]] == stated, item["url"]  # the listing wins
            elif item["url"].endswith(".pdf"):
                assert dates[item["url"]] == stated  # no page to read: the URL's date
            else:  # the page's metadata beats the date in the URL
                assert dates[item["url"]] == stated + PAGE_DATE_SHIFT, item["url"]
    # the article pages were fetched and extracted, not just their titles kept
    texts = rows(cli, "SELECT count(*) FROM article WHERE text_origin = 'page'")
    assert texts[0][0] >= len(want) - 1  # all but the PDF


# A sitemap source takes the entries since its last fetch (less a margin): the clock is pinned
# to the sample's days, which the new entry's date follows.
@time_machine.travel(SAMPLE_NOW, tick=True)
def test_a_second_fetch_takes_only_what_is_new(tmp_path: Path, site: tuple[Path, str]) -> None:
    root, base = site
    cli = make_cli(
        tmp_path,
        [
            {"name": "cards", "url": f"{base}/newsroom-cards.html", "kind": "page"},
            {"name": "press", "url": f"{base}/press-page1.html", "kind": "page"},
            {"name": "news", "url": f"{base}/sitemap-news.xml", "kind": "sitemap"},
            {"name": "index", "url": f"{base}/sitemap-index.xml", "kind": "sitemap"},
        ],
    )
    first = json.loads(cli("fetch", "--format", "json").stdout)
    stored = rows(cli, "SELECT count(*) FROM article")[0][0]
    assert first["new_articles"] + first["linked"] >= stored > 20
    # Unchanged sources answer 304: nothing parsed, nothing taken.
    again = json.loads(cli("fetch", "--all", "--format", "json").stdout)
    assert again["new_articles"] == 0
    # New items at the top of a listing and of a sitemap: only they are taken; the press
    # list is not paged through again (its first page has known links).
    cards = root / "newsroom-cards.html"
    html = cards.read_text(encoding="utf-8")
    first_card = html.index('<article class="card')
    card_end = html.index("</article>", first_card) + len("</article>")
    card = html[first_card:card_end]
    fresh_card = card.replace(
        "kestrel-begins-volume-shipments-of-650v-gan-power-stages",
        "kestrel-doubles-gan-capacity",
    ).replace("Kestrel begins volume shipments of 650 V GaN", "Kestrel doubles GaN capacity;")
    assert fresh_card != card
    cards.write_text(html[:first_card] + fresh_card + html[first_card:], encoding="utf-8")
    changed(cards)
    news = root / "sitemap-news.xml"
    xml = news.read_text(encoding="utf-8")
    entry = (
        f"<url><loc>{base}/news/2026/11/25/a-new-story</loc><news:news><news:publication>"
        "<news:name>Wafer &amp; Board Weekly</news:name><news:language>en</news:language>"
        "</news:publication><news:publication_date>2026-11-25T08:00:00Z"
        "</news:publication_date><news:title>A new story</news:title></news:news></url>"
    )
    news.write_text(xml.replace("</urlset>", entry + "</urlset>"), encoding="utf-8")
    changed(news)
    third = json.loads(cli("fetch", "--all", "--format", "json").stdout)
    assert third["new_articles"] == 2, third
    by_source = {s["source"]: s for s in third["sources"]}
    assert by_source["cards"]["new"] == 1
    assert by_source["news"]["new"] == 1
    assert rows(cli, "SELECT count(*) FROM article")[0][0] == stored + 2
    dupes = rows(cli, "SELECT canonical_url FROM article GROUP BY canonical_url HAVING count(*)>1")
    assert dupes == []


def changed(path: Path) -> None:
    """Mark ``path`` as changed for the server: Last-Modified has a one-second grain, and an
    edit within the second of the last fetch would otherwise be answered 304."""
    touch_later(path)


def health_of(cli: Cli, name: str) -> dict[str, Any]:
    result = cli("sources", "health", "--format", "json")
    assert result.exit_code == 0, result.output
    by_name = {row["name"]: row for row in json.loads(result.stdout)}
    found: dict[str, Any] = by_name[name]
    return found


def fetched_newsroom(
    tmp_path: Path, site: tuple[Path, str], fixture: str, name: str
) -> tuple[Path, Cli]:
    """A page source ``name`` at /newsroom.html, first served as ``fixture``, fetched once."""
    root, base = site
    page = root / "newsroom.html"
    shutil.copy(root / fixture, page)
    cli = make_cli(tmp_path, [{"name": name, "url": f"{base}/newsroom.html", "kind": "page"}])
    assert cli("fetch").exit_code == 0
    return page, cli


# Health is "silent" for a source whose stories stopped a while ago: the clock is pinned to
# the sample's days, when the newsroom's stories are fresh.
@time_machine.travel(SAMPLE_NOW, tick=True)
def test_a_redesign_is_flagged_as_layout_changed_until_accepted(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    page, cli = fetched_newsroom(tmp_path, site, "layout-v1.html", "corvid")
    root = site[0]
    assert health_of(cli, "corvid")["state"] == "ok"
    shutil.copy(root / "layout-v2.html", page)
    changed(page)
    result = cli("fetch", "--all", "--format", "json")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)["sources"][0]
    assert outcome["new"] == 1  # the new article is still taken
    health = health_of(cli, "corvid")
    assert health["state"] == "layout changed"
    assert "another block" in health["layout_note"]
    table = cli("sources", "health")
    assert "layout" in table.stdout
    assert "change" in table.stdout
    assert "corvid: layout changed" in said(table)
    # the dry run says so too, and accepting the layout clears it
    assert "layout: CHANGED" in said(cli("sources", "test", "corvid"))
    assert cli("sources", "set", "corvid", "--accept-layout").exit_code == 0
    assert health_of(cli, "corvid")["state"] == "ok"
    assert cli("fetch", "--all").exit_code == 0
    assert health_of(cli, "corvid")["state"] == "ok"


def test_a_page_that_lost_its_links_fails_with_layout_changed(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    page, cli = fetched_newsroom(tmp_path, site, "newsroom-cards.html", "kestrel")
    page.write_text(
        "<html><head><title>Newsroom</title></head><body><div id='app'></div>"
        "<script src='/bundle.js'></script></body></html>",
        encoding="utf-8",
    )
    changed(page)
    result = cli("fetch", "--all", "--format", "json")
    assert result.exit_code == 3, result.output
    failed = json.loads(result.stdout)["sources"][0]
    assert failed["error_class"] == "layout_changed"
    health = health_of(cli, "kestrel")
    assert health["state"] == "layout changed"
    assert health["last_error_class"] == "layout_changed"
    assert health["layout_note"] == "no article links found on the page"
    # the articles stored before are all still there
    assert rows(cli, "SELECT count(*) FROM article")[0][0] == len(
        LISTINGS["newsroom-cards.html"]["items"]
    )


def test_a_selector_names_the_links_when_detection_errs(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    _, base = site
    cli = make_cli(tmp_path, [])
    url = f"{base}/busy-nav.html"
    result = cli(
        "sources", "test", url, "--selector", "footer a", "--format", "json", "--limit", "200"
    )
    assert result.exit_code == 0, result.output
    footer = {row["url"] for row in json.loads(result.stdout)}
    assert footer
    assert not footer & {base + p for p in expected_paths("busy-nav.html")}
    bad = cli("sources", "test", url, "--selector", "a[[")
    assert bad.exit_code == 1
    assert "selector" in said(bad).lower()
    added = cli("sources", "add", url, "--name", "busy", "--xpath", "//footer//a")
    assert added.exit_code == 0, added.output
    assert rows(cli, "SELECT kind, xpath FROM source") == [("page", "//footer//a")]
    assert cli("sources", "set", "busy", "--detect").exit_code == 0
    assert rows(cli, "SELECT kind, xpath, selector FROM source") == [("page", None, None)]


def test_discovery_offers_the_feeds_a_home_page_declares(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    _, base = site
    cli = make_cli(tmp_path, [])
    url = f"{base}/home-with-alternate.html"
    offered = cli("sources", "add", url, "--format", "json")
    assert offered.exit_code == 2, offered.output
    offers = json.loads(offered.stdout)
    want = EXPECTED["feeds"]["home-with-alternate.html"]
    assert [path_of(o["url"], base) for o in offers] == [f["url"] for f in want]
    assert [o["found_by"] for o in offers] == [f["found_by"] for f in want]
    working = [o for o in offers if o["error"] is None]
    assert len(working) == 3
    assert all(o["entries"] > 0 for o in working)
    assert "404" in offers[3]["error"]  # the comments feed is declared but missing
    assert "--pick" in said(offered)
    assert cli("sources", "list", "--format", "json").stdout.strip() == "[]"
    picked = cli("sources", "add", url, "--pick", "2")
    assert picked.exit_code == 0, picked.output
    assert rows(cli, "SELECT name, url, kind FROM source") == [
        ("kestrel-engineering-blog-atom", f"{base}/blog/atom.xml", "feed")
    ]
    assert cli("sources", "add", url, "--pick", "4").exit_code == 2  # not a working feed


def test_discovery_follows_feed_links_then_common_paths(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    root, base = site
    cli = make_cli(tmp_path, [])
    # no <link rel="alternate">: the footer's anchor to /rss.xml is found and checked
    result = cli("sources", "add", f"{base}/home-without-alternate.html", "--pick", "1")
    assert result.exit_code == 0, result.output
    assert rows(cli, "SELECT url, kind FROM source") == [(f"{base}/rss.xml", "feed")]
    # a page naming no feed at all: the common paths are probed (/rss.xml exists)
    offered = cli("sources", "add", f"{base}/ir-plain-list.html", "--format", "json")
    assert offered.exit_code == 2, offered.output
    offers = json.loads(offered.stdout)
    assert [(path_of(o["url"], base), o["found_by"]) for o in offers] == [
        ("/rss.xml", "common_path")
    ]
    # without it: no feed anywhere; the page itself can be followed instead
    (root / "rss.xml").unlink()
    none = cli("sources", "add", f"{base}/ir-plain-list.html")
    assert none.exit_code == 1
    assert "offers no feed" in said(none)
    assert "--kind page" in said(none)
    page = cli("sources", "add", f"{base}/ir-plain-list.html", "--kind", "page", "--name", "ir")
    assert page.exit_code == 0, page.output
    # a feed or a sitemap given directly is added as what it is
    assert cli("sources", "add", f"{base}/newsroom/feed.json").exit_code == 0
    assert cli("sources", "add", f"{base}/sitemap-index.xml", "--name", "sm").exit_code == 0
    kinds = dict(rows(cli, "SELECT name, kind FROM source"))
    assert kinds["ir"] == "page"
    assert kinds["sm"] == "sitemap"
    assert sorted(kinds.values()) == ["feed", "feed", "page", "sitemap"]


def test_links_off_the_sources_host_are_guarded_and_robots_respected(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    root, base = site
    port = base.rsplit(":", 1)[1]
    page = root / "mixed.html"
    items = "".join(
        f'<li><a href="{host}/press/2026/11/{day:02d}/story-number-{day}">Story number {day} '
        f"about capacity at the Suzhou plant</a> <time datetime='2026-11-{day:02d}'></time></li>"
        for day, host in (
            (3, f"http://127.0.0.2:{port}"),
            (4, f"http://localhost:{port}"),
            (5, f"http://[::1]:{port}"),
            (6, ""),
            (7, ""),
        )
    )
    page.write_text(f"<html><body><main><ul>{items}</ul></main></body></html>", encoding="utf-8")
    for day in (6, 7):
        story = root / f"press/2026/11/{day:02d}/story-number-{day}"
        story.parent.mkdir(parents=True, exist_ok=True)
        story.write_text(
            f"<html><body><article><h1>Story {day}</h1><p>{'Capacity grows. ' * 40}</p>"
            "</article></body></html>",
            encoding="utf-8",
        )
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /press/2026/11/07/\n")
    cli = make_cli(
        tmp_path,
        [{"name": "mixed", "url": f"{base}/mixed.html", "kind": "page"}],
        allow_private_hosts=False,
    )
    result = cli("fetch", "--format", "json")
    assert result.exit_code == 0, result.output  # the operator's own URL is allowed
    notes = dict(rows(cli, "SELECT canonical_url, coalesce(text_note, '') FROM article"))
    assert len(notes) == 5
    guarded = [n for u, n in notes.items() if "story-number-6" not in u and "-7" not in u]
    assert all("not fetched" in n for n in guarded), notes
    assert any("robots" in n for u, n in notes.items() if "story-number-7" in u)
    fetched = [n for u, n in notes.items() if "story-number-6" in u]
    assert fetched == [""]


def test_opml_export_keeps_to_feeds(tmp_path: Path, site: tuple[Path, str]) -> None:
    _, base = site
    cli = make_cli(tmp_path, [])
    assert cli("sources", "add", f"{base}/newsroom/feed.xml", "--name", "feed").exit_code == 0
    assert cli("sources", "add", f"{base}/sitemap-news.xml", "--name", "map").exit_code == 0
    exported = cli("sources", "export-opml")
    assert exported.exit_code == 0
    assert "/newsroom/feed.xml" in exported.stdout
    assert "sitemap-news" not in exported.stdout
    assert "not exported (page and sitemap sources): map" in said(exported)
