"""Which stored article an entry is, even when its GUID churns, and never storing it twice.

Feeds change GUIDs under our feet: a CMS migration turns every ``http://`` link into
``https://``, a headline edit changes a title-derived GUID. An entry whose canonical URL (in
either scheme) or whose text hash is already stored is an update of that article: it is
linked under its new GUID, not stored again. Two writers racing to store the same article
(two processes on one database) meet the unique constraint: the loser links instead.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from tracker.catalog.gazetteer import Gazetteer
from tracker.models import ArticleRecord
from tracker.store import articles as store_articles
from tracker.store.fetchstate import begin_write
from tracker.store.tables import Article, ArticleSource

if TYPE_CHECKING:
    from tracker.store import Store

EntryOutcome = Literal["new", "linked", "updated", "seen"]


def _savepoint(session: Session, guarded: bool) -> contextlib.AbstractContextManager[Any]:
    """A savepoint when ``guarded``; else nothing, and a failed statement fails the caller's
    whole transaction (see ``save_entry``)."""
    return session.begin_nested() if guarded else contextlib.nullcontext()


def scheme_variants(canonical_url: str) -> list[str]:
    """The URL and its twin in the other scheme (http <-> https)."""
    if canonical_url.startswith("http://"):
        return [canonical_url, "https://" + canonical_url.removeprefix("http://")]
    if canonical_url.startswith("https://"):
        return [canonical_url, "http://" + canonical_url.removeprefix("https://")]
    return [canonical_url]


_BY_URLS = select(Article.id, Article.canonical_url).where(
    col(Article.canonical_url).in_(bindparam("urls", expanding=True))
)


def find_article(session: Session, canonical_url: str, content_hash: str = "") -> int | None:
    """The stored article with this canonical URL (either scheme), else this text hash."""
    variants = scheme_variants(canonical_url)
    rows = session.connection().execute(_BY_URLS, {"urls": variants}).all()
    if rows:
        exact = [int(i) for i, url in rows if url == canonical_url]
        return exact[0] if exact else int(rows[0][0])
    if content_hash:  # no URL variant is stored, the exact one included: the hash decides
        return store_articles.article_id_by_hash(session, content_hash)
    return None


def find_articles(session: Session, canonical_urls: list[str]) -> dict[str, int]:
    """The stored articles of many canonical URLs (either scheme) at once: URL -> id."""
    wanted = {v: url for url in canonical_urls for v in scheme_variants(url)}
    found: dict[str, int] = {}
    keys = list(wanted)
    for start in range(0, len(keys), 500):  # SQLite's limit on bound parameters
        rows = session.exec(
            select(Article.id, Article.canonical_url).where(
                col(Article.canonical_url).in_(keys[start : start + 500])
            )
        ).all()
        for article_id, url in rows:
            if article_id is not None and (wanted[url] not in found or url == wanted[url]):
                found[wanted[url]] = article_id
    return found


def _is_linked_to(session: Session, article_id: int, source_id: int) -> bool:
    return (
        session.exec(
            select(ArticleSource.id).where(
                ArticleSource.article_id == article_id, ArticleSource.source_id == source_id
            )
        ).first()
        is not None
    )


def link_entry(
    session: Session,
    article_id: int,
    *,
    source_id: int,
    guid: str,
    entry_url: str | None,
    title: str | None = None,
    guarded: bool = True,
) -> EntryOutcome:
    """Link a stored article to a source's entry: linked (another source's copy), updated
    (this source's article under a new GUID; a changed headline is kept), or seen.
    ``guarded`` as in ``save_entry``."""
    begin_write(session)
    already_here = _is_linked_to(session, article_id, source_id)
    try:
        with _savepoint(session, guarded):
            added = store_articles.link_article(session, article_id, source_id, guid, entry_url)
    except IntegrityError:
        if not guarded:
            raise
        added = False  # another writer linked this GUID a moment ago
    if not added:
        return "seen"
    if not already_here:
        return "linked"
    if title:
        article = session.get(Article, article_id)
        if article is not None and article.title != title:
            article.title = title
            session.add(article)
    return "updated"


def save_entry(
    session: Session,
    record: ArticleRecord,
    *,
    source_id: int,
    guid: str,
    entry_url: str | None,
    vendor_ids: dict[str, int],
    guarded: bool = True,
) -> tuple[EntryOutcome, int | None]:
    """Store a new article, or link the stored one; safe against a concurrent writer.

    Returns the outcome and the article's id. ``guarded=False`` leaves out the savepoints
    that let a lost race with another writer end in a link: the caller's transaction fails
    instead, and the caller runs it again guarded. On SQLite a savepoint makes the database
    copy every page it changes to a sub-journal first: 1.2 -> 2.3 ms of SQLite's own work to
    store an article of bench/fetch_bench.py's pages.
    """
    begin_write(session)
    existing = find_article(session, record.canonical_url, record.content_hash)
    if existing is None:
        try:
            with _savepoint(session, guarded):
                # Neither its URL nor its hash is stored (just read, in this transaction).
                article_id = store_articles.insert_article(
                    session,
                    record,
                    source_id=source_id,
                    guid=guid,
                    entry_url=entry_url,
                    vendor_ids=vendor_ids,
                )
            return "new", article_id
        except IntegrityError:
            if not guarded:
                raise
            existing = find_article(session, record.canonical_url, record.content_hash)
            if existing is None:
                raise
    outcome = link_entry(
        session,
        existing,
        source_id=source_id,
        guid=guid,
        entry_url=entry_url,
        title=record.title,
        guarded=guarded,
    )
    return outcome, existing


def sync_vendor_ids(store: Store, gazetteer: Gazetteer, attempts: int = 5) -> dict[str, int]:
    """``articles.sync_vendors`` in its own transaction, retried when another process is
    writing the same rows at the same moment (two fetches starting together)."""
    for attempt in range(attempts):
        try:
            with store.session() as session:
                begin_write(session)
                return store_articles.sync_vendors(session, gazetteer)
        except (IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")
