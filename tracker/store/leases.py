"""Leases: several workers share one database and each source is fetched by one at a time.

A worker claims due sources by writing its name and an expiry on them. On PostgreSQL the
claim selects with ``FOR UPDATE SKIP LOCKED`` so two workers never take the same row; on
SQLite a single `tracker run` holds the database (see tracker.ingest.daemon.RunLock) and the same
statements work without the locking clause. A worker that dies stops renewing: its leases
expire and the others take the sources over.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from tracker.store.tables import Source


def claim_due_sources(
    session: Session,
    worker: str,
    now: datetime,
    lease_s: float,
    limit: int,
    exclude: Collection[int] = (),
) -> list[Source]:
    """Take up to ``limit`` enabled, due sources no live lease holds, but those in
    ``exclude`` (the worker's own, being fetched); returns them."""
    if limit <= 0:
        return []
    due = (
        select(Source)
        .where(
            col(Source.is_enabled),
            or_(col(Source.next_attempt_at).is_(None), col(Source.next_attempt_at) <= now),
            or_(
                col(Source.lease_expires_at).is_(None),
                col(Source.lease_expires_at) <= now,
                col(Source.lease_owner) == worker,
            ),
        )
        .order_by(col(Source.next_attempt_at).asc().nulls_first(), col(Source.id))
        .limit(limit)
    )
    if exclude:
        due = due.where(col(Source.id).not_in(sorted(exclude)))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    sources = list(session.exec(due))
    expires = now + timedelta(seconds=lease_s)
    for source in sources:
        source.lease_owner, source.lease_expires_at = worker, expires
        session.add(source)
    session.flush()
    return sources


def renew_leases(session: Session, worker: str, source_ids: list[int], until: datetime) -> int:
    """Extend this worker's leases on ``source_ids``; returns how many it still held."""
    if not source_ids:
        return 0
    result = session.exec(
        update(Source)
        .where(col(Source.id).in_(source_ids), col(Source.lease_owner) == worker)
        .values(lease_expires_at=until)
    )
    return int(result.rowcount or 0)


def release_leases(session: Session, worker: str, source_ids: list[int]) -> None:
    """Give the sources back (after their fetch, or on a clean shutdown)."""
    if not source_ids:
        return
    session.exec(
        update(Source)
        .where(col(Source.id).in_(source_ids), col(Source.lease_owner) == worker)
        .values(lease_owner=None, lease_expires_at=None)
    )
