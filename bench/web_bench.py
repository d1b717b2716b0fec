"""Page-load latency of the web workspace on a large database (built by bench/gen_corpus.py).

`tracker serve` runs as its own process on 127.0.0.1, as a user runs it; this script asks
for each kind of page ``--runs`` times over HTTP, one request at a time, cycling over
different subjects (search words and vendor filters, article ids, vendors, exposure
questions), after one untimed request per kind to warm the page cache. Wall-clock time from
sending the request to the last byte of the page, and the server process's CPU time (user +
system, all its threads, from /proc) over the same request.

With ``--baseline DIR`` (another checkout of the tracker, e.g. ``git archive main`` unpacked)
a second server runs that code over the same database, and every request goes to both, in
alternating order: the two are compared under the same load, minute by minute.

    .venv/bin/python bench/gen_corpus.py --db /tmp/tracker-bench.db
    .venv/bin/python bench/web_bench.py --db /tmp/tracker-bench.db
    .venv/bin/python bench/web_bench.py --db /tmp/tracker-bench.db --baseline /tmp/main-tree
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx2
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["supply", "shortage", "capacity", "order", "plant", "chips", "memory", "deal"]
TICK_S = 1 / os.sysconf("SC_CLK_TCK")


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


class Served:
    """One `tracker serve` process (of the code under ``root``) and a client for it."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.client = httpx2.Client(base_url=url, timeout=60)
        self.times: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def cpu_s(self) -> float:
        """The server's CPU time so far (user + system, every thread)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * TICK_S

    def ask(self, kind: str, path: str, *, keep: bool = True) -> None:
        cpu = self.cpu_s()
        start = time.perf_counter()
        answer = self.client.get(path)
        elapsed = time.perf_counter() - start
        if answer.status_code != 200:
            raise SystemExit(f"web_bench: {path} answered {answer.status_code}")
        if keep:
            self.times.setdefault(kind, []).append(elapsed)
            self.cpu.setdefault(kind, []).append(self.cpu_s() - cpu)

    def figures(self) -> dict[str, dict[str, float]]:
        found = {}
        for kind, times in self.times.items():
            times = sorted(times)
            found[kind] = {
                "p50_ms": round(statistics.median(times) * 1000, 1),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
                "max_ms": round(times[-1] * 1000, 1),
                "cpu_ms": round(statistics.mean(self.cpu[kind]) * 1000, 1),
            }
        return found


@contextmanager
def serving(db: Path, root: Path) -> Iterator[Served]:
    """`tracker serve` of the code in ``root`` over ``db`` on a free port of 127.0.0.1."""
    command = [sys.executable, "-m", "tracker", "--db", f"sqlite:///{db}", "serve",
               "--port", "0"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(root)}
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=root, env=env) as server:
        try:
            assert server.stderr is not None
            line = server.stderr.readline()
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if not found:
                raise SystemExit(f"web_bench: tracker serve said {line!r}")
            served = Served(server, found.group(0))
            with served.client:
                yield served
        finally:
            server.terminate()
            server.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/tracker-bench.db"))
    parser.add_argument("--runs", type=int, default=60, help="Requests per kind of page.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--baseline", type=Path, help="Another checkout to compare with, request by request."
    )
    parser.add_argument("--pages", default="search,article,vendor,exposure",
                        help="The kinds of page to ask for, comma-separated.")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    paths = {k: v for k, v in subjects(args.db, args.seed).items() if k in args.pages.split(",")}
    with ExitStack() as stack:
        servers = {"this": stack.enter_context(serving(args.db, ROOT))}
        if args.baseline:
            servers["baseline"] = stack.enter_context(serving(args.db, args.baseline.resolve()))
        order = list(servers.values())
        for kind, kind_paths in paths.items():
            for served in order:
                served.ask(kind, kind_paths[0], keep=False)  # warm
            for i in range(args.runs):
                # Whoever asks second finds the pages in the OS cache warm: each path goes
                # first to each server as often (the order flips every round of the paths).
                flip = (i + i // len(kind_paths)) % 2
                for served in order if flip else reversed(order):
                    served.ask(kind, kind_paths[i % len(kind_paths)])
        figures = {name: served.figures() for name, served in servers.items()}
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"load_average": load, **figures}, indent=2))
        return 0
    print(f"{args.runs} requests per page and server; load average {load[0]:.1f} {load[1]:.1f}")
    print(f"{'server':<9} {'page':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu ms':>8}")
    for name, found in figures.items():
        for kind, f in found.items():
            print(
                f"{name:<9} {kind:<10} {f['p50_ms']:>8} {f['p95_ms']:>8} {f['max_ms']:>8}"
                f" {f['cpu_ms']:>8}"
            )
    if args.baseline:
        print("ratio this/baseline (p50, p95, cpu):")
        for kind, f in figures["this"].items():
            b = figures["baseline"][kind]
            print(
                f"  {kind:<10} {f['p50_ms'] / b['p50_ms']:.2f} {f['p95_ms'] / b['p95_ms']:.2f}"
                f" {f['cpu_ms'] / max(b['cpu_ms'], 0.1):.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
