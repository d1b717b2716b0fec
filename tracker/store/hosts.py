"""Per-host turns for the whole fleet: workers sharing a PostgreSQL database keep one gap
between two requests to a host, whichever worker makes them.

Each request reserves the host's next turn in one statement (an upsert on the host's row,
which PostgreSQL serialises): the turn is the later of now and the previous turn plus the
gap. The database's clock decides, so workers on machines whose clocks differ agree. SQLite
has one `tracker run` per file: its in-process gate is the whole fleet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.store import Store

log = logging.getLogger(__name__)

_RESERVE = text(
    """INSERT INTO host_turn AS h (host, next_at)
    VALUES (:host, clock_timestamp() + make_interval(secs => CAST(:gap AS double precision)))
    ON CONFLICT (host) DO UPDATE SET next_at = greatest(h.next_at, clock_timestamp())
        + make_interval(secs => CAST(:gap AS double precision))
    RETURNING extract(epoch FROM h.next_at - clock_timestamp()) - :gap"""
)


def reserve_turn(store: Store, host: str, gap_s: float) -> float:
    """Reserve the next turn at ``host`` (``gap_s`` after the previous one, at the earliest
    now); the seconds until it comes. 0 when the database cannot say (this process's own
    gap still holds)."""
    try:
        with store.engine.begin() as conn:
            wait = conn.execute(_RESERVE, {"host": host, "gap": gap_s}).scalar_one()
    except SQLAlchemyError as exc:
        log.warning("host turn not reserved: %s", str(exc).splitlines()[0])
        return 0.0
    return max(0.0, float(wait))


def shared_turns(store: Store) -> Callable[[str, float], Awaitable[float]] | None:
    """The fleet's turns for a Fetcher on ``store``; None on SQLite."""
    if store.dialect != "postgresql":
        return None

    async def turn(host: str, gap_s: float) -> float:
        return await asyncio.to_thread(reserve_turn, store, host, gap_s)

    return turn
