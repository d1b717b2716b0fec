"""Page-load latency of the web workspace on a large database (built by bench/gen_corpus.py).

`tracker serve` runs as its own process on 127.0.0.1, as a user runs it; this script asks
for each kind of page ``--runs`` times over HTTP, one request at a time, cycling over
different subjects (search words and vendor filters, article ids, vendors, exposure
questions), after one untimed request per kind to warm the page cache. Wall-clock time from
sending the request to the last byte of the page.

    .venv/bin/python bench/gen_corpus.py --db /tmp/tracker-bench.db
    .venv/bin/python bench/web_bench.py --db /tmp/tracker-bench.db
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx2
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["supply", "shortage", "capacity", "order", "plant", "chips", "memory", "deal"]


def subjects(db: Path, seed: int) -> dict[str, list[str]]:
    """Paths to ask for, per kind of page, drawn from what the database holds."""
    rng = random.Random(seed)
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        top = [r[0] for r in conn.execute(text(
            "SELECT v.name FROM vendor v JOIN mention m ON m.vendor_id = v.id "
            "GROUP BY v.name ORDER BY count(*) DESC LIMIT 40"))]  # fmt: skip
        ids = [r[0] for r in conn.execute(text("SELECT id FROM article"))]
    engine.dispose()
    vendors = top[:10] + rng.sample(top[10:], min(10, len(top) - 10))
    return {
        "search": [f"/search?q={w}" for w in WORDS]
        + [f"/search?q={w}&vendor={v}" for w, v in zip(WORDS, vendors, strict=False)],
        "article": [f"/article/{i}" for i in rng.sample(ids, 20)],
        "vendor": [f"/vendor/{v}" for v in vendors],
        "exposure": [f"/exposure?question=customer&name={v}" for v in vendors[:10]]
        + [f"/exposure?question=supplier&name={v}" for v in vendors[:10]],
    }


def timed(get: Callable[[str], httpx2.Response], path: str) -> float:
    start = time.perf_counter()
    answer = get(path)
    elapsed = time.perf_counter() - start
    if answer.status_code != 200:
        raise SystemExit(f"web_bench: {path} answered {answer.status_code}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/tracker-bench.db"))
    parser.add_argument("--runs", type=int, default=60, help="Requests per kind of page.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    paths = subjects(args.db, args.seed)
    command = [sys.executable, "-m", "tracker", "--db", f"sqlite:///{args.db}", "serve",
               "--port", "0"]  # fmt: skip
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT) as server:
        try:
            assert server.stderr is not None
            line = server.stderr.readline()
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if not found:
                raise SystemExit(f"web_bench: tracker serve said {line!r}")
            figures: dict[str, dict[str, float]] = {}
            with httpx2.Client(base_url=found.group(0), timeout=60) as client:
                for kind, kind_paths in paths.items():
                    timed(client.get, kind_paths[0])  # warm
                    times = [
                        timed(client.get, kind_paths[i % len(kind_paths)]) for i in range(args.runs)
                    ]
                    times.sort()
                    figures[kind] = {
                        "p50_ms": round(statistics.median(times) * 1000, 1),
                        "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
                        "max_ms": round(times[-1] * 1000, 1),
                    }
        finally:
            server.terminate()
            server.wait(30)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{'page':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  ({args.runs} requests each)"
        )
        for kind, f in figures.items():
            print(f"{kind:<10} {f['p50_ms']:>8} {f['p95_ms']:>8} {f['max_ms']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
