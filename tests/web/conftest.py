"""The web workspace over a real server on 127.0.0.1 and a store on each backend."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
import uvicorn

from tests.conftest import SAMPLE_NOW
from tracker.config import Settings, WebSettings, WebUser
from tracker.store import Store
from tracker.store.tables import (
    Article,
    ArticleSource,
    Event,
    EventVendor,
    Mention,
    ProductMention,
    Relation,
    Source,
    Vendor,
)
from tracker.web.app import create_app
from tracker.web.security import hash_password

AT = datetime(2026, 11, 20, 6, tzinfo=UTC)
URL = "https://news.example/2026/luxshare-apple"
SENTENCE = "Luxshare will assemble the iPhone for Apple in Vietnam."
HOSTILE_TITLE = "<script>alert('x')</script> Foxconn wins Nvidia trays"
HOSTILE_URL = "javascript:alert(document.cookie)"
PASSWORD = "correct horse battery"
TOKEN = "a-long-shared-token-for-tests"


def fill(store: Store) -> dict[str, int]:
    """Two sources, three vendors, two articles (one from a hostile feed)."""
    with store.session() as session:
        wire = Source(
            name="wire", url="https://news.example/feed", created_at=AT, last_success_at=AT
        )
        other = Source(name="other", url="https://other.example/rss", created_at=AT)
        lux = Vendor(name="Luxshare", kind="ems", country="CN")
        apple = Vendor(name="Apple", kind="oem", country="US")
        fox = Vendor(name="Foxconn", kind="ems", country="TW")
        nvidia = Vendor(name="Nvidia", kind="fabless", country="US")
        first = Article(
            canonical_url=URL,
            url=URL + "?utm_source=rss",
            title="Luxshare to assemble iPhones in Vietnam",
            text=f"{SENTENCE}\nApple declined to comment.",
            content_hash="h1",
            published_at=AT,
            fetched_at=AT,
        )
        hostile = Article(
            canonical_url="https://other.example/foxconn",
            url=HOSTILE_URL,
            title=HOSTILE_TITLE,
            text="Foxconn supplies Nvidia with GB200 trays. <img src=x onerror=alert(1)>",
            content_hash="h2",
            published_at=AT,
            fetched_at=AT,
        )
        session.add_all([wire, other, lux, apple, fox, nvidia, first, hostile])
        session.flush()
        # the copy of the mentions PostgreSQL's search filters by (migration 0010)
        first.vendor_ids = sorted([lux.id or 0, apple.id or 0])
        hostile.vendor_ids = sorted([fox.id or 0, nvidia.id or 0])
        assert first.id
        assert hostile.id
        assert lux.id
        assert apple.id
        assert fox.id
        assert nvidia.id
        session.add_all(
            [
                ArticleSource(article_id=first.id, source_id=wire.id or 0, guid="g1",
                              entry_url=URL, seen_at=AT),
                ArticleSource(article_id=hostile.id, source_id=other.id or 0, guid="g2",
                              entry_url=HOSTILE_URL, seen_at=AT),
                Mention(article_id=first.id, vendor_id=lux.id, surface="Luxshare",
                        sentence=SENTENCE, start=0, end=8),
                Mention(article_id=first.id, vendor_id=apple.id, surface="Apple",
                        sentence=SENTENCE, start=38, end=43),
                Mention(article_id=hostile.id, vendor_id=fox.id, surface="Foxconn",
                        sentence="Foxconn supplies Nvidia with GB200 trays.", start=0, end=7),
                Mention(article_id=hostile.id, vendor_id=nvidia.id, surface="Nvidia",
                        sentence="Foxconn supplies Nvidia with GB200 trays.", start=17, end=23),
                ProductMention(article_id=first.id, catalog_id="apple-iphone", name="iPhone",
                               vendor="Apple", category="device", surface="iPhone",
                               sentence=SENTENCE),
                Relation(article_id=first.id, supplier="Luxshare", customer="Apple",
                         product="iPhone", status="confirmed", confidence=0.8,
                         evidence=SENTENCE),
                Relation(article_id=hostile.id, supplier="Foxconn", customer="Nvidia",
                         product=None, status="confirmed", confidence=0.9,
                         evidence="Foxconn supplies Nvidia with GB200 trays."),
            ]
        )  # fmt: skip
        event = Event(article_id=first.id, type="capacity", evidence=SENTENCE)
        session.add(event)
        session.flush()
        session.add(EventVendor(event_id=event.id or 0, vendor="Luxshare"))
        return {"first": first.id, "hostile": hostile.id}


class Server:
    """A uvicorn server of the workspace in a thread, on a free port of 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.sock = sock
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]})
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)

    def client(self, **kwargs: Any) -> httpx2.Client:
        return httpx2.Client(base_url=self.url, timeout=30, **kwargs)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()


def auth_settings() -> Settings:
    users = (
        WebUser(name="ann", password_hash=hash_password(PASSWORD, salt=b"0" * 16), role="analyst"),
        WebUser(name="vic", password_hash=hash_password(PASSWORD, salt=b"1" * 16), role="viewer"),
    )
    return Settings(path=None, web=WebSettings(token=TOKEN, token_role="viewer", users=users))


@pytest.fixture
def web_store(db_url: str) -> Iterator[tuple[Store, dict[str, int]]]:
    store = Store(db_url)
    try:
        yield store, fill(store)
    finally:
        store.close()


ServeFn = Callable[..., Server]


@pytest.fixture
def serve(web_store: tuple[Store, dict[str, int]]) -> Iterator[ServeFn]:
    """Start the workspace over the filled store: ``serve()`` open, ``serve(settings)``."""
    servers: list[Server] = []
    store = web_store[0]

    def start(settings: Settings | None = None) -> Server:
        settings = settings or Settings(path=None)
        settings = dataclasses.replace(settings, timezone="UTC")
        server = Server(create_app(store, settings, None, now=lambda: SAMPLE_NOW))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
