"""`tracker sources health`: each source's fetch state (from the store) with its publishing
rhythm and its health (tracker.ingest.cadence)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tracker.config import ScheduleSettings
from tracker.ingest.cadence import source_health
from tracker.store import Store, fetchstate
from tracker.store import sources as store_sources


def health_rows(store: Store, settings: ScheduleSettings, now: datetime) -> list[dict[str, Any]]:
    """One record per source: state, last success and error, streak, next attempt, rates."""
    with store.session() as session:
        published = fetchstate.publication_times_by_source(session, now - timedelta(days=30))
        last = fetchstate.last_fetches(session)
        sources = store_sources.all_sources(session)
    rows: list[dict[str, Any]] = []
    for source in sources:
        assert source.id is not None
        times = published.get(source.id, [])
        health = source_health(
            is_enabled=source.is_enabled,
            is_failing=source.is_failing,
            error_streak=source.error_count,
            last_success_at=source.last_success_at,
            published=times,
            now=now,
            silent_factor=settings.silent_factor,
            is_layout_changed=source.layout_changed_at is not None,
        )
        fetch = last.get(source.id)
        rows.append(
            {
                "name": source.name,
                "url": source.url,
                "state": health.state,
                "last_success_at": source.last_success_at,
                "last_error_at": source.last_error_at,
                "last_error_class": source.last_error_class,
                "last_error": source.last_error,
                "last_http_status": source.last_http_status,
                "error_streak": source.error_count,
                "next_attempt_at": source.next_attempt_at,
                "interval": (
                    "auto"
                    if source.is_adaptive
                    else source.interval_minutes or settings.interval_minutes
                ),
                "per_day_7d": health.per_day_7d,
                "per_day_30d": health.per_day_30d,
                "usual_gap_h": (
                    round(health.usual_gap.total_seconds() / 3600, 1) if health.usual_gap else None
                ),
                "last_published_at": max(times) if times else None,
                "silent": health.is_silent,
                "last_fetch_s": fetch.elapsed_s if fetch else None,
                "disabled_reason": source.disabled_reason,
                "kind": source.kind,
                "layout_changed_at": source.layout_changed_at,
                "layout_note": source.layout_note,
            }
        )
    return rows
