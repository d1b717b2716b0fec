"""The exposure page: the CLI's questions as a form, the answer with its explanations and the
graph drawn; a rejected relation leaves it."""

from __future__ import annotations

import re

from tests.web.conftest import ServeFn, Store
from tests.web.test_review import review
from tracker.config import Settings, Watchlist


def test_exposure_answers_with_rows_and_a_graph(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    ids = web_store[1]
    with serve().client() as client:
        empty = client.get("/exposure")
        answer = client.get("/exposure", params={"question": "customer", "name": "Nvidia"})
        unknown = client.get("/exposure", params={"question": "customer", "name": "Nobodyco"})
        assert empty.status_code == 200
        assert answer.status_code == 200
        assert 'href="/vendor/Foxconn"' in answer.text
        # the catalog declares the link and an article reports it
        assert link_kind(answer.text, "Foxconn") == "both"
        assert unknown.status_code == 400
        assert "Nobodyco" in unknown.text
        review(client, ids["hostile"], "rejected", kind="relation",
               supplier="Foxconn", customer="Nvidia")  # fmt: skip
        after = client.get("/exposure", params={"question": "customer", "name": "Nvidia"})
    assert link_kind(after.text, "Foxconn") == "declared"  # the report is gone


def link_kind(page: str, supplier: str) -> str | None:
    found = re.search(rf'<line class="link (\w+)[^>]*><title>Nvidia – {supplier}:', page)
    return found.group(1) if found else None


def test_a_watchlist_of_the_config(serve: ServeFn) -> None:
    settings = Settings(path=None, watchlists=(Watchlist(name="gpus", vendors=("Nvidia",)),))
    with serve(settings).client() as client:
        page = client.get("/exposure")
        answer = client.get("/exposure", params={"question": "watchlist", "name": "gpus"})
    assert 'href="/exposure?question=watchlist&amp;name=gpus"' in page.text
    assert answer.status_code == 200
    assert 'href="/vendor/Nvidia"' in answer.text
