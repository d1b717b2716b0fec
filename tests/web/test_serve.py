"""`tracker serve` as a user runs it: a process that prints its URL and serves pages."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx2

from tests.web.conftest import fill
from tracker.store import Store


def test_serve_prints_its_url_and_serves_the_store(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'web.db'}"
    store = Store(db)
    fill(store)
    store.close()
    env = {**os.environ, "TRACKER_WEB_TOKEN": ""}
    with subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db, "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,
    ) as process:
        _check(process)


def _check(process: subprocess.Popen[str]) -> None:
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        with httpx2.Client(base_url=found.group(0), timeout=30) as client:
            page = client.get("/search", params={"q": "assemble"})
        assert page.status_code == 200
        assert "Luxshare to assemble" in page.text
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
