"""Re-tagging stored articles when the gazetteer learns a name: the articles that contain it
are extracted again, so that search, reports and digests find the vendor in what was
fetched before it was known."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from tracker.extract import Extractor
from tracker.store.articles import replace_findings, sync_vendors
from tracker.store.tables import Article

BATCH = 200  # articles read at once


@dataclass(frozen=True, slots=True)
class Retagged:
    """What a re-tagging did."""

    examined: int  # articles that contain one of the names
    changed: int  # of those, articles whose vendors changed


def articles_naming(session: Session, forms: Iterable[str]) -> list[int]:
    """Ids of the stored articles whose title or text contains one of ``forms`` in any case:
    the only ones a new name can change (the extraction then decides if it names the vendor)."""
    tests = [
        test
        for form in dict.fromkeys(f.strip() for f in forms if f.strip())
        for test in (
            col(Article.title).icontains(form, autoescape=True),
            col(Article.text).icontains(form, autoescape=True),
        )
    ]
    if not tests:
        return []
    found = session.exec(select(col(Article.id)).where(or_(*tests)).order_by(col(Article.id)))
    return [int(article_id) for article_id in found if article_id is not None]


def retag(session: Session, extractor: Extractor, forms: Iterable[str]) -> Retagged:
    """Extract again, with ``extractor``, every stored article containing one of ``forms``, and
    put the new findings in place of the old, all in the caller's transaction."""
    ids = articles_naming(session, forms)
    if not ids:
        return Retagged(0, 0)
    vendor_ids = sync_vendors(session, extractor.gazetteer)
    changed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = session.exec(
            select(col(Article.id), Article.title, Article.text, Article.vendor_ids).where(
                col(Article.id).in_(chunk)
            )
        ).all()
        for article_id, title, text, before in rows:
            assert article_id is not None
            extraction = extractor.extract(title, text)
            replace_findings(session, article_id, extraction, vendor_ids)
            after = {vendor_ids[m.vendor] for m in extraction.mentions if m.vendor in vendor_ids}
            changed += after != set(before or ())
    return Retagged(len(ids), changed)
