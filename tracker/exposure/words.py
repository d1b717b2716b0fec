"""Pure: exposure in words: ages, news and links explained in one line each."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from tracker.exposure.graph import Edge
from tracker.exposure.scores import DAY_S, EventItem, VendorNews
from tracker.wording import shorten

_TYPE_WORDS: dict[str, tuple[str, str]] = {
    "disruption": ("disruption", "disruptions"),
    "export_control": ("export-control event", "export-control events"),
    "shortage": ("shortage", "shortages"),
    "lead_time_price": ("lead-time or price change", "lead-time or price changes"),
    "capacity": ("capacity change", "capacity changes"),
    "design_win": ("design win", "design wins"),
    "m_and_a": ("M&A deal", "M&A deals"),
    "earnings": ("earnings report", "earnings reports"),
    "legal": ("legal matter", "legal matters"),
    "leadership": ("leadership change", "leadership changes"),
    "product_launch": ("product launch", "product launches"),
    "quality_recall": ("quality issue or recall", "quality issues or recalls"),
}


# "GUADALAJARA, Mexico, Nov 10 (Component Wire) - " before wire copy: not what happened.
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,[^()]{0,40}\([^)]{1,40}\)\s*[-–—]\s*")


def age_words(at: datetime, now: datetime) -> str:
    """How long ago, for people: "today", "yesterday", "3 days ago", "5 weeks ago"..."""
    days = (now - at).total_seconds() / DAY_S
    if days < 1:
        return "today"
    if days < 2:
        return "yesterday"
    if days < 14:
        return f"{int(days)} days ago"
    if days < 61:
        return f"{int(days // 7)} weeks ago"
    if days < 730:
        return f"{int(days // 30.4)} months ago"
    return f"{int(days // 365.25)} years ago"


def plural(n: int, words: tuple[str, str]) -> str:
    return f"{n} {words[0] if n == 1 else words[1]}"


def join_words(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def quoted_events(news: VendorNews, types: int = 2) -> dict[str, EventItem]:
    """The event ``explain_news`` quotes for each of the first ``types`` types: the latest."""
    kinds = list(news.events_by_type())[:types]
    return {
        kind: max((e for e in news.events if e.type == kind), key=lambda e: e.at) for kind in kinds
    }


def explain_news(news: VendorNews, now: datetime) -> str:
    """The news in words: which events, how recent, how many sources, mentions vs usual."""
    counts = news.events_by_type()
    quoted = quoted_events(news)
    parts: list[str] = []
    for kind, n in counts.items():
        words = plural(n, _TYPE_WORDS.get(kind, (kind, kind)))
        if kind in quoted:
            latest = quoted[kind]
            words += (
                f" ({shorten(_DATELINE.sub('', latest.evidence))}, {age_words(latest.at, now)})"
            )
        parts.append(words)
    if len(parts) > 4:
        rest = sum(list(counts.values())[3:])
        parts = [*parts[:3], f"{rest} other events"]
    sources = news.sources()
    if parts:
        text = f"{join_words(parts)} {news.window.label}"
        if sources:
            text += f", reported by {plural(len(sources), ('source', 'sources'))}"
    else:
        text = f"no events {news.window.label}"
    mentions = plural(news.mentions, ("mention", "mentions"))
    if not news.baseline_mentions:
        days = round((news.window.start - news.window.baseline_start).total_seconds() / DAY_S)
        return text + f"; {mentions} ({news.per_week:.1f}/week), none in the {days} days before"
    text += f"; {mentions} ({news.per_week:.1f}/week) vs {news.usual_per_week:.1f}/week usual"
    trend = news.trend
    if trend is not None and trend >= 2:
        text += f", up {trend:.1f}x"
    return text


def products_words(names: Sequence[str], limit: int = 3) -> str:
    if len(names) <= limit:
        return join_words(list(names))
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def explain_edge(edge: Edge, now: datetime) -> str:
    """A link in words: what the catalog declares, what the news reports and when."""
    parts: list[str] = []
    if edge.declared:
        names = list(dict.fromkeys(d.product_name for d in edge.declared))
        roles = join_words(list(dict.fromkeys(d.role.replace("_", " ") for d in edge.declared)))
        origins = join_words(sorted({d.origin for d in edge.declared}))
        parts.append(f"declared in the {origins}: {roles} for {products_words(names)}")
    r = edge.reported
    if r is not None:
        articles = plural(r.articles, ("article", "articles"))
        sources = plural(max(r.sources, 1), ("source", "sources"))
        text = f"reported in {articles} from {sources}"
        if r.products:
            text += f" ({products_words(list(r.products))})"
        if r.is_current:
            text += f", last {age_words(r.last_at, now)} ({r.status})"
            if not edge.declared:
                text += f", weight {r.weight:.2f}"
        else:
            text += (
                f", but the latest report ({age_words(r.last_at, now)}) says it ended or was denied"
            )
        parts.append(text)
    return "; ".join(parts)


def tier_phrase(path: tuple[str, ...], upstream: bool) -> str:
    tier = len(path) - 1
    if tier <= 1:
        return ""
    if upstream:
        return f"tier {tier}: supplies {path[-2]}, a supplier of {path[0]}"
    return f"tier {tier}: buys from {path[-2]}, a customer of {path[0]}"
