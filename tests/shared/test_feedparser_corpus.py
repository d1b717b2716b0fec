"""Every document of feedparser's own test corpus, served locally, through our fetch+parse path.

Needs ../shared/data/feedparser-corpus (skipped when absent). Each file is served with the
headers its ``Header:`` lines ask for (Content-Type, Status, Location, ...; compressed
files with their Content-Encoding). A document may be refused (FetchError, ParseError, which
includes UnsafeXML) but never crash the fetcher or the parser.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from tests.fetch.recording import Recorder, recording_server
from tracker.config import FetchSettings
from tracker.errors import FetchError, ParseError
from tracker.fetch import Fetcher
from tracker.parse.feed import parse_feed

CORPUS = SHARED_DATA / "feedparser-corpus"
HEADER = re.compile(r"^\s*Header:\s*([\w-]+):\s*(.*?)\s*$", re.MULTILINE)
STATUS_TEXT = {200: "OK", 301: "Moved", 302: "Found", 303: "See Other", 304: "Not Modified",
               307: "Temporary Redirect", 404: "Not Found"}  # fmt: skip

pytestmark = [
    pytest.mark.shared,
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/data is not present"),
]


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in {".xml", ".gz", ".z"})


def route_for(path: Path, base: str) -> tuple[int, dict[str, str], bytes]:
    body = path.read_bytes()
    headers: dict[str, str] = {"Content-Type": "application/xml"}
    status = 200
    for name, value in HEADER.findall(body[:4096].decode("latin-1")):
        if name.lower() == "status":
            status = int(value)
        elif name.lower() == "location":
            headers["Location"] = value.replace("http://localhost:8097", base)
        else:
            headers[name] = value
    if path.suffix == ".gz":
        headers["Content-Encoding"] = "gzip"
    elif path.suffix == ".z":
        headers["Content-Encoding"] = "deflate"
    return status, headers, body


@pytest.fixture(scope="module")
def corpus_server() -> Iterator[Recorder]:
    recorder = Recorder()
    with recording_server(recorder) as server:
        for path in corpus_files():
            url_path = "/tests/" + path.relative_to(CORPUS).as_posix()
            server.routes[url_path] = route_for(path, server.url)
        yield server


async def test_every_corpus_document_is_handled(corpus_server: Recorder) -> None:
    settings = FetchSettings(
        allow_private_hosts=True,
        per_host_delay_s=0.0,
        per_host_concurrency=16,
        concurrency=16,
        timeout_s=10.0,
        respect_robots=False,
    )
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    limit = asyncio.Semaphore(16)

    async def one(fetcher: Fetcher, url_path: str) -> None:
        async with limit:
            try:
                result = await fetcher.fetch_feed(corpus_server.url + url_path)
                if not result.is_not_modified:
                    await asyncio.to_thread(
                        parse_feed, result.body, result.url, result.content_type
                    )
                outcomes["ok"] += 1
            except FetchError as exc:
                outcomes[f"fetch:{exc.error_class}"] += 1
            except ParseError as exc:
                outcomes[f"parse:{exc.error_class}"] += 1
            except Exception as exc:
                crashes.append(f"{url_path}: {type(exc).__name__}: {exc}")

    paths = sorted(corpus_server.routes)
    async with Fetcher(settings) as fetcher:
        await asyncio.gather(*(one(fetcher, p) for p in paths))
    assert crashes == []
    assert sum(outcomes.values()) == len(paths)
    # Most of the corpus is feeds that parse; the rest are ill-formed on purpose.
    assert outcomes["ok"] >= 0.75 * len(paths), outcomes
