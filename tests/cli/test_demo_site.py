"""The demo's database keeps working after the demo: its sources are stored with the fixed
[demo] port, `demo --serve` keeps the site up for a `tracker fetch`, and a taken port falls
back to a free one with a note."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SITE, Cli
from tracker.devserver import serve_directory


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def demo_config(folder: Path, port: int) -> Path:
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('site_dir = "../fixtures/site"', f"site_dir = {str(SITE)!r}")
    text = text.replace('vendors_file = "vendors.toml"', "")
    text = text.replace("port = 28413", f"port = {port}")
    assert f"port = {port}" in text
    path = folder / "demo.toml"
    path.write_text(text + '\n[display]\ntimezone = "UTC"\n', encoding="utf-8")
    return path


def test_the_demo_sources_work_whenever_the_site_is_served_again(tmp_path: Path) -> None:
    port = free_port()
    cli = Cli(demo_config(tmp_path, port), f"sqlite:///{tmp_path / 'demo.db'}")
    first = cli("demo")
    assert first.exit_code == 0, first.stderr
    assert f"http://127.0.0.1:{port}" in first.stderr
    assert "demo --serve" in first.stderr
    sources = json.loads(cli("sources", "list", "--format", "json").stdout)
    assert sources
    assert all(s["url"].startswith(f"http://127.0.0.1:{port}/") for s in sources)
    with serve_directory(SITE, port=port):  # the port served again, as the next demo does
        fetched = cli("fetch", "--all", "--format", "json")
        assert fetched.exit_code == 0, fetched.stderr
        assert json.loads(fetched.stdout)["failed_sources"] == []
        # The port is taken now: the demo serves on a free one for this run, and says so.
        again = cli("demo")
    assert again.exit_code == 0, again.stderr
    assert f"port {port} is taken" in again.stderr
    assert "Nothing new" in again.stdout


def test_demo_serve_keeps_the_site_up_until_interrupted(tmp_path: Path) -> None:
    port = free_port()
    config, db = demo_config(tmp_path, port), f"sqlite:///{tmp_path / 'demo.db'}"
    serving = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--config", str(config), "--db", db, "demo", "--serve"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "TRACKER_TIMEZONE": "UTC"},
    )
    said: list[str] = []
    assert serving.stderr is not None
    reader = threading.Thread(target=lambda: said.extend(serving.stderr or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 240
        while not any("until Ctrl-C" in line for line in said):
            assert serving.poll() is None, "".join(said)
            assert time.monotonic() < deadline, "".join(said)
            time.sleep(0.2)
        fetched = Cli(config, db)("fetch", "--all", "--format", "json")
        assert fetched.exit_code == 0, fetched.stderr
        assert json.loads(fetched.stdout)["failed_sources"] == []
        serving.send_signal(signal.SIGINT)
        try:
            serving.wait(timeout=120)  # a bound for a busy machine: stopping takes a second idle
        except subprocess.TimeoutExpired:
            pytest.fail("still serving 120 s after SIGINT; it said:\n" + "".join(said))
    finally:
        if serving.poll() is None:
            serving.kill()
            serving.wait()
        reader.join(timeout=10)
        serving.stderr.close()
    assert serving.returncode == 0, "".join(said)
    assert "stopped serving" in "".join(said)
