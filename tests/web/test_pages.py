"""The workspace's pages over HTTP from a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.web.conftest import HOSTILE_TITLE, ServeFn, Store


def test_search_with_facets_snippets_and_the_query_in_the_url(serve: ServeFn) -> None:
    with serve().client() as client:
        page = client.get("/search", params={"q": "assemble OR trays"})
        assert page.status_code == 200
        assert "Luxshare to assemble iPhones in Vietnam" in page.text
        assert "<b>assemble</b>" in page.text  # the snippet's matched word
        # facets link to the same search narrowed, the query kept in the URL
        assert 'href="/search?q=assemble+OR+trays&amp;vendor=Luxshare"' in page.text
        narrowed = client.get("/search", params={"q": "assemble OR trays", "vendor": "Luxshare"})
        assert "Luxshare to assemble" in narrowed.text
        assert "Foxconn wins" not in narrowed.text
        by_source = client.get("/search", params={"q": "assemble OR trays", "source": "other"})
        assert "Foxconn wins" in by_source.text
        assert "Luxshare to assemble" not in by_source.text
        later = client.get("/search", params={"q": "assemble", "since": "2026-11-21"})
        assert "Nothing found" in later.text


def test_a_bad_query_is_a_message_not_an_error(serve: ServeFn) -> None:
    with serve().client() as client:
        page = client.get("/search", params={"q": '"unclosed'})
        assert page.status_code == 400
        assert 'class="error"' in page.text


def test_article_shows_highlighted_evidence_sources_and_the_link(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    first = web_store[1]["first"]
    with serve().client() as client:
        page = client.get(f"/article/{first}")
        missing = client.get("/article/999999")
    assert page.status_code == 200
    assert missing.status_code == 404
    assert '<mark class="vendor" title="Luxshare">Luxshare</mark>' in page.text
    assert '<mark class="product" title="iPhone">iPhone</mark>' in page.text
    assert '<span class="evidence"><mark class="vendor"' in page.text
    assert 'href="https://news.example/2026/luxshare-apple?utm_source=rss"' in page.text
    assert "wire" in page.text
    assert "capacity" in page.text


def test_vendor_page_profile_chart_and_relations(serve: ServeFn) -> None:
    with serve().client() as client:
        page = client.get("/vendor/Luxshare")
        missing = client.get("/vendor/Nobody Inc")
    assert page.status_code == 200
    assert "<dd>ems</dd>" in page.text
    assert "<dd>CN</dd>" in page.text
    assert "<svg" in page.text
    assert 'class="mentions"' in page.text
    assert re.search(r"1 articles, 1 events in 26 weeks", page.text)
    assert 'data-supplier="Luxshare" data-customer="Apple"' in page.text
    assert missing.status_code == 404


def test_sources_page_lists_health(serve: ServeFn) -> None:
    with serve().client() as client:
        page = client.get("/sources")
    assert page.status_code == 200
    assert "https://news.example/feed" in page.text
    assert 'class="state' in page.text


def test_feed_text_is_escaped_and_only_http_links_are_made(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    hostile = web_store[1]["hostile"]
    with serve().client() as client:
        results = client.get("/search", params={"q": "trays"})
        article = client.get(f"/article/{hostile}")
    for page in (results, article):
        assert "<script>alert" not in page.text
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text
        assert "javascript:" not in page.text.replace(HOSTILE_TITLE, "")
        assert "<img src=x" not in page.text
    assert 'class="unsafe-link"' in article.text  # shown as text, not as a link


def test_pages_carry_a_content_security_policy_without_inline_script(serve: ServeFn) -> None:
    with serve().client() as client:
        page = client.get("/search")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text
    assert "onclick" not in page.text
