"""No worker outlives its parent: `tracker fetch` stopped by SIGTERM exits like on Ctrl-C,
without a traceback, and a `tracker fetch` or `tracker run` killed with SIGKILL leaves none of
its worker processes (nor multiprocessing's resource tracker) behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT, travel_env, write_config

PAGES = 80  # at least 20 s of fetching at 4 at a time: still running when signalled


class _SlowSite(BaseHTTPRequestHandler):
    """A feed of PAGES entries whose pages each take a while: a fetch that lasts."""

    def do_GET(self) -> None:
        if self.path == "/feed.xml":
            items = "".join(
                f"<item><title>Story {i}</title><link>http://{self.headers['Host']}/p/{i}.html"
                f"</link><guid>s{i}</guid><description>TSMC story {i}.</description></item>"
                for i in range(PAGES)
            )
            body = (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>'
                f"{items}</channel></rss>"
            )
            kind = "application/rss+xml"
        else:
            time.sleep(1.0)
            text = "TSMC ships wafers to Nvidia. " * 30
            body = f"<html><body><article><p>{text}{self.path}</p></article></body></html>"
            kind = "text/html; charset=utf-8"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _children() -> dict[int, int]:
    """pid -> parent pid of every process (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _descendants(pid: int) -> set[int]:
    parents = _children()
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _start(tmp_path: Path, site: str, *command: str) -> subprocess.Popen[bytes]:
    config = write_config(
        tmp_path / "c.toml", {"slow": site + "/feed.xml"}, workers=2, per_host_concurrency=4
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--config", str(config),
         "--db", f"sqlite:///{tmp_path / 't.db'}", *command],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, **travel_env(), "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip


def _workers_started(process: subprocess.Popen[bytes]) -> set[int]:
    """The process's descendants once its pool of two workers runs."""
    deadline = time.monotonic() + 120  # a bound for a stuck start, not a measure of speed
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        found = _alive(_descendants(process.pid))
        if len(found) >= 3:  # two workers and the resource tracker
            return found
        time.sleep(0.1)
    raise AssertionError("the worker processes never started")


def _gone(pids: set[int]) -> set[int]:
    """``pids`` still alive after a while (a bound, not a measure of speed)."""
    deadline = time.monotonic() + 30
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


def _stop(process: subprocess.Popen[bytes], workers: set[int]) -> None:
    """Whatever the outcome, end the process and the workers it started (an orphan holds
    the pipes open: reading them to the end would wait for it)."""
    for pid in {process.pid, *_alive(workers)}:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(30)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@pytest.mark.slow
@pytest.mark.parametrize("command", [("fetch",), ("run",)], ids=["fetch", "run"])
def test_sigkill_leaves_no_worker_behind(
    tmp_path: Path, slow_site: str, command: tuple[str, ...]
) -> None:
    process = _start(tmp_path, slow_site, *command)
    workers: set[int] = set()
    try:
        workers = _workers_started(process)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        assert _gone(workers) == set()
    finally:
        _stop(process, workers)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sigterm_stops_fetch_like_ctrl_c(tmp_path: Path, slow_site: str, sig: int) -> None:
    process = _start(tmp_path, slow_site, "fetch")
    workers: set[int] = set()
    try:
        workers = _workers_started(process)
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
        stderr = err.decode(errors="replace")
        assert "Traceback" not in stderr
        assert process.returncode == 130, stderr
        assert _gone(workers) == set()
    finally:
        _stop(process, workers)
