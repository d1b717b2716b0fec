"""`tracker inspect`: run the extraction on pages or text files, store nothing."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tracker.cli.output import dumps, stdout
from tracker.cli.state import state
from tracker.config import FetchSettings
from tracker.errors import FetchError, TrackerError

if TYPE_CHECKING:
    from tracker.extract import Extractor, ExtractorRecipe

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
# Below this many inputs a pool of processes costs more than it saves.
POOL_THRESHOLD = 16


class InspectFormat(StrEnum):
    """Output formats of `tracker inspect`."""

    json = "json"
    jsonl = "jsonl"
    table = "table"


_matcher: Extractor | None = None


def _init_worker(recipe: ExtractorRecipe) -> None:
    global _matcher
    _matcher = recipe.build()


def inspect_document(label: str, data: bytes, is_html: bool, matcher: Extractor) -> dict[str, Any]:
    """The extraction record of one document."""
    from tracker.extract import ARTICLE_BUDGET_S
    from tracker.models import Page
    from tracker.parse.page import extract_page
    from tracker.parse.text import bounded_text, clean_text

    if is_html:
        page = extract_page(data, label if label.startswith("http") else None)
    else:
        page = Page(
            title=None, text=clean_text(data.decode("utf-8", errors="replace")), published_at=None
        )
    text, cut = bounded_text(page.text)
    extraction = matcher.extract(page.title, text, page.published_at, ARTICLE_BUDGET_S)
    notes = [n for n in (cut, extraction.note) if n]
    return {
        "input": label,
        "title": page.title,
        "published": page.published_at,
        "text": text,
        "note": "; ".join(notes) or None,
        "vendors": extraction.vendor_summary(),
        "products": extraction.product_summary(),
        "relations": extraction.relation_summary(),
        "events": extraction.event_summary(),
        "candidates": [{"name": c.name, "sentence": c.sentence} for c in extraction.candidates],
    }


def _is_html(path: Path, data: bytes) -> bool:
    if path.suffix.lower() in HTML_SUFFIXES:
        return True
    if path.suffix.lower() in TEXT_SUFFIXES:
        return False
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _inspect_path(path_str: str) -> dict[str, Any]:
    assert _matcher is not None
    path = Path(path_str)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return {"input": path_str, "error": f"inspect: {path}: {exc.strerror or exc}"}
    return inspect_document(path_str, data, _is_html(path, data), _matcher)


def _expand(inputs: list[str]) -> list[str]:
    expanded: list[str] = []
    for item in inputs:
        if item.startswith(("http://", "https://")):
            expanded.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            expanded.extend(
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES
            )
        elif path.exists():
            expanded.append(item)
        else:
            raise typer.BadParameter(f"{item}: no such file or folder", param_hint="PATH_OR_URL")
    return expanded


async def _fetch_urls(urls: list[str], settings: FetchSettings) -> dict[str, bytes | FetchError]:
    import asyncio

    from tracker.fetch import fetch_url, make_client

    async with make_client(settings) as client:

        async def one(url: str) -> bytes | FetchError:
            try:
                return (await fetch_url(client, url, settings)).body
            except FetchError as exc:
                return exc

        results = await asyncio.gather(*(one(u) for u in urls))
    return dict(zip(urls, results, strict=True))


def _records(
    items: list[str], recipe: ExtractorRecipe, settings: FetchSettings
) -> Iterator[dict[str, Any]]:
    import asyncio
    from concurrent.futures import ProcessPoolExecutor

    urls = [i for i in items if i.startswith(("http://", "https://"))]
    fetched = asyncio.run(_fetch_urls(urls, settings)) if urls else {}
    files = [i for i in items if i not in fetched]
    _init_worker(recipe)
    if len(files) >= POOL_THRESHOLD and (os.cpu_count() or 1) > 1:
        pool = ProcessPoolExecutor(
            max_workers=os.cpu_count(), initializer=_init_worker, initargs=(recipe,)
        )
        file_results: Iterator[dict[str, Any]] = pool.map(_inspect_path, files, chunksize=4)
    else:
        pool = None
        file_results = map(_inspect_path, files)
    try:
        for item in items:
            if item in fetched:
                body = fetched[item]
                if isinstance(body, FetchError):
                    yield {"input": item, "error": str(body)}
                else:
                    assert _matcher is not None
                    yield inspect_document(item, body, True, _matcher)
            else:
                yield next(file_results)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def inspect(
    ctx: typer.Context,
    inputs: Annotated[
        list[str], typer.Argument(help="HTML pages, text files, folders of them, or URLs.")
    ],
    fmt: Annotated[
        InspectFormat, typer.Option("--format", help="Output format.")
    ] = InspectFormat.json,
) -> None:
    """Run the extraction on pages or text files without storing anything.

    One record per input: title, published time, main text, vendors with the surface forms
    matched and the evidence sentences. Folders are read recursively (.html, .htm, .txt, .md).
    """
    st = state(ctx)
    items = _expand(inputs)
    if not items:
        raise typer.BadParameter(
            "no .html, .htm, .txt or .md files found", param_hint="PATH_OR_URL"
        )
    failures = 0
    records = _records(items, st.recipe(), st.settings.fetch)
    out = sys.stdout
    if fmt is InspectFormat.table:
        table = Table(title=f"{len(items)} documents")
        for column in ("input", "title", "vendors"):
            table.add_column(column, overflow="fold")
        for record in records:
            failures += "error" in record
            vendors = ", ".join(str(v["name"]) for v in record.get("vendors", []))
            table.add_row(
                record["input"], record.get("title") or "", record.get("error") or vendors
            )
        stdout.print(table)
    else:
        if fmt is InspectFormat.json:
            out.write("[\n")
        for i, record in enumerate(records):
            failures += "error" in record
            if fmt is InspectFormat.json:
                out.write((",\n" if i else "") + dumps(record, indent=2))
            else:
                out.write(dumps(record) + "\n")
        if fmt is InspectFormat.json:
            out.write("\n]\n")
    if failures:
        raise TrackerError(f"inspect: {failures} of {len(items)} inputs could not be read")
