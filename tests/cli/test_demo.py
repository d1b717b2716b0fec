"""The demo, as `make demo` runs it: the real entry point in a subprocess."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, travel_env


def run_tracker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "TRACKER_TIMEZONE": "UTC", **travel_env()},
    )


def run_demo(db: Path) -> subprocess.CompletedProcess[str]:
    return run_tracker("--config", "config/demo.toml", "--db", f"sqlite:///{db}", "demo")


def hinted(output: str, label: str) -> list[str]:
    """The arguments of the `tracker ...` command the demo suggests after ``label``."""
    line = next(line for line in output.splitlines() if line.startswith(label))
    words = shlex.split(line.removeprefix(label))
    assert words[0] == "tracker"
    return words[1:]


@pytest.mark.slow
def test_demo_then_demo_again_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    first = run_demo(db)
    assert first.returncode == 0, first.stderr
    assert "serving" in first.stderr
    assert "127.0.0.1" in first.stderr
    assert "new articles stored" in first.stdout
    assert "Top vendors in the new articles" in first.stdout
    assert "Example search" in first.stdout
    assert "Luxshare" in first.stdout
    # The commands it suggests read the demo's database, not ./tracker.db.
    search = hinted(first.stdout, "Example search: ")
    assert search[:2] == ["--db", f"sqlite:///{db}"]
    found = run_tracker(*search, "--format", "json")
    assert found.returncode == 0, found.stderr
    assert any("Luxshare" in hit["title"] for hit in json.loads(found.stdout))
    shown = run_tracker(*hinted(first.stdout, "One article whole: "), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == json.loads(found.stdout)[0]["id"]
    second = run_demo(db)
    assert second.returncode == 0, second.stderr
    assert "Nothing new" in second.stdout
    assert "Top vendors in the store" in second.stdout
