"""A threaded HTTP server on 127.0.0.1 that records when each request arrived."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorder:
    """Routes (path -> status, headers, body) and what came in."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    delay_s: float = 0.0  # each request is held this long; ``active`` counts those held
    together: int = 0  # first, each request waits (30 s at most) until this many are held
    arrivals: list[tuple[str, float]] = field(default_factory=list)
    active: int = 0
    max_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def paths(self) -> list[str]:
        return [p for p, _ in self.arrivals]


@contextmanager
def recording_server(recorder: Recorder) -> Iterator[Recorder]:
    # Requests that must meet: a client that sends them together gets through at once, however
    # slow the machine; one that sends fewer at once waits, and max_active shows it.
    meeting = threading.Barrier(recorder.together, timeout=30) if recorder.together else None

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with recorder.lock:
                recorder.arrivals.append((self.path, time.monotonic()))
                recorder.active += 1
                recorder.max_active = max(recorder.max_active, recorder.active)
            try:
                if meeting is not None:
                    with contextlib.suppress(threading.BrokenBarrierError):
                        meeting.wait()
                if recorder.delay_s:
                    time.sleep(recorder.delay_s)
            finally:
                # Counted out before the answer goes: once the client has it, it may start the
                # next request at once, sooner than this thread would run again on a busy machine.
                with recorder.lock:
                    recorder.active -= 1
            status, headers, body = recorder.routes.get(
                self.path, (200, {"Content-Type": "text/html"}, b"<html><body>ok</body></html>")
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 64

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
