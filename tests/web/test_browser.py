"""The workspace in a real browser: Debian's chromium driven by Playwright (never a browser
Playwright downloads). Under CI a missing chromium fails these tests; elsewhere they skip,
saying how to install it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pagesite import build_page_site
from tests.web.conftest import PASSWORD, ServeFn, Store, auth_settings
from tests.web.test_sources_add import loopback
from tracker.devserver import serve_directory

CHROMIUM = os.environ.get("TRACKER_TEST_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"no chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems
    try:
        yield tab
    finally:
        context.close()


def test_search_with_a_facet(page: Any, serve: ServeFn) -> None:
    server = serve()
    page.goto(f"{server.url}/search")
    page.fill("form.search input[name=q]", "assemble OR trays")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**q=assemble**")
    assert page.locator("article.hit").count() == 2
    page.click("aside.facets a[data-facet=vendor]:text-is('Luxshare')")
    page.wait_for_url("**vendor=Luxshare**")
    titles = page.locator("article.hit h3").all_inner_texts()
    assert titles == ["Luxshare to assemble iPhones in Vietnam"]
    assert page.problems == []


def test_open_an_article_and_see_highlighted_evidence(page: Any, serve: ServeFn) -> None:
    server = serve()
    page.goto(f"{server.url}/search?q=assemble")
    page.click("article.hit h3 a")
    page.wait_for_url("**/article/**")
    evidence = page.locator(".text span.evidence")
    assert evidence.count() == 1
    assert "Luxshare will assemble the iPhone" in evidence.inner_text()
    mark = page.locator(".text mark.vendor").first
    assert mark.inner_text() == "Luxshare"
    # the stylesheet applied under the Content-Security-Policy: the mark is coloured
    colour = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.problems == []


def test_reject_a_relation_and_see_it_gone(
    page: Any, serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    server = serve()
    hostile = web_store[1]["hostile"]
    page.goto(f"{server.url}/vendor/Nvidia")
    assert page.locator(".relation[data-supplier=Foxconn]").count() == 1
    page.goto(f"{server.url}/article/{hostile}")
    page.on("dialog", lambda d: d.accept())  # a script must not pop anything up
    relation = page.locator(".relation[data-supplier=Foxconn]")
    relation.locator("button.reject").click()
    page.wait_for_load_state()
    assert "rejected by review" in page.locator(".relation[data-supplier=Foxconn]").inner_text()
    page.goto(f"{server.url}/vendor/Nvidia")
    assert page.locator(".relation[data-supplier=Foxconn]").count() == 0
    assert page.locator(".rejected-count").inner_text() == "1"
    # the feed's script in the title was shown as text, never run
    assert page.problems == []


def test_log_in_when_auth_is_configured(page: Any, serve: ServeFn) -> None:
    server = serve(auth_settings())
    page.goto(f"{server.url}/sources")
    page.wait_for_url("**/login**")
    page.fill("input[name=user]", "ann")
    page.fill("input[name=password]", "not it")
    page.click("form.login button")
    assert "wrong name or password" in page.content()
    page.fill("input[name=user]", "ann")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button")
    page.wait_for_url("**/sources")
    assert "ann (analyst)" in page.locator("header").inner_text()
    page.click("header form.who button")
    page.wait_for_url("**/login**")
    page.goto(f"{server.url}/sources")
    page.wait_for_url("**/login**")


def test_reject_then_confirm_a_product_link(
    page: Any, serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    server = serve()
    first = web_store[1]["first"]
    page.goto(f"{server.url}/article/{first}")
    link = page.locator(".product-link[data-product=iPhone]")
    assert "catalog apple-iphone" in link.inner_text()
    link.locator("button.reject").click()
    page.wait_for_load_state()
    link = page.locator(".product-link[data-product=iPhone]")
    assert "rejected by review" in link.inner_text()
    assert page.locator(".text mark.product.rejected").count() == 1
    page.goto(f"{server.url}/vendor/Apple")
    assert page.locator(".rejected-count").inner_text() == "1"
    page.goto(f"{server.url}/article/{first}")
    page.locator(".product-link[data-product=iPhone] button.undo").click()
    page.wait_for_load_state()
    page.locator(".product-link[data-product=iPhone] button.confirm").click()
    page.wait_for_load_state()
    assert "confirmed by review" in page.locator(".product-link[data-product=iPhone]").inner_text()
    assert page.locator(".text mark.product.rejected").count() == 0
    assert page.problems == []


def test_add_a_source_after_its_dry_run(
    page: Any, serve: ServeFn, web_store: tuple[Store, dict[str, int]], tmp_path: Path
) -> None:
    root = build_page_site(tmp_path / "site")
    with serve_directory(root) as site:
        server = serve(loopback())
        page.goto(f"{server.url}/sources")
        page.fill("form.add-source input[name=url]", f"{site}/home-with-alternate.html")
        page.click("form.add-source button.look")
        page.wait_for_url("**/sources/try")
        offer = page.locator(f"tr.offer[data-url='{site}/blog/atom.xml']")
        offer.locator("button.look").click()  # the dry run of the Atom feed
        page.wait_for_load_state()
        assert "nothing stored" in page.locator("section.look h2").inner_text()
        assert page.locator("table.trial tbody tr").count() > 1
        page.locator("section.look form.source-choice button.add").click()
        page.wait_for_url("**/sources?added=**")
        assert "Added the source" in page.locator("p.notice").inner_text()
        assert page.locator(f"table.sources a[href='{site}/blog/atom.xml']").count() == 1
    assert page.problems == []
