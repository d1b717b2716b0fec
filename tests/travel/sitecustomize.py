"""Moves the clock of a test run by $TRACKER_TEST_TRAVEL (``+365d``, ``-365d``, ``+12h``).

Imported by tests/conftest.py, and, as ``sitecustomize``, by every Python process the tests
start (conftest.py puts this folder on PYTHONPATH): the daemons, the killed fetches and the
worker processes see the same moved clock as the tests. time-machine moves Python's clock
only: file times, SQLite's and PostgreSQL's own clocks stay real, which is why the tracker
takes every time it stores from Python.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

VARIABLE = "TRACKER_TEST_TRAVEL"
_MOVED = "TRACKER_TEST_TRAVEL_PID"  # the process whose clock is moved already
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def travel_offset(value: str | None = None) -> timedelta | None:
    """The offset that $TRACKER_TEST_TRAVEL asks for; None when unset."""
    value = (os.environ.get(VARIABLE, "") if value is None else value).strip()
    if not value:
        return None
    match = re.fullmatch(r"([+-])(\d+)([dhms])", value)
    if match is None:
        raise ValueError(f"{VARIABLE}={value!r}: expected a sign, a number and d/h/m/s, e.g. +365d")
    sign, amount, unit = match.groups()
    offset = timedelta(**{_UNITS[unit]: int(amount)})
    return -offset if sign == "-" else offset


def start_travel() -> timedelta | None:
    """Move this process's clock by the offset, ticking on from there; None when unset.

    Once per process: a pytest-xdist worker is moved as it starts (this file as
    sitecustomize), then its conftest.py asks again."""
    offset = travel_offset()
    if offset is None or os.environ.get(_MOVED) == str(os.getpid()):
        return offset
    import time_machine

    time_machine.travel(offset, tick=True).start()
    os.environ[_MOVED] = str(os.getpid())
    return offset


if __name__ == "sitecustomize":
    start_travel()
