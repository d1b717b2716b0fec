"""The sources page's forms: look at a URL (feed discovery, or the dry run of a source) and add
it, with the code of `tracker sources add` and `tracker sources test`.

Both are POSTs (they make the server fetch), for analysts only, with the session's CSRF token.
Fetches go through the one Fetcher with the configuration's limits and private-host guard.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tracker.errors import FetchError, ParseError, TrackerError
from tracker.wording import name_from

if TYPE_CHECKING:
    from tracker.ingest.probe import Discovery, DryRun
    from tracker.web.app import Workspace

KINDS = ("auto", "feed", "page", "sitemap")
SHOWN_ENTRIES = 50


def _form_values(form: dict[str, str]) -> dict[str, str]:
    """The add/look form's fields, trimmed; an unknown kind reads as auto."""
    values = {key: form.get(key, "").strip() for key in ("url", "name", "kind", "selector")}
    if values["kind"] not in KINDS:
        values["kind"] = "auto"
    if values["selector"] and values["kind"] == "auto":
        values["kind"] = "page"
    return values


def _problem(values: dict[str, str]) -> str:
    from tracker.config import name_problem, url_problem

    if problem := url_problem(values["url"]):
        return f"sources: URL {values['url']!r} {problem}"
    if values["name"] and (problem := name_problem(values["name"])):
        return f"sources: name {values['name']!r}: {problem}"
    if values["selector"] and values["kind"] != "page":
        return "sources: a CSS selector is for page sources"
    return ""


async def _discover(ws: Workspace, url: str) -> Discovery:
    from tracker.fetch import Fetcher
    from tracker.ingest.probe import discover

    async with Fetcher(ws.settings.fetch) as fetcher:
        return await discover(fetcher, url)


async def _dry_run(ws: Workspace, values: dict[str, str]) -> DryRun:
    from tracker.fetch import Fetcher
    from tracker.ingest.gather import Target
    from tracker.ingest.probe import dry_run

    detect = values["kind"] == "auto"
    target = Target(
        values["url"], "feed" if detect else values["kind"], selector=values["selector"] or None
    )
    async with Fetcher(ws.settings.fetch) as fetcher:
        return await dry_run(fetcher, target, ws.settings.fetch, detect_kind=detect)


def _trial(run: DryRun) -> dict[str, Any]:
    """A dry run as the page shows it."""
    from tracker.cli.sources import _date_origin

    listing = run.gathered.listing
    return {
        "url": run.url,
        "kind": run.kind,
        "count": len(run.entries),
        "requests": run.gathered.requests,
        "documents": len(run.gathered.pages),
        "block": listing.block if listing is not None else "",
        "warnings": list(run.feed.warnings),
        "entries": [
            {
                "title": e.title,
                "url": e.url,
                "at": e.published_at or e.date_fallback,
                "date_from": _date_origin(e, run.kind),
            }
            for e in run.entries[:SHOWN_ENTRIES]
        ],
    }


def _offers(found: Discovery, taken: set[str]) -> list[dict[str, Any]]:

    return [
        {**asdict(o), "is_feed": o.is_feed, "name": name_from(o.title or o.url, taken)}
        for o in found.offers
    ]


def _taken(ws: Workspace) -> set[str]:
    from tracker.store.sources import all_sources

    with ws.store.read_session() as session:
        return {s.name for s in all_sources(session)}


async def _posted(request: Request) -> tuple[Workspace, dict[str, str], dict[str, Any]] | Response:
    """An analyst's look/add form: the workspace, the form's values and what the page will
    show of them; or the refusal, or the page with the form's problem."""
    from tracker.web.app import _ws, analyst_form, sources_page

    form = await analyst_form(request, "adding sources")
    if isinstance(form, Response):
        return form
    values = _form_values(form)
    look: dict[str, Any] = {"values": values}
    if problem := _problem(values):
        return sources_page(request, look=look, error=problem)
    return _ws(request), values, look


async def try_source_post(request: Request) -> Response:
    """Look at a URL: the feeds a page offers (each can be tried or added), or the dry run
    of a feed, a sitemap or a page followed as a source: what a first fetch would take."""
    from tracker.web.app import sources_page

    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    ws, values, look = posted
    try:
        if values["kind"] == "auto":
            found = await _discover(ws, values["url"])
            look["kind"] = found.kind
            if found.kind == "page":
                look["title"] = found.title
                look["offers"] = _offers(found, _taken(ws))
                look["listing_links"] = found.listing_links
                look["requests"] = found.requests
                return sources_page(request, look=look)
            values = {**values, "kind": found.kind}
            look["values"] = values
        look["trial"] = _trial(await _dry_run(ws, values))
    except (FetchError, ParseError) as exc:
        return sources_page(request, look=look, error=f"sources: {values['url']}: {exc}")
    except TrackerError as exc:
        return sources_page(request, look=look, error=str(exc))
    return sources_page(request, look=look)


async def add_source_post(request: Request) -> Response:
    """Add a source: a feed, sitemap or page as told, or (kind auto) as what the URL turns out
    to be; a page that offers feeds is shown with its feeds to choose from instead."""
    from starlette.concurrency import run_in_threadpool

    from tracker.store.sources import add_source, all_sources, source_by_url
    from tracker.web.app import sources_page

    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    ws, values, look = posted
    kind, title = values["kind"], ""
    with ws.store.read_session() as session:
        existing = source_by_url(session, values["url"])
        taken_by = existing.name if existing is not None else None
    if taken_by is not None:
        error = f"store: {values['url']} is already the source {taken_by!r}"
        return sources_page(request, look=look, error=error)
    if kind == "auto":
        try:
            found = await _discover(ws, values["url"])
        except (FetchError, ParseError) as exc:
            error = (
                f"sources: could not look at {values['url']} ({exc}); to add it unchecked, "
                "choose its kind (feed, page or sitemap)"
            )
            return sources_page(request, look=look, error=error)
        if found.kind == "page":
            look.update(kind="page", title=found.title, offers=_offers(found, _taken(ws)),
                        listing_links=found.listing_links, requests=found.requests)  # fmt: skip
            error = (
                f"sources: {found.url} is a page: add one of the feeds it offers, or follow "
                "the page itself (kind page)"
            )
            return sources_page(request, look=look, error=error)
        kind = found.kind

    def write() -> str:
        with ws.store.session() as session:
            taken = {s.name for s in all_sources(session)}
            source = add_source(
                session,
                values["name"] or name_from(title or values["url"], taken),
                values["url"],
                kind,
                selector=values["selector"] or None,
            )
            return source.name

    try:
        name = await run_in_threadpool(write)
    except TrackerError as exc:
        return sources_page(request, look=look, error=str(exc))
    return RedirectResponse("/sources?added=" + _quote(name), status_code=303)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


__all__ = ["add_source_post", "try_source_post"]
