"""A static HTTP server on 127.0.0.1 for the bundled sample site (demo and tests)."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CONTENT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
}


class _QuietHandler(SimpleHTTPRequestHandler):
    def guess_type(self, path: str | os.PathLike[str]) -> str:
        """Feed types by extension; a page for a file without one (``/news/some-slug``, as
        sites serve articles); the standard table for the rest."""
        suffix = Path(path).suffix.lower()
        if not suffix:
            return CONTENT_TYPES[".html"]
        return CONTENT_TYPES.get(suffix) or super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the demo's output is the tracker's, not the server's."""


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops connections when a fetch opens many


@contextmanager
def serve_directory(root: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` on ``port`` of ``host`` (0: a free one) in a background thread; yields
    the base URL. OSError when the port is taken."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _Server((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="fixture-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
