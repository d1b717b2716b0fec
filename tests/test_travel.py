"""The clock switch of the suite (tests/travel): TRACKER_TEST_TRAVEL moves the clock of the
tests and of every Python process they start, by the same offset; unset, nothing moves."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import travel_env
from tests.travel.sitecustomize import VARIABLE, travel_offset

# Far above what a busy machine takes to write a file or start Python, far below a travel.
SLACK_S = 3600.0


def test_the_offset_is_read_from_the_variable() -> None:
    assert travel_offset("") is None
    assert travel_offset("+365d") == timedelta(days=365)
    assert travel_offset("-365d") == timedelta(days=-365)
    assert travel_offset("+12h") == timedelta(hours=12)
    with pytest.raises(ValueError, match="expected a sign"):
        travel_offset("next year")


def test_the_tests_and_their_processes_see_the_moved_clock(tmp_path: Path) -> None:
    asked = travel_offset() or timedelta(0)
    # The file system keeps the real time: a file written now dates the real clock.
    stamp = tmp_path / "now"
    stamp.touch()
    moved_by = time.time() - stamp.stat().st_mtime
    assert abs(moved_by - asked.total_seconds()) < SLACK_S, (moved_by, asked)
    child = subprocess.run(
        [sys.executable, "-c", "import time; print(time.time())"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ.get("PATH", ""), **travel_env()},
    )
    assert abs(float(child.stdout) - time.time()) < SLACK_S
    assert (VARIABLE in travel_env()) == bool(travel_offset())
