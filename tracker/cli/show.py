"""`tracker show`: one stored article whole, with what was found in it."""

from __future__ import annotations

import sys
from datetime import tzinfo
from typing import Annotated, Any

import typer
from rich.text import Text

from tracker.cli.output import RecordFormat, RecordFormatOption, dumps, show_time, stdout
from tracker.cli.state import state
from tracker.errors import UsageError


def _heading(label: str, count: int | None = None) -> None:
    stdout.print()
    stdout.print(Text(label + (f" ({count})" if count is not None else ""), style="bold underline"))


def _line(text: str | Text, indent: int = 2) -> None:
    """A line indented by ``indent``, its wrapped lines too (and no trailing spaces)."""
    line = text if isinstance(text, Text) else Text(text)
    width = max(stdout.width - indent, 20)
    for part in line.wrap(stdout, width):
        part.rstrip()
        stdout.print(Text(" " * indent) + part)


def _quote(sentence: str) -> None:
    _line(Text(f"“{sentence}”"), 4)


def render(record: dict[str, Any], tz: tzinfo | None) -> None:
    """The article for people: title, sources, times, URL, then what was found, then the text."""
    stdout.print(Text(record["title"], style="bold"))
    when = [f"id {record['id']}"]
    if record["published_at"] is not None:
        when.append(f"published {show_time(record['published_at'], tz)}")
    when.append(f"fetched {show_time(record['fetched_at'], tz)}")
    _line(Text("  ·  ".join(when), style="dim"), 0)
    _line(Text(record["url"], style="cyan"), 0)
    for source in record["sources"]:
        seen = show_time(source["seen_at"], tz)
        _line(Text(f"from {source['name']} (seen {seen})", style="dim"), 0)
    _heading("Vendors", len(record["vendors"]))
    for vendor in record["vendors"]:
        about = ", ".join(v for v in (vendor["kind"], vendor["country"]) if v)
        head = Text(vendor["name"], style="bold")
        head.append(f"  {about}  ·  {vendor['mentions']} mentions", style="dim")
        _line(head)
        for sentence in dict.fromkeys(e["sentence"] for e in vendor["evidence"]):
            _quote(sentence)
    if record["products"]:
        _heading("Products", len(record["products"]))
        for product in record["products"]:
            facts = ", ".join(
                v for v in (product["id"], product["vendor"], product["category"]) if v
            )
            head = Text(product["name"], style="bold")
            if facts:
                head.append(f"  {facts}", style="dim")
            _line(head)
            _quote(product["sentence"])
    if record["relations"]:
        _heading("Relations", len(record["relations"]))
        for relation in record["relations"]:
            head = Text(f"{relation['supplier']} -> {relation['customer']}", style="bold")
            if relation["product"]:
                head.append(f" ({relation['product']})")
            head.append(f"  {relation['status']}", style="yellow")
            head.append(f", confidence {relation['confidence']:.2f}", style="dim")
            if relation["attribution"]:
                head.append(f", per {relation['attribution']}", style="dim")
            _line(head)
            _quote(relation["evidence"])
    if record["events"]:
        _heading("Events", len(record["events"]))
        for event in record["events"]:
            head = Text(event["type"], style="yellow")
            if event["vendors"]:
                head.append(f"  {', '.join(event['vendors'])}", style="bold")
            if event["attribution"]:
                head.append(f", per {event['attribution']}", style="dim")
            _line(head)
            _quote(event["evidence"])
    _heading("Text" + (f" (from the {record['text_origin']})" if record["text_origin"] else ""))
    if record["text_note"]:
        _line(Text(record["text_note"], style="dim"))
    for paragraph in record["text"].split("\n"):
        if paragraph.strip():
            _line(Text(paragraph.strip()))


def show(
    ctx: typer.Context,
    article: Annotated[
        str,
        typer.Argument(
            metavar="ID|URL",
            help="An article's id (as search and export give it), or any URL it is known under.",
        ),
    ],
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """One stored article whole: title, sources, times, URL, the vendors it names with the
    sentences that show them, its products, relations (status and evidence) and events, then
    its text.

    The URL may be the article's own, its canonical form (tracking parameters dropped, either
    scheme) or the link of a feed entry that led to it. An unknown id or URL is a usage
    error (exit code 2).
    """
    from tracker.store.reports import article_detail, article_id_for_url

    st = state(ctx)
    key = article.strip()
    if not key.isdigit() and "://" not in key:
        raise UsageError(f"show: {article!r} is neither an article id (a number) nor a URL")
    with st.stored.session() as session:
        article_id = int(key) if key.isdigit() else article_id_for_url(session, key)
        record = article_detail(session, article_id) if article_id is not None else None
    if record is None:
        what = f"id {key}" if key.isdigit() else f"the URL {key}"
        raise UsageError(
            f"show: no stored article has {what} (find one with `tracker search WORDS`)"
        )
    if fmt is RecordFormat.json:
        sys.stdout.write(dumps(record, indent=2) + "\n")
        return
    render(record, st.settings.tzinfo())


__all__ = ["show"]
