"""Screenshots of the web workspace's main pages, for the README.

    .venv/bin/tracker --config config/demo.toml --db sqlite:///demo.db demo
    .venv/bin/python -m tools.screenshots sqlite:///demo.db docs/web [ARTICLE_ID]

Serves the database on a free port of 127.0.0.1 and photographs the pages in Debian's
chromium (/usr/bin/chromium) through Playwright.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.web.conftest import Server
from tracker.catalog.gazetteer import load_gazetteer
from tracker.config import Settings
from tracker.store import Store
from tracker.web.app import create_app

PAGES = {
    "search": "/search?q=supply+OR+supplier",
    "article": "/article/{article}",
    "vendor": "/vendor/Apple",
    "exposure": "/exposure?question=customer&name=Apple",
    "sources": "/sources",
}


def busiest_article(store: Store) -> int:
    """The article with the most relations (the fetch order, so the ids, vary between demos)."""
    from sqlalchemy import func, select

    from tracker.store.tables import Relation

    with store.read_session() as session:
        n = func.count()
        found = session.connection().execute(
            select(Relation.article_id).group_by(Relation.article_id).order_by(n.desc()).limit(1)
        )
        return int(found.scalar_one())


def main(db_url: str, out: Path, article: int | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings(path=None, timezone="UTC")
    store = Store(db_url, migrate=False)
    article = article or busiest_article(store)
    server = Server(create_app(store, settings, load_gazetteer(settings.vendors_file)))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            tab = browser.new_page(viewport={"width": 1280, "height": 860})
            for name, path in PAGES.items():
                tab.goto(server.url + path.format(article=article))
                tab.screenshot(path=str(out / f"{name}.png"))
                print(out / f"{name}.png")
            browser.close()
    finally:
        server.stop()
        store.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), *(int(a) for a in sys.argv[3:4]))
