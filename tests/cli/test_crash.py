"""Crash safety: `tracker fetch` killed with SIGKILL at random moments loses and doubles nothing."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.sitegen import generate_site
from tracker.devserver import serve_directory

FEEDS, ENTRIES, KILLS = 10, 40, 8


@pytest.mark.slow
def test_sigkill_at_random_moments_then_a_full_run_stores_each_entry_once(
    tmp_path: Path,
) -> None:
    seed = int(os.environ.get("TRACKER_CRASH_SEED") or random.randrange(1_000_000))
    print(f"crash test seed: {seed} (rerun with TRACKER_CRASH_SEED={seed})")
    rng = random.Random(seed)
    site = generate_site(
        tmp_path / "site", feeds=FEEDS, entries_per_feed=ENTRIES, seed=seed, text_chars=(800, 1600)
    )
    db = tmp_path / "crash.db"
    with serve_directory(site.root) as url:
        # Two worker processes, as on a two-core machine: the kill takes them mid-job too.
        config = write_config(
            tmp_path / "crash.toml",
            {name: url + path for name, path in site.feeds.items()},
            workers=2,
        )
        command = [sys.executable, "-m", "tracker", "--config", str(config)]
        command += ["--db", f"sqlite:///{db}", "fetch", "--format", "json"]
        killed_at: list[float] = []
        for _ in range(KILLS):
            delay = rng.uniform(0.3, 3.5)
            # A session of its own: the kill takes the worker processes too.
            proc = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
            time.sleep(delay)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                killed_at.append(round(delay, 2))
            proc.wait(timeout=30)
        final = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert final.returncode == 0, final.stderr
    assert killed_at, "no run was killed: the kill window is too late"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM article").fetchone() == (site.entries,)
        assert conn.execute("SELECT count(DISTINCT canonical_url) FROM article").fetchone() == (
            site.entries,
        )
        assert conn.execute(
            "SELECT count(*), count(DISTINCT guid) FROM article_source"
        ).fetchone() == (
            site.entries,
            site.entries,
        )
        assert conn.execute(
            "SELECT count(*) FROM article WHERE text_origin != 'page'"
        ).fetchone() == (0,)
        orphans = conn.execute(
            "SELECT count(*) FROM article a WHERE NOT EXISTS "
            "(SELECT 1 FROM article_source l WHERE l.article_id = a.id)"
        ).fetchone()
        assert orphans == (0,)
        mentionless = conn.execute(
            "SELECT count(*) FROM article a WHERE NOT EXISTS "
            "(SELECT 1 FROM mention m WHERE m.article_id = a.id)"
        ).fetchone()
        assert mentionless == (0,)  # every generated page names vendors: none half-stored
