"""A site for page and sitemap sources: fixtures/pages plus the articles and feeds they point to.

fixtures/pages holds the listing pages, home pages and sitemaps; this writes, beside a copy
of them, an article page for every link a listing or a sitemap names (so a fetch can follow
them) and the feeds the home pages declare (copied from the sample site).

Article pages carry a JSON-LD ``datePublished`` that differs from the listing's date on
purpose: ``PAGE_DATE_SHIFT`` later than the date the listing (or the URL) gives. A stored
article therefore shows where its date came from: listing dates win over the page's
metadata, which wins over a date read from the URL.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "fixtures" / "pages"
SITE = ROOT / "fixtures" / "site"
EXPECTED: dict[str, Any] = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
PAGE_DATE_SHIFT = timedelta(hours=9, minutes=30)

# Feeds the home pages name, and the sample feed each is a copy of.
FEEDS = {
    "newsroom/feed.xml": "feeds/fabledger.xml",
    "blog/atom.xml": "feeds/componentwire.atom",
    "newsroom/feed.json": "feeds/supplyline.json",
    "rss.xml": "feeds/fabledger.xml",
}

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script type="application/ld+json">{ld}</script></head>
<body><header><nav><a href="/">Home</a> <a href="/news/">News</a></nav></header>
<main><article><h1>{title}</h1>
<p>{title}. The company said the change follows two quarters of steady demand from
server and automotive customers, and that it had told its distributors before the
announcement. Volumes will rise through the first half of next year.</p>
<p>Analysts who follow the supply chain said the move was expected. Capacity for the
parts concerned has been tight since the spring, with lead times stretching and buyers
placing orders further ahead than usual to secure allocation.</p>
<p>The company did not give financial terms. It will report its results for the quarter
at the end of January, when it expects to say more about pricing and capacity.</p>
</article></main><footer>Contact us</footer></body></html>
"""


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _file_for(path: str) -> str:
    path = urlsplit(path).path.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def page_dates() -> dict[str, datetime]:
    """The date every article page declares in its metadata, by URL path."""
    dates: dict[str, datetime] = {}
    for listing in EXPECTED["listings"].values():
        for item in listing["items"]:
            if item["published"]:
                dates[item["url"]] = _parse(item["published"]) + PAGE_DATE_SHIFT
    for sitemap in EXPECTED["sitemaps"].values():
        for entry in sitemap.get("entries", []):
            when = entry["published"] or entry["modified"]
            if when and entry["url"] not in dates:
                dates[entry["url"]] = _parse(when) + PAGE_DATE_SHIFT
    return dates


def titles() -> dict[str, str]:
    """A title for every article page, by URL path."""
    found: dict[str, str] = {}
    for listing in EXPECTED["listings"].values():
        for item in listing["items"]:
            found[item["url"]] = item["title"]
    for sitemap in EXPECTED["sitemaps"].values():
        for entry in sitemap.get("entries", []):
            found.setdefault(entry["url"], entry["title"] or entry["url"].rsplit("/", 1)[-1])
    return found


def build_page_site(root: Path) -> Path:
    """Write the site into ``root`` (created); returns it."""
    root.mkdir(parents=True, exist_ok=True)
    for fixture in PAGES.iterdir():
        if fixture.is_file() and fixture.name not in ("README.md", "expected.json"):
            shutil.copy(fixture, root / fixture.name)
    dates = page_dates()
    for path, title in titles().items():
        if path.endswith(".pdf"):
            continue
        target = root / _file_for(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        ld: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle"}
        ld["headline"] = title
        if path in dates:
            ld["datePublished"] = dates[path].strftime("%Y-%m-%dT%H:%M:%SZ")
        target.write_text(ARTICLE.format(title=title, ld=json.dumps(ld)), encoding="utf-8")
    for path, sample in FEEDS.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SITE / sample, target)
    return root
