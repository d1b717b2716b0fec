"""The sources page adds a source as `tracker sources add` does: feed discovery on a page, the
dry run of what a first fetch would take, then the add; for analysts only, with CSRF. Every
fetch goes to a site served on 127.0.0.1 (tests/pagesite.py)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pagesite import EXPECTED, build_page_site
from tests.web.conftest import PASSWORD, ServeFn, Store, auth_settings
from tracker.config import Settings
from tracker.devserver import serve_directory
from tracker.store.sources import all_sources

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    root = build_page_site(tmp_path / "site")
    with serve_directory(root) as url:
        yield url


def loopback(settings: Settings | None = None) -> Settings:
    """Settings that let the server fetch the test site on 127.0.0.1."""
    settings = settings or Settings(path=None)
    fetch = dataclasses.replace(settings.fetch, allow_private_hosts=True)
    return dataclasses.replace(settings, fetch=fetch)


def post(client: object, path: str, **form: str) -> object:
    page = client.get("/sources")  # type: ignore[attr-defined]
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    return client.post(path, data={"csrf": token, **form})  # type: ignore[attr-defined]


def stored(store: Store) -> dict[str, tuple[str, str]]:
    with store.session() as session:
        return {s.name: (s.url, s.kind) for s in all_sources(session)}


def test_a_page_offers_its_feeds_and_one_is_added(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]], site: str
) -> None:
    store = web_store[0]
    before = stored(store)
    with serve(loopback()).client() as client:
        looked = post(client, "/sources/try", url=f"{site}/home-with-alternate.html", kind="auto")
        assert looked.status_code == 200  # type: ignore[attr-defined]
        offers = re.findall(r'class="offer[^"]*" data-url="([^"]+)"', looked.text)  # type: ignore[attr-defined]
        want = [site + f["url"] for f in EXPECTED["feeds"]["home-with-alternate.html"]]
        assert offers == [*want, f"{site}/home-with-alternate.html"]  # the page itself last
        assert "404" in looked.text  # type: ignore[attr-defined]  # the missing comments feed
        assert stored(store) == before  # looking stores nothing
        tried = post(client, "/sources/try", url=f"{site}/blog/atom.xml", kind="feed")
        assert tried.status_code == 200  # type: ignore[attr-defined]
        assert re.search(r"\d+ entries from 1 document\(s\)", tried.text)  # type: ignore[attr-defined]
        assert "nothing stored" in tried.text  # type: ignore[attr-defined]
        assert stored(store) == before
        added = post(client, "/sources/add", url=f"{site}/blog/atom.xml", kind="feed",
                     name="kestrel")  # fmt: skip
        assert added.status_code == 303  # type: ignore[attr-defined]
        assert added.headers["location"] == "/sources?added=kestrel"  # type: ignore[attr-defined]
        again = post(client, "/sources/add", url=f"{site}/blog/atom.xml", kind="feed")
        assert again.status_code == 400  # type: ignore[attr-defined]
        assert "already the source" in again.text  # type: ignore[attr-defined]
    assert stored(store)["kestrel"] == (f"{site}/blog/atom.xml", "feed")


def test_auto_finds_what_a_url_is_and_a_page_asks_for_a_choice(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]], site: str
) -> None:
    store = web_store[0]
    with serve(loopback()).client() as client:
        feed = post(client, "/sources/try", url=f"{site}/newsroom/feed.json", kind="auto")
        assert "Dry run: feed" in feed.text  # type: ignore[attr-defined]
        page = post(client, "/sources/add", url=f"{site}/home-with-alternate.html", kind="auto")
        assert page.status_code == 400  # type: ignore[attr-defined]
        assert "is a page" in page.text  # type: ignore[attr-defined]
        listing = post(client, "/sources/try", url=f"{site}/ir-plain-list.html", kind="page")
        assert "Dry run: page" in listing.text  # type: ignore[attr-defined]
        assert "Links found in" in listing.text  # type: ignore[attr-defined]
        added = post(client, "/sources/add", url=f"{site}/sitemap-index.xml", kind="auto",
                     name="map")  # fmt: skip
        assert added.status_code == 303  # type: ignore[attr-defined]
        bad = post(client, "/sources/try", url="javascript:alert(1)", kind="auto")
        assert bad.status_code == 400  # type: ignore[attr-defined]
        assert "is not an http(s) URL" in bad.text  # type: ignore[attr-defined]
    assert stored(store)["map"] == (f"{site}/sitemap-index.xml", "sitemap")
    assert f"{site}/home-with-alternate.html" not in {u for u, _ in stored(store).values()}


def test_only_analysts_add_and_only_with_the_csrf_token(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]], site: str
) -> None:
    store = web_store[0]
    before = stored(store)
    server = serve(loopback(auth_settings()))
    with server.client() as client:
        client.post("/login", data={"csrf": CSRF.search(client.get("/login").text).group(1),  # type: ignore[union-attr]
                                    "user": "vic", "password": PASSWORD})  # fmt: skip
        page = client.get("/sources")
        assert 'action="/sources/try"' not in page.text  # a viewer sees no form
        refused = post(client, "/sources/add", url=f"{site}/blog/atom.xml", kind="feed")
        assert refused.status_code == 403  # type: ignore[attr-defined]
        looked = post(client, "/sources/try", url=f"{site}/blog/atom.xml", kind="feed")
        assert looked.status_code == 403  # type: ignore[attr-defined]
    with server.client() as client:
        client.post("/login", data={"csrf": CSRF.search(client.get("/login").text).group(1),  # type: ignore[union-attr]
                                    "user": "ann", "password": PASSWORD})  # fmt: skip
        forged = client.post("/sources/add", data={"csrf": "forged", "kind": "feed",
                                                   "url": f"{site}/blog/atom.xml"})  # fmt: skip
        assert forged.status_code == 403
    assert stored(store) == before
