"""End-to-end `tracker fetch` over a generated network of feeds, against its CPU floor.

    .venv/bin/python bench/fetch_bench.py [--feeds 1000] [--entries 20] [--seed 1]

1. Generates ``--feeds`` RSS feeds of ``--entries`` entries, each with its article page
   (3-6 KB of text naming vendors, inside navigation, related links and a footer), in a
   temporary folder.
2. Serves them from a separate process on 127.0.0.1 (HTTP/1.1, keep-alive).
3. Runs ``tracker fetch --timings`` into a fresh SQLite database, in a subprocess, sampling
   the RSS of the tracker process and of its worker processes every 0.1 s.
4. Measures the floor on the same inputs: feedparser alone on every feed and the page-text
   extractor (``tracker.parse.page.extract_page``) alone on every page, spread over as many
   processes as there are cores; then the page-text extractor followed by our own vendor,
   product, relation and event extraction (``tracker.extract``), the floor of a pipeline
   that must do both.

Prints articles per second, peak memory, the share of time in fetching, parsing,
extraction and storing, the CPU the local server took, and the ratio of the end-to-end time
to each floor.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sitegen import generate_site  # noqa: E402

SERVER = """
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    extensions_map = {".xml": "application/rss+xml; charset=utf-8",
                      ".html": "text/html; charset=utf-8", "": "application/octet-stream"}
    def log_message(self, *args):
        pass

class Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True

server = Server(("127.0.0.1", 0), partial(Handler, directory=sys.argv[1]))
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    """Children of every thread of ``pid`` (the workers are started from a helper thread)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                found.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process (all its threads)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MemorySampler(threading.Thread):
    """Peak RSS of a process and of the sum of it and its children."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_main_kb = 0
        self.peak_tree_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            main = _rss_kb(self.pid)
            tree = main + sum(_rss_kb(c) for c in _children(self.pid))
            self.peak_main_kb = max(self.peak_main_kb, main)
            self.peak_tree_kb = max(self.peak_tree_kb, tree)


def _parse_feed_file(path: str) -> int:
    import feedparser

    return len(feedparser.parse(Path(path).read_bytes()).entries)


def _extract_page_file(path: str) -> int:
    from tracker.parse.page import extract_page

    return len(extract_page(Path(path).read_bytes()).text)


_EXTRACTOR: Any = None


def _page_and_findings_file(path: str) -> int:
    from tracker.extract import extract_text
    from tracker.parse.page import extract_page

    page = extract_page(Path(path).read_bytes())
    return len(extract_text(_EXTRACTOR, page.title, page.text).mentions)


def _warm(config: str) -> None:
    global _EXTRACTOR
    import feedparser  # noqa: F401

    import tracker.parse.page  # noqa: F401
    from tracker.config import load_settings
    from tracker.extract import load_extractor

    settings = load_settings(Path(config), required=True)
    _EXTRACTOR = load_extractor(
        settings.vendors_file, settings.catalog_dir, settings.attributions_file
    )


def floor_seconds(site: Path, processes: int, config: Path) -> tuple[float, float, float]:
    """Seconds for feedparser alone, extract_page alone, and extract_page followed by our
    vendor/product/relation/event extraction, over the site, on ``processes``."""
    feeds = [str(p) for p in sorted((site / "feeds").glob("*.xml"))]
    pages = [str(p) for p in sorted((site / "articles").glob("*.html"))]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        processes, mp_context=context, initializer=_warm, initargs=(str(config),)
    ) as pool:
        list(pool.map(_warm_call, range(processes)))  # start the workers before timing
        started = time.perf_counter()
        list(pool.map(_parse_feed_file, feeds, chunksize=16))
        feed_s = time.perf_counter() - started
        started = time.perf_counter()
        list(pool.map(_extract_page_file, pages, chunksize=32))
        page_s = time.perf_counter() - started
        started = time.perf_counter()
        list(pool.map(_page_and_findings_file, pages, chunksize=32))
        findings_s = time.perf_counter() - started
    return feed_s, page_s, findings_s


def _warm_call(_: int) -> None:
    time.sleep(0.5)


def free_config(
    path: Path, port: int, names: list[str], *, workers: int = 0, timeout_s: float = 60.0
) -> None:
    """A configuration for the sources on our server: private hosts allowed, politeness
    relaxed (no per-host delay, 16 requests at once)."""
    lines = [
        "[fetch]",
        "allow_private_hosts = true",
        "per_host_delay_s = 0.0  # our own server",
        "per_host_concurrency = 16",
        "concurrency = 16",
        f"timeout_s = {timeout_s}",
        f"workers = {workers}",
        "[extract]",
        f"vendors_file = {str(ROOT / 'config' / 'vendors.toml')!r}",
    ]
    for name in names:
        lines += [
            "[[sources]]",
            f'name = "{name}"',
            f'url = "http://127.0.0.1:{port}/feeds/{name}.xml"',
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="[fetch] workers (0: per core)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor measurement")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        started = time.perf_counter()
        site = generate_site(
            tmp / "site", feeds=args.feeds, entries_per_feed=args.entries, seed=args.seed
        )
        page_bytes = sum(p.stat().st_size for p in (tmp / "site" / "articles").iterdir())
        print(
            f"generated {args.feeds} feeds, {site.entries} pages "
            f"({page_bytes / site.entries / 1024:.1f} KB of HTML each) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(site.root)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass
            config = tmp / "bench.toml"
            free_config(config, port, sorted(site.feeds), workers=args.workers)
            command = [sys.executable, "-m", "tracker", "--config", str(config)]
            command += ["--db", f"sqlite:///{tmp / 'bench.db'}", "fetch", "--format", "json"]
            command += ["--timings"]
            started = time.perf_counter()
            proc = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            sampler = MemorySampler(proc.pid)
            sampler.start()
            out, err = proc.communicate()
            wall_s = time.perf_counter() - started
            sampler.done.set()
            server_cpu_s = _cpu_seconds(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
        if proc.returncode != 0:
            print(err[-3000:], file=sys.stderr)
            raise SystemExit(f"tracker fetch exited with {proc.returncode}")
        summary = json.loads(out)
        timings = json.loads(err.rsplit("timings ", 1)[1].splitlines()[0])
        stored = summary["new_articles"]
        print(f"\ntracker fetch: {stored} articles in {wall_s:.1f} s = {stored / wall_s:.1f} /s")
        print(
            f"peak RSS: tracker process {sampler.peak_main_kb / 1024:.0f} MB, "
            f"with its {cores} workers {sampler.peak_tree_kb / 1024:.0f} MB"
        )
        shares = timings["shares"]
        print(
            "time shares (summed step times): "
            + ", ".join(f"{k} {v:.0%}" for k, v in shares.items())
        )
        print(
            f"  CPU seconds: fetching {timings['fetch_s']:.1f} (HTTP and the event loop, main "
            f"process), parsing {timings['parse_s']:.1f} and extraction "
            f"{timings['page_s']:.1f} page text + {timings['extract_s']:.1f} vendors/relations/"
            f"events (workers), storing {timings['store_s']:.1f} (main process); network wait "
            f"{timings['fetch_wait_s']:.0f} s summed over {timings['feeds'] + timings['pages']} "
            "overlapping requests"
        )
        print(
            f"  the local server that answers the {timings['feeds'] + timings['pages']} requests "
            f"used {server_cpu_s:.1f} CPU s of the same cores"
        )
        if args.no_floor:
            return
        feed_s, page_s, findings_s = floor_seconds(site.root, cores, config)
        floor = feed_s + page_s
        print(
            f"\nfloor on {cores} processes: feedparser {feed_s:.1f} s + extract_page "
            f"{page_s:.1f} s = {floor:.1f} s ({site.entries / floor:.1f} articles/s)"
        )
        print(f"end to end / floor = {wall_s / floor:.2f}")
        ours = feed_s + findings_s
        print(
            f"with our own extraction (extract_page, then vendors, products, relations and "
            f"events): feedparser {feed_s:.1f} s + {findings_s:.1f} s = {ours:.1f} s; "
            f"end to end / that = {wall_s / ours:.2f}"
        )
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
