"""One `tracker fetch` over every fault a server can throw, next to healthy sources."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import FEEDS, FIXTURES, write_config
from tests.faults import fault_server

PAGES = sorted(p.stem for p in (FIXTURES / "site" / "articles").glob("*.html"))
# Runs tracker and reports the peak RSS of the largest process of its tree, in KiB.
RUNNER = """
import resource, subprocess, sys
code = subprocess.run([sys.executable, "-m", "tracker", *sys.argv[1:]]).returncode
print(f"maxrss_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""
FAULTS = {
    "f-500": ("/500", "http_500"),
    "f-503": ("/503", "http_503"),
    "f-429": ("/429", "http_429"),
    "f-410": ("/410", "http_410"),
    "f-challenge": ("/challenge", "bot_protection"),
    "f-drip": ("/drip", "timeout"),
    "f-stall": ("/stall", "timeout"),
    "f-truncated": ("/truncated", "truncated"),
    "f-reset": ("/reset", "reset"),
    "f-image": ("/image", "content_type"),
    "f-invalid": ("/invalid.xml", "parse"),
    "f-huge": ("/huge", "too_large"),
    "f-loop": ("/loop", "redirect_loop"),
    "f-bomb": ("/bomb", "too_large"),
    "f-laughs": ("/laughs.xml", "unsafe_xml"),
    "f-bad-location": ("/bad-location", "bad_redirect"),
}
WORKING = {"f-private": "/private.xml", "f-wrong-type": "/wrong-type.xml"}


@pytest.mark.slow
def test_every_fault_is_classified_and_the_healthy_sources_are_stored(
    tmp_path: Path, site_url: str
) -> None:
    db = tmp_path / "faults.db"
    with fault_server() as faults:
        sources = {name: site_url + path for name, path in FEEDS.items()}
        sources |= {name: faults.url + path for name, (path, _) in FAULTS.items()}
        sources |= {name: faults.url + path for name, path in WORKING.items()}
        config = write_config(
            tmp_path / "faults.toml",
            sources,
            allow_private_hosts=False,  # the sources are trusted, their links are not
            # Short: the drip and the stall must run out of time. Nothing else can: the healthy
            # bodies are 10 KB, and the huge one passes this limit within its first megabyte.
            timeout_s=2.0,
            connect_timeout_s=2.0,
            max_body_bytes=1_000_000,
        )
        before = datetime.now(UTC)
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                RUNNER,
                "--config",
                str(config),
                "--db",
                f"sqlite:///{db}",
                "fetch",
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            # The drip never ends by itself: a run that finishes has cut it by its time budget.
            timeout=120,
            check=False,
        )
        hits = list(faults.hits)
    assert proc.returncode == 3, proc.stderr
    summary = json.loads(proc.stdout)
    by_name = {s["source"]: s for s in summary["sources"]}
    classes = {name: by_name[name]["error_class"] for name in FAULTS}
    assert classes == {name: expected for name, (_, expected) in FAULTS.items()}
    assert sorted(summary["failed_sources"]) == sorted(FAULTS)
    for name in [*FEEDS, *WORKING]:
        assert by_name[name]["status"] == "ok", by_name[name]
    # Bounded in memory: no 50 MB body, no 64 MB bomb ever held.
    maxrss_kb = int(proc.stderr.rsplit("maxrss_kb=", 1)[1].split()[0])
    assert maxrss_kb < 400 * 1024, f"peak RSS {maxrss_kb // 1024} MB"
    # Bounded requests: every source once, a couple of redirect hops, a robots.txt.
    assert len(hits) < 40, [h.path for h in hits]

    with sqlite3.connect(db) as conn:
        healthy = conn.execute(
            "SELECT count(*), sum(text_origin = 'page') FROM article a "
            "JOIN article_source l ON l.article_id = a.id JOIN source s ON s.id = l.source_id "
            "WHERE s.name IN ('fabledger', 'componentwire', 'supplyline')"
        ).fetchone()
        # Every page, one of them in two feeds, and the removed story kept from its summary.
        assert healthy == (len(PAGES) + 2, len(PAGES) + 1)
        notes = conn.execute(
            "SELECT a.text_origin, a.text_note FROM article a JOIN article_source l "
            "ON l.article_id = a.id JOIN source s ON s.id = l.source_id WHERE s.name = 'f-private'"
        ).fetchall()
        assert len(notes) == 3
        assert all(origin == "summary" and "blocked" in note for origin, note in notes)
        gone = conn.execute(
            "SELECT is_enabled, disabled_reason FROM source WHERE name = 'f-410'"
        ).fetchone()
        assert gone[0] == 0
        assert "410 Gone" in gone[1]
        retry = conn.execute("SELECT next_attempt_at FROM source WHERE name = 'f-503'").fetchone()[
            0
        ]
        # Not before the server's Retry-After (7200 s), counted from no earlier than the start.
        retry_at = datetime.fromisoformat(retry).replace(tzinfo=UTC)
        assert retry_at >= before + timedelta(seconds=7200 - 1)
        logged = conn.execute("SELECT count(*) FROM fetch_log").fetchone()[0]
        assert logged == len(sources)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
