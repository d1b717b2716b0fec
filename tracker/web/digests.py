"""The watchlists and digests pages: what is new for each watchlist, every digest as it was
sent, and the next one as it stands."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_string
from email import policy as email_policy
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.config import Watchlist
    from tracker.digest.records import Digest
    from tracker.web.app import Workspace

NEW_DAYS = 7  # the watchlists page shows what was fetched in the last week
# A sent digest's HTML as it was sent: its own inline styles, no script, no other origin.
SENT_HTML_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _ws(request: Request) -> Workspace:
    from tracker.web.app import Workspace

    ws = request.app.state.workspace
    assert isinstance(ws, Workspace)
    return ws


def _new_for(ws: Workspace, watchlist: Watchlist) -> Digest:
    """The stories of the last NEW_DAYS that the watchlist's digest would carry."""
    from tracker.catalog.watch import watch_items
    from tracker.digest import delivery
    from tracker.digest.records import Period
    from tracker.digest.settings import DigestSpec

    world = ws.world()
    items = watch_items(watchlist, world.gazetteer, world.catalog)
    spec = DigestSpec(name=watchlist.name, recipients=(), watchlist=watchlist)
    end = ws.now()
    period = Period(end.date().isoformat(), end, end - timedelta(days=NEW_DAYS), end, "UTC")
    return delivery.build_digest(ws.store, spec, period, items)


def watchlists_page(request: Request) -> Response:
    """Each configured watchlist and its stories of the last week."""
    ws = _ws(request)
    rows: list[dict[str, Any]] = []
    for watchlist in ws.settings.watchlists:
        row: dict[str, Any] = {"watchlist": watchlist, "digest": None, "error": ""}
        try:
            row["digest"] = _new_for(ws, watchlist)
        except TrackerError as exc:
            row["error"] = str(exc)
        row["alerts"] = [a for a in ws.settings.alerts if a.watchlist == watchlist.name]
        rows.append(row)
    return ws.render(request, "watchlists.html", watchlists=rows, days=NEW_DAYS)


def _archive(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    from tracker.store.digests import outbox_rows

    with ws.store.read_session() as session:
        rows = outbox_rows(session)
    periods: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    for row in rows:
        key = (row["digest"], row["period"])
        entry = periods.setdefault(row["digest"], {}).setdefault(
            key,
            {"period": row["period"], "stories": row["stories"], "recipients": []},
        )
        if row["recipient"] is None:
            entry["state"] = row["state"]
        else:
            entry["recipients"].append(row)
    return {name: list(found.values()) for name, found in periods.items()}


def digests_page(request: Request) -> Response:
    """Each configured digest: its archive (every period, to whom, in what state) and a link
    to the next one as it stands."""
    ws = _ws(request)
    archive = _archive(ws)
    names = [spec.name for spec in ws.settings.digests]
    names += sorted(set(archive) - set(names))  # digests since removed from the settings
    return ws.render(
        request,
        "digests.html",
        digests=[{"name": n, "periods": archive.get(n, [])} for n in names],
        configured=set(names[: len(ws.settings.digests)]),
    )


def _sent_message(ws: Workspace, name: str, period: str) -> Any:
    """The first message queued for the period, parsed; None when there is none."""
    from tracker.store.digests import first_message

    with ws.store.read_session() as session:
        raw = first_message(session, name, period)
    if raw is None:
        return None
    return message_from_string(raw, policy=email_policy.default)


def _part(message: Any, kind: str) -> str:
    body = message.get_body(preferencelist=(kind,))
    return "" if body is None else str(body.get_content())


def sent_page(request: Request) -> Response:
    """One digest as it was sent: its subject and text; ``?as=html`` its HTML alone."""
    ws = _ws(request)
    name, period = request.path_params["name"], request.path_params["period"]
    message = _sent_message(ws, name, period)
    if message is None:
        what = f"sent message of digest {name} for period {period}"
        return ws.render(request, "missing.html", status=404, what=what)
    if request.query_params.get("as") == "html":
        response = HTMLResponse(_part(message, "html"))
        response.headers["Content-Security-Policy"] = SENT_HTML_CSP
        return response
    return ws.render(
        request,
        "digest.html",
        name=name,
        period=period,
        subject=str(message["Subject"] or ""),
        text=_part(message, "plain"),
        sent=True,
    )


def next_page(request: Request) -> Response:
    """The next digest as it stands now, rendered as `tracker digest preview NAME --next`."""
    from tracker.digest import delivery

    ws = _ws(request)
    name = request.path_params["name"]
    try:
        spec = delivery.spec_named(ws.settings, name)
    except TrackerError:
        return ws.render(request, "missing.html", status=404, what=f"digest {name}")
    try:
        world = ws.world()
        items = delivery.resolve_items(spec, world.gazetteer, world.catalog)
        period = delivery.period_for(ws.store, spec, ws.now(), upcoming=True)
        digest = delivery.build_digest(ws.store, spec, period, items)
        rendered = delivery.render(spec, digest, ws.settings.smtp)
    except TrackerError as exc:
        return ws.render(request, "digest.html", name=name, error=str(exc), sent=False)
    return ws.render(
        request,
        "digest.html",
        name=spec.name,
        period=period.key,
        subject=rendered.subject,
        text=rendered.text,
        stories=digest.story_count,
        sent=False,
    )


def alerts_page(request: Request) -> Response:
    """The configured alerts and the latest alerts recorded, with their delivery state."""
    from tracker.store.alerts import recent

    ws = _ws(request)
    with ws.store.read_session() as session:
        rows = recent(session)
    return ws.render(request, "alerts.html", alerts=ws.settings.alerts, rows=rows)
