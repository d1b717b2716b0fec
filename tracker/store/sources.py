"""Source queries: the feeds the tracker knows and their fetch state."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.errors import StoreError
from tracker.models import SourceState
from tracker.store.tables import ArticleSource, Source


def all_sources(session: Session) -> list[Source]:
    """Every source, by name."""
    return list(session.exec(select(Source).order_by(Source.name)))


def source_by_name(session: Session, name: str) -> Source | None:
    """The source called ``name``, if any."""
    return session.exec(select(Source).where(Source.name == name)).first()


def source_by_url(session: Session, url: str) -> Source | None:
    """The source fetched from ``url``, if any."""
    return session.exec(select(Source).where(Source.url == url)).first()


def add_source(
    session: Session,
    name: str,
    url: str,
    kind: str = "feed",
    *,
    interval_minutes: int | None = None,
    is_adaptive: bool = False,
    selector: str | None = None,
    xpath: str | None = None,
) -> Source:
    """Add a source; StoreError when the name or URL is taken."""
    if source_by_name(session, name):
        raise StoreError(f"store: a source named {name!r} already exists")
    existing = source_by_url(session, url)
    if existing:
        raise StoreError(f"store: {url} is already the source {existing.name!r}")
    source = Source(
        name=name,
        url=url,
        kind=kind,
        created_at=datetime.now(UTC),
        interval_minutes=interval_minutes,
        is_adaptive=is_adaptive,
        selector=selector,
        xpath=xpath,
    )
    session.add(source)
    session.flush()
    return source


def upsert_source(
    session: Session,
    name: str,
    url: str,
    kind: str = "feed",
    *,
    selector: str | None = None,
    xpath: str | None = None,
) -> Source:
    """Add the source, or point an existing one of that name at ``url`` (and its settings)."""
    source = source_by_name(session, name)
    if source is None:
        return add_source(session, name, url, kind, selector=selector, xpath=xpath)
    if source.url != url:
        point_at(session, source, url)
    if source.kind != kind:
        source.kind = kind
        session.add(source)
    if (source.selector, source.xpath) != (selector, xpath):
        set_selector(session, source, selector=selector, xpath=xpath)
    return source


def point_at(session: Session, source: Source, url: str) -> bool:
    """Fetch ``source`` from ``url`` from now on; its articles stay. What was learnt at the
    old address goes: the validators (an ETag means nothing elsewhere), the failures and
    their backoff (it is due at once), a page source's layout. False when it is already
    there; StoreError when another source has that URL."""
    if source.url == url:
        return False
    clash = source_by_url(session, url)
    if clash is not None and clash.id != source.id:
        raise StoreError(f"store: {url} is already the source {clash.name!r}")
    source.url = url
    source.etag = source.last_modified = None
    source.last_error = source.last_error_class = None
    source.last_http_status = None
    source.error_count = 0
    source.is_failing = False
    source.next_attempt_at = None
    _reset_layout(source)
    session.add(source)
    return True


def set_selector(
    session: Session, source: Source, *, selector: str | None, xpath: str | None
) -> None:
    """Name a page source's article links by hand (or go back to detection with neither); the
    layout seen so far no longer counts."""
    source.selector, source.xpath = selector, xpath
    _reset_layout(source)
    session.add(source)


def _reset_layout(source: Source) -> None:
    source.layout_signature = source.layout_seen = None
    source.layout_changed_at = None
    source.layout_note = None


def accept_layout(session: Session, name: str) -> Source:
    """Take a page source's current layout as the right one (after checking what it yields)."""
    source = source_by_name(session, name)
    if source is None:
        raise StoreError(f"store: no source named {name!r}")
    if source.kind != "page":
        raise StoreError(f"store: {name!r} is a {source.kind} source, not a page source")
    source.layout_signature = source.layout_seen
    source.layout_changed_at = None
    source.layout_note = None
    session.add(source)
    return source


def record_layout(
    session: Session,
    source_id: int,
    signature: str,
    *,
    changed: bool,
    note: str | None,
    now: datetime,
) -> None:
    """Note the layout a page source's links were found in (``signature``, empty when none
    were) and whether it ``changed`` from the accepted one; the first layout seen is accepted
    as it is, and going back to the accepted layout clears the flag."""
    source = session.get_one(Source, source_id)
    source.layout_seen = signature or None
    if source.layout_signature is None and signature:
        source.layout_signature = signature
    if changed:
        source.layout_changed_at = source.layout_changed_at or now
        source.layout_note = note
    elif signature and signature == source.layout_signature:
        source.layout_changed_at, source.layout_note = None, None
    session.add(source)


def remove_source(session: Session, name: str) -> int:
    """Remove a source and its links to articles (the articles stay); returns links removed."""
    source = source_by_name(session, name)
    if source is None:
        raise StoreError(f"store: no source named {name!r}")
    links = session.exec(
        select(func.count()).select_from(ArticleSource).where(ArticleSource.source_id == source.id)
    ).one()
    for link in session.exec(select(ArticleSource).where(ArticleSource.source_id == source.id)):
        session.delete(link)
    session.delete(source)
    return int(links)


# SourceState's fields, as the table names them.
_STATE_COLUMNS = {
    field.name: "error_count" if field.name == "error_streak" else field.name
    for field in fields(SourceState)
}
# What a fetch may change; the name and the interval are the operator's.
_FETCH_COLUMNS = {
    name: column
    for name, column in _STATE_COLUMNS.items()
    if name not in {"name", "interval_minutes", "is_adaptive"}
}


def fetch_state(session: Session, source_id: int) -> SourceState:
    """The source's state as stored now, for ``tracker.ingest.transition.after_fetch``."""
    source = session.get_one(Source, source_id)
    return SourceState(**{name: getattr(source, column) for name, column in _STATE_COLUMNS.items()})


def save_fetch_state(session: Session, source_id: int, state: SourceState) -> None:
    """Store the state a fetch left the source in."""
    source = session.get_one(Source, source_id)
    for name, column in _FETCH_COLUMNS.items():
        setattr(source, column, getattr(state, name))
    session.add(source)


def set_schedule(
    session: Session,
    name: str,
    *,
    interval_minutes: int | None = None,
    is_adaptive: bool | None = None,
    is_enabled: bool | None = None,
) -> Source:
    """Change how a source is scheduled; enabling clears a disabled reason and the backoff."""
    source = source_by_name(session, name)
    if source is None:
        raise StoreError(f"store: no source named {name!r}")
    if is_adaptive is not None:
        source.is_adaptive = is_adaptive
        if is_adaptive:
            source.interval_minutes = None
    if interval_minutes is not None:
        source.interval_minutes, source.is_adaptive = interval_minutes, False
    if is_enabled is not None:
        source.is_enabled = is_enabled
        if is_enabled:
            source.disabled_reason = None
            source.is_failing = False
            source.error_count = 0
            source.next_attempt_at = None
    session.add(source)
    return source


def article_counts(session: Session) -> dict[int, int]:
    """Articles per source id."""
    rows = session.exec(
        select(ArticleSource.source_id, func.count()).group_by(col(ArticleSource.source_id))
    )
    return {source_id: int(count) for source_id, count in rows}
