"""A fault-injection HTTP server on 127.0.0.1: every way a feed server can misbehave.

A raw socket server (not http.server) so it can also cut, stall, drip and reset. Each
route is bounded in time; ``stop()`` ends the slow ones at once.
"""

from __future__ import annotations

import gzip
import io
import itertools
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

RSS_HEAD = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{}</title>'
GOOD_RSS = (
    RSS_HEAD.format("Fine")
    + "<item><title>TSMC adds capacity</title><guid>f-1</guid>"
    + "<description>TSMC and Nvidia expand CoWoS.</description></item></channel></rss>"
).encode()
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><guid>l-1</guid><description>&lol9;</description></item>
</channel></rss>"""
PRIVATE_LINKS = (
    RSS_HEAD.format("Sneaky")
    + "<item><title>Internal</title><guid>p-1</guid><link>http://127.0.0.2:9/admin</link>"
    + "<description>TSMC and Nvidia, via an internal link.</description></item>"
    + "<item><title>Local</title><guid>p-2</guid><link>http://localhost:9/x</link>"
    + "<description>Luxshare via localhost.</description></item>"
    + "<item><title>Six</title><guid>p-3</guid><link>http://[::1]:9/x</link>"
    + "<description>MediaTek via ::1.</description></item></channel></rss>"
).encode()
CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<div id='challenge-platform'>Checking your browser before accessing.</div></body></html>"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048
HUGE_BYTES = 50 * 1024 * 1024
HUGE_BLOCK = b"<!-- padding -->" * 65536  # 1 MiB
BOMB_BYTES = 64 * 1024 * 1024  # > every max_body_bytes the tests set; ~64 KB gzipped


@dataclass(slots=True)
class Hit:
    """One request the server received."""

    path: str
    at: float
    headers: dict[str, str]


@dataclass
class FaultServer:
    """Routes: see ``ROUTES``; ``hits`` records every request."""

    host: str = "127.0.0.1"
    hits: list[Hit] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    _bomb: bytes = b""

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def bomb(self) -> bytes:
        """64 MB of zeros, gzipped to about 64 KB (made once, when the server starts)."""
        if not self._bomb:
            buffer = io.BytesIO()
            with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as out:
                block = b"\0" * (1024 * 1024)
                for _ in range(BOMB_BYTES // len(block)):
                    out.write(block)
            self._bomb = buffer.getvalue()
        return self._bomb


def _head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _respond(
    conn: socket.socket, status: str, body: bytes, ctype: str = "application/rss+xml", **extra: str
) -> None:
    headers = {"Content-Type": ctype, "Content-Length": str(len(body)), "Connection": "close"}
    headers.update({k.replace("_", "-"): v for k, v in extra.items()})
    conn.sendall(_head(status, headers) + body)


def _sleep(server: FaultServer, seconds: float) -> bool:
    """Sleep unless the server stops; False when it stopped."""
    return not server.stopping.wait(seconds)


Route = Callable[[FaultServer, socket.socket], None]


def r_500(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "500 Internal Server Error", b"oops", "text/plain")


def r_503(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "503 Service Unavailable", b"busy", "text/plain", Retry_After="7200")


def r_429(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "429 Too Many Requests", b"slow down", "text/plain", Retry_After="600")


def r_410(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "410 Gone", b"gone", "text/plain")


def r_challenge(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "403 Forbidden", CHALLENGE, "text/html", Server="cloudflare")


def r_drip(s: FaultServer, c: socket.socket) -> None:
    """A valid start, then one byte every 0.2 s: never a read timeout, and no end until the
    client gives up (or the server stops), so a run that finishes at all has cut it."""
    c.sendall(_head("200 OK", {"Content-Type": "application/rss+xml", "Content-Length": "100000"}))
    body = GOOD_RSS * 100
    for i in itertools.count():
        if not _sleep(s, 0.2):
            return
        try:
            c.sendall(body[i % len(body) : i % len(body) + 1])
        except OSError:
            return


def r_stall(s: FaultServer, c: socket.socket) -> None:
    """Headers, then nothing."""
    c.sendall(_head("200 OK", {"Content-Type": "application/rss+xml", "Content-Length": "5000"}))
    _sleep(s, 30)


def r_truncated(s: FaultServer, c: socket.socket) -> None:
    """Content-Length says 5000; 1000 bytes come, then the connection closes."""
    c.sendall(_head("200 OK", {"Content-Type": "application/rss+xml", "Content-Length": "5000"}))
    c.sendall((GOOD_RSS * 10)[:1000])


def r_reset(s: FaultServer, c: socket.socket) -> None:
    """RST instead of an answer."""
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def r_image(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "200 OK", PNG, "image/png")


def r_invalid(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "200 OK", b"<rss><channel><title>oops</titl <<>> &bogus;", "text/xml")


def r_huge(s: FaultServer, c: socket.socket) -> None:
    """50 MB of a feed-looking body, no Content-Length, streamed until the client gives up.

    In blocks of 1 MB, made once: the client reaches its body limit after its first reads,
    whatever the machine's speed, long before any time limit could end the request."""
    c.sendall(_head("200 OK", {"Content-Type": "application/rss+xml", "Connection": "close"}))
    sent = 0
    while sent < HUGE_BYTES and not s.stopping.is_set():
        try:
            c.sendall(HUGE_BLOCK)
        except OSError:
            return
        sent += len(HUGE_BLOCK)


def r_loop(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "302 Found", b"", "text/plain", Location="/loop-b")


def r_loop_b(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "302 Found", b"", "text/plain", Location="/loop")


def r_bad_location(s: FaultServer, c: socket.socket) -> None:
    """A redirect to a Location no URL parser accepts."""
    _respond(c, "302 Found", b"", "text/plain", Location="http://[::1/elsewhere")


def r_bomb(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "200 OK", s.bomb(), "application/rss+xml", Content_Encoding="gzip")


def r_laughs(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "200 OK", BILLION_LAUGHS)


def r_private(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "200 OK", PRIVATE_LINKS)


def r_wrong_type_feed(s: FaultServer, c: socket.socket) -> None:
    """A good feed, served as text/html: read anyway."""
    _respond(c, "200 OK", GOOD_RSS, "text/html; charset=utf-8")


def r_robots(s: FaultServer, c: socket.socket) -> None:
    _respond(c, "404 Not Found", b"", "text/plain")


ROUTES: dict[str, Route] = {
    "/500": r_500,
    "/503": r_503,
    "/429": r_429,
    "/410": r_410,
    "/challenge": r_challenge,
    "/drip": r_drip,
    "/stall": r_stall,
    "/truncated": r_truncated,
    "/reset": r_reset,
    "/image": r_image,
    "/invalid.xml": r_invalid,
    "/huge": r_huge,
    "/loop": r_loop,
    "/loop-b": r_loop_b,
    "/bomb": r_bomb,
    "/bad-location": r_bad_location,
    "/laughs.xml": r_laughs,
    "/private.xml": r_private,
    "/wrong-type.xml": r_wrong_type_feed,
    "/robots.txt": r_robots,
}


def _read_request(conn: socket.socket) -> tuple[str, dict[str, str]] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    parts = head[0].split(" ")
    if len(parts) < 2:
        return None
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return parts[1], headers


@contextmanager
def fault_server(host: str = "127.0.0.1") -> Iterator[FaultServer]:
    """Serve ``ROUTES`` on a free port; yields the FaultServer."""
    state = FaultServer(host=host)
    state.bomb()  # not on the first request: making it takes a moment

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            conn: socket.socket = self.request
            conn.settimeout(35)
            try:
                request = _read_request(conn)
                if request is None:
                    return
                path, headers = request
                state.hits.append(Hit(path, time.monotonic(), headers))
                route = ROUTES.get(path.split("?", 1)[0])
                if route is None:
                    _respond(conn, "404 Not Found", b"no such route", "text/plain")
                else:
                    route(state, conn)
            except OSError:
                pass

    class Server(socketserver.ThreadingTCPServer):
        request_queue_size = 128  # the default 5 drops connections when a run opens many

    server = Server((host, 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="fault-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
