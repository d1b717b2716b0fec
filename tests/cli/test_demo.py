"""The demo, as `make demo` runs it: the real entry point in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, travel_env


def run_demo(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tracker",
            "--config",
            "config/demo.toml",
            "--db",
            f"sqlite:///{db}",
            "demo",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "TRACKER_TIMEZONE": "UTC", **travel_env()},
    )


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
    second = run_demo(db)
    assert second.returncode == 0, second.stderr
    assert "Nothing new" in second.stdout
    assert "Top vendors in the store" in second.stdout
