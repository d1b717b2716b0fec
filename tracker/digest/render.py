"""Pure: a selected digest in, its subject, plain text and HTML out.

Both bodies come from Jinja2 templates in ``templates/``. The HTML environment escapes every
value (autoescape): a headline containing markup shows as text. The stylesheet is inlined
into ``style`` attributes by css-inline (mail clients drop ``<style>`` blocks), with remote
stylesheets never loaded.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tracker.digest.records import Digest, Entry, Segment

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEXT_WIDTH = 76

EVENT_LABELS = {
    "disruption": "Disruption",
    "export_control": "Export control",
    "shortage": "Shortage",
    "lead_time_price": "Lead times & prices",
    "capacity": "Capacity",
    "design_win": "Design win",
    "m_and_a": "M&A",
    "earnings": "Earnings",
    "legal": "Legal",
    "leadership": "Leadership",
    "product_launch": "Product launch",
    "quality_recall": "Quality & recalls",
}
_PLURALS = {"disruption": "disruptions", "export_control": "export controls"}


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    """What a digest looks like: the subject line and both bodies."""

    subject: str
    text: str
    html: str


def event_label(event_type: str | None) -> str:
    """A heading for an event type; ``None`` is "Other news"."""
    if event_type is None:
        return "Other news"
    return EVENT_LABELS.get(event_type, event_type.replace("_", " ").capitalize())


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def date_label(digest: Digest) -> str:
    """The period as people say it: "26 Nov" (weekly: "week to 30 Nov")."""
    local = digest.period.due_at.astimezone(ZoneInfo(digest.period.timezone))
    day = f"{local.day} {local:%b}"
    return f"week to {day}" if digest.period.cadence == "weekly" else day


def summary_line(digest: Digest, *, changes: bool = False) -> str:
    """Counts for people: "14 stories, 3 disruptions, 1 export control" (urgent counts only
    when non-zero); ``changes`` adds the new relations and spikes."""
    if digest.is_empty:
        return "nothing new"
    parts = [_count(digest.story_count, "story", "stories")]
    for event_type in ("disruption", "export_control"):
        n = digest.count_of(event_type)
        if n:
            parts.append(_count(n, EVENT_LABELS[event_type].lower(), _PLURALS[event_type]))
    if changes and digest.new_relations:
        parts.append(_count(len(digest.new_relations), "new relation", "new relations"))
    if changes and digest.spikes:
        parts.append(_count(len(digest.spikes), "mention spike", "mention spikes"))
    return ", ".join(parts)


def subject_line(digest: Digest) -> str:
    """The subject: "Supply-chain digest, 26 Nov: 14 stories, 3 disruptions"."""
    return f"{digest.title}, {date_label(digest)}: {summary_line(digest)}"


def show_time(value: datetime, tz: tzinfo) -> str:
    """A time in the recipient's zone: "26 Nov 14:05 CET"."""
    local = value.astimezone(tz)
    return f"{local.day} {local:%b %H:%M %Z}".strip()


def _plain(segments: tuple[Segment, ...]) -> str:
    # Plain-text convention for emphasis: *name*.
    return "".join(f"*{text}*" if mark else text for text, mark in segments)


def _entry_view(entry: Entry, tz: tzinfo) -> dict[str, Any]:
    others = len(entry.sources)
    return {
        "headline": entry.headline,
        "url": entry.url,
        "source": entry.source or "unknown source",
        "when": show_time(entry.at, tz),
        "reported_by": f"reported by {others} sources" if others > 1 else "",
        "event_type": entry.event_type or "none",
        "event_label": event_label(entry.event_type) if entry.event_type else "",
        "evidence": entry.evidence,
        "evidence_text": f"“{_plain(entry.evidence)}”" if entry.evidence else "",
        "also": ", ".join(entry.also),
    }


def _spike_text(articles: int, expected: float) -> str:
    count = _count(articles, "article", "articles")
    if expected <= 0:
        return f"{count}, none in the previous 14 days"
    return f"{count}, {articles / expected:.1f}x its 14-day baseline ({expected:.1f})"


def _context(digest: Digest, unsubscribe: str) -> dict[str, Any]:
    tz = ZoneInfo(digest.period.timezone)
    period = digest.period
    groups = []
    for group in digest.groups:
        label = event_label(group.label) if group.kind == "event_type" else group.label
        more = ""
        if group.hidden:
            more = f"and {_count(group.hidden, 'more story', 'more stories')} on {label}"
        groups.append(
            {
                "label": label,
                "more": more,
                "sections": [
                    {
                        "label": event_label(section.event_type),
                        "entries": [_entry_view(e, tz) for e in section.entries],
                    }
                    for section in group.sections
                ],
            }
        )
    relations = [
        {
            "supplier": r.supplier,
            "customer": r.customer,
            "product": r.product,
            "status": r.status,
            "confidence": round(r.confidence, 2),
            "tag": r.status if r.status == "confirmed" else f"{r.status}, {r.confidence:.2f}",
            "evidence": r.evidence,
            "evidence_text": f"“{_plain(r.evidence)}”",
            "url": r.url,
        }
        for r in digest.new_relations
    ]
    spikes = [
        {"vendor": s.vendor, "text": _spike_text(s.articles, s.expected)} for s in digest.spikes
    ]
    headlines = [e.headline for e in digest.entries[:3]]
    return {
        "subject": subject_line(digest),
        "title": digest.title,
        "date_label": date_label(digest),
        "summary": summary_line(digest, changes=True).capitalize(),
        "window": f"New since {show_time(period.start, tz)}, up to {show_time(period.end, tz)}",
        "preheader": " · ".join(headlines),
        "relations": relations,
        "spikes": spikes,
        "groups": groups,
        "is_empty": digest.is_empty,
        "empty_text": "Nothing new matched this digest's watchlist in this period.",
        "footer": f"The “{digest.name}” digest of tracker, your self-hosted supply-chain news "
        "tracker. Times are in " + period.timezone + ".",
        "unsubscribe": unsubscribe,
    }


def _wrap(value: str, indent: int, bullet: str = "") -> str:
    """Wrapped to the text width, indented; a bullet hangs before the first line."""
    pad = " " * indent
    return textwrap.fill(
        value,
        width=TEXT_WIDTH,
        initial_indent=pad + bullet,
        subsequent_indent=pad + " " * len(bullet),
        break_long_words=False,
        break_on_hyphens=False,
    )


@cache
def _environments() -> tuple[Environment, Environment]:
    loader = FileSystemLoader(TEMPLATES)
    html = Environment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    text = Environment(
        loader=loader,
        autoescape=False,  # the plain-text part: nothing is markup there
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    text.filters["wrap"] = _wrap
    return html, text


@cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@cache
def _css() -> str:
    return (TEMPLATES / "digest.css").read_text(encoding="utf-8")


def render_digest(digest: Digest, *, unsubscribe: str = "") -> RenderedDigest:
    """Subject, plain text and HTML (CSS inlined) of ``digest``."""
    html_env, text_env = _environments()
    context = _context(digest, unsubscribe)
    html = html_env.get_template("digest.html.j2").render(css=_css(), **context)
    text = text_env.get_template("digest.txt.j2").render(**context)
    return RenderedDigest(
        subject=context["subject"],
        text=_tidy_text(text),
        html=_inliner().inline(html),
    )


def _tidy_text(text: str) -> str:
    """At most one blank line in a row, no trailing spaces (except the "-- " signature)."""
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line == "" and tidy and tidy[-1] == "":
            continue
        tidy.append(line)
    return "\n".join(tidy).strip("\n") + "\n"
