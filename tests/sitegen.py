"""Generated news sites for the crash test and the fetch benchmark: feeds plus article pages.

Deterministic from a seed. Pages look like news pages (navigation, article, related links,
footer) with a few kilobytes of text naming vendors of the gazetteer. Links in the feeds are
root-relative, so the site can be served from any port.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

VENDORS = [
    "TSMC", "Nvidia", "Samsung Electronics", "SK hynix", "Foxconn", "Luxshare", "MediaTek",
    "Qualcomm", "ASML", "Micron Technology", "Broadcom", "AMD", "Amkor", "ASE Technology",
    "Murata", "TDK", "Pegatron", "Quanta Computer", "Wistron", "BOE Technology",
    "GlobalFoundries", "UMC", "Infineon", "STMicroelectronics", "Texas Instruments",
]  # fmt: skip
PRODUCTS = ["HBM3E stacks", "CoWoS capacity", "2nm wafers", "AI servers", "MLCCs", "OLED panels",
            "EUV scanners", "power modules", "camera modules", "substrates"]  # fmt: skip
PLACES = ["Taiwan", "Arizona", "Vietnam", "Malaysia", "Japan", "South Korea", "Mexico", "India"]
SENTENCES = [
    "{a} is expected to raise shipments of {p} to {b} by {n} per cent next quarter.",
    "People familiar with the matter said {a} had signed a supply agreement with {b}.",
    "{a} will build a new plant in {place} to make {p}, according to a filing.",
    "Analysts at the firm said lead times for {p} had stretched to {n} weeks.",
    "{b} declined to comment on its orders with {a}.",
    "The company said demand for {p} from data centres remained strong.",
    "Prices of {p} rose about {n} per cent in the quarter, the survey showed.",
    "{a} shares rose {n} per cent after the announcement in {place}.",
    "Executives at {a} told investors that capacity in {place} would double by 2027.",
    "Suppliers such as {a} and {b} are racing to qualify their {p} for the next generation.",
]
SECTIONS = ["chips", "memory", "devices", "factories", "policy", "markets", "opinion"]
NAV = "".join(f'<li><a href="/section/{s}">{s.title()}</a></li>' for s in SECTIONS)
FOOTER = (
    "<footer><p>Copyright 2026 Example News Network. All rights reserved.</p>"
    "<p>Subscribe to our newsletter for the latest supply-chain news.</p>"
    "<ul><li><a href='/about'>About</a></li><li><a href='/privacy'>Privacy</a></li>"
    "<li><a href='/terms'>Terms</a></li><li><a href='/contact'>Contact</a></li></ul></footer>"
)


@dataclass(frozen=True, slots=True)
class GeneratedSite:
    """What was generated: feed paths (root-relative) and the number of entries."""

    root: Path
    feeds: dict[str, str]
    entries: int


def _sentence(rng: random.Random) -> str:
    a, b = rng.sample(VENDORS, 2)
    return rng.choice(SENTENCES).format(
        a=a, b=b, p=rng.choice(PRODUCTS), place=rng.choice(PLACES), n=rng.randint(3, 40)
    )


def _paragraphs(rng: random.Random, target_chars: int) -> list[str]:
    paragraphs: list[str] = []
    size = 0
    while size < target_chars:
        text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))
        paragraphs.append(text)
        size += len(text)
    return paragraphs


def _page(title: str, published: datetime, paragraphs: list[str], related: list[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    links = "".join(f'<li><a href="{href}">{escape(text)}</a></li>' for href, text in related)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} | Example News</title>"
        f"<meta property='article:published_time' content='{published.isoformat()}'>"
        "</head><body><header><a href='/'>Example News</a><nav><ul>"
        f"{NAV}</ul></nav></header><main><article><h1>{escape(title)}</h1>"
        f"<p class='byline'>By Staff Reporter, {published:%d %B %Y}</p>{body}</article>"
        f"<aside><h2>Related stories</h2><ul>{links}</ul></aside>"
        "<div class='newsletter'>Sign up for our daily briefing.</div></main>"
        f"{FOOTER}</body></html>"
    )


def generate_site(
    root: Path,
    *,
    feeds: int,
    entries_per_feed: int,
    seed: int,
    text_chars: tuple[int, int] = (3000, 6000),
) -> GeneratedSite:
    """Write ``feeds`` RSS feeds of ``entries_per_feed`` entries, each with its page."""
    rng = random.Random(seed)
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    (root / "articles").mkdir(parents=True, exist_ok=True)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    paths: dict[str, str] = {}
    for f in range(feeds):
        name = f"feed{f:04d}"
        items: list[str] = []
        for e in range(entries_per_feed):
            slug = f"{name}-{e:03d}"
            a, b = rng.sample(VENDORS, 2)
            title = f"{a} and {b} deepen ties over {rng.choice(PRODUCTS)} ({slug})"
            published = start + timedelta(hours=f * 0.5 + e * rng.uniform(2, 8))
            paragraphs = _paragraphs(rng, rng.randint(*text_chars))
            related = [
                (f"/articles/{name}-{rng.randrange(entries_per_feed):03d}.html", _sentence(rng))
                for _ in range(4)
            ]
            (root / "articles" / f"{slug}.html").write_text(
                _page(title, published, paragraphs, related), encoding="utf-8"
            )
            items.append(
                f"<item><title>{escape(title)}</title><link>/articles/{slug}.html</link>"
                f"<guid isPermaLink='false'>{slug}</guid>"
                f"<pubDate>{format_datetime(published)}</pubDate>"
                f"<description>{escape(paragraphs[0][:300])}</description></item>"
            )
        (root / "feeds" / f"{name}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Generated {name}</title><link>/</link>"
            f"<description>Supply-chain news {name}</description>{''.join(items)}"
            "</channel></rss>",
            encoding="utf-8",
        )
        paths[name] = f"/feeds/{name}.xml"
    return GeneratedSite(root, paths, feeds * entries_per_feed)
