"""Several `tracker run` workers on one PostgreSQL database: fetches per hour per worker, and
the per-host request spacing the server sees.

    .venv/bin/python bench/fleet_bench.py [--sources 10000] [--hosts 500] [--workers 1,2,3]
        [--rounds 2] [--measure-s 30] [--new-fraction 0.2] [--spacing-sources 30]

1. Creates a throwaway database on the PostgreSQL at $TRACKER_BENCH_POSTGRES
   (postgresql://postgres@127.0.0.1:5432/postgres by default), creates the schema with
   `tracker init`, and inserts ``--sources`` feed sources spread over ``--hosts`` hosts (one
   port each on 127.0.0.1; source ``i`` on host ``i % hosts``, as a real list of feeds mixes
   publishers). A share ``--new-fraction`` of the feeds has new entries at every request (3
   entries, 400-700 characters naming vendors, with new GUIDs: parsed, extracted, stored); the
   others hold an ETag the server answers with 304 Not Modified.
2. Serves every host from one asyncio process on 127.0.0.1 (HTTP/1.1 keep-alive), which
   records the time each request starts, per host.
3. For each worker count (interleaved: 1,2,3 then 3,2,1 with ``--rounds 2``), makes every
   source due, starts that many `tracker run` processes ([fetch] per_host_delay_s = 1.0, the
   default; claim_batch 50, tick_s 1), waits ``--warm-s`` (their extraction pools start) and
   until 100 sources per worker are fetched, counts the fetch-log rows for ``--measure-s``
   seconds and the CPU the workers (with their pools) used meanwhile, and stops them.
4. Then the spacing round: ``--spacing-sources`` sources on 3 hosts, all due at once, 3
   workers, per_host_delay_s = 0.5; the server's gaps between two requests to one host.

Prints fetches per hour per worker, the scaling against one worker, and the per-host spacing
(min and p50) observed at the server in each round. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get(
    "TRACKER_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)

SERVER = r"""
import asyncio, json, random, sys, time

VENDORS = ["TSMC", "Nvidia", "Samsung Electronics", "SK hynix", "Foxconn", "Luxshare",
           "MediaTek", "Qualcomm", "ASML", "Micron Technology", "Broadcom", "Amkor"]
WORDS = ("supply capacity wafers orders shipments plant quarter demand prices analysts "
         "packaging memory servers lead times contract expansion").split()
ports, log_path = json.loads(sys.argv[1]), sys.argv[2]
started = {}  # port -> [request start times]
counter = [0]
rng = random.Random(7)

def text():
    a, b = rng.sample(VENDORS, 2)
    words = " ".join(rng.choice(WORDS) for _ in range(70))
    return f"{a} and {b} said {words}. {b} will expand {rng.choice(WORDS)} with {a}."

def feed(source):
    counter[0] += 1
    items = "".join(
        f"<item><title>Story {counter[0]}-{k} of {source}</title>"
        f"<link>http://news.example/{source}/{counter[0]}-{k}.html</link>"
        f"<guid>{source}-{counter[0]}-{k}</guid>"
        f"<pubDate>Thu, 26 Nov 2026 10:0{k}:00 +0000</pubDate>"
        f"<description>{text()}</description></item>"
        for k in range(3)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{source}</title><link>http://news.example/</link>{items}</channel></rss>"
            ).encode()

async def handle(reader, writer, port):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            started.setdefault(port, []).append(time.time())
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip()
                       for l in lines[1:] if ":" in l}
            source = path.rsplit("/", 1)[-1].removesuffix(".xml")
            if path.startswith("/same/") and headers.get("if-none-match") == '"v1"':
                writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n'
                             b"Content-Length: 0\r\n\r\n")
            elif path.startswith("/same/"):
                body = feed(source)
                writer.write(b'HTTP/1.1 200 OK\r\nETag: "v1"\r\n'
                             b"Content-Type: application/rss+xml\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body)
            else:
                body = feed(source)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()

async def main():
    servers = [await asyncio.start_server(lambda r, w, p=p: handle(r, w, p), "127.0.0.1", p,
                                          backlog=1024) for p in ports]
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    import signal
    loop.add_signal_handler(signal.SIGUSR1, lambda: dump())
    loop.add_signal_handler(signal.SIGTERM, done.set)
    await done.wait()

def dump():
    with open(log_path, "w") as out:
        json.dump({str(k): v for k, v in started.items()}, out)
    started.clear()
    print("dumped", flush=True)

asyncio.run(main())
"""


def free_ports(count: int) -> list[int]:
    """``count`` ports free on 127.0.0.1 now."""
    import socket

    sockets, ports = [], []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
        ports.append(sock.getsockname()[1])
    for sock in sockets:
        sock.close()
    return ports


class Server:
    """The feeds' hosts, in a process of their own; ``gaps()`` reads its request log."""

    def __init__(self, ports: list[int], folder: Path) -> None:
        self.log = folder / "requests.json"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, json.dumps(ports), str(self.log)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "ready"

    def requests(self) -> dict[int, list[float]]:
        """Request start times per port since the last call."""
        self.proc.send_signal(signal.SIGUSR1)
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "dumped"
        data = json.loads(self.log.read_text())
        return {int(k): sorted(v) for k, v in data.items()}

    def cpu_s(self) -> float:
        """CPU seconds the server has used."""
        with open(f"/proc/{self.proc.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)


def tree_cpu_s(pids: list[int]) -> float:
    """CPU seconds used so far by ``pids`` and their live descendants (the extraction pools)."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}  # pid -> (ppid, cpu seconds)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    wanted, total = set(pids), 0.0
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in stats.items():
            if ppid in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    for pid in wanted:
        total += stats.get(pid, (0, 0.0))[1]
    return total


def spacing(requests: dict[int, list[float]]) -> tuple[float, float, int]:
    """The min and p50 gap (s) between two requests to one host, and the gaps counted."""
    gaps = [b - a for times in requests.values() for a, b in itertools.pairwise(times)]
    if not gaps:
        return float("nan"), float("nan"), 0
    return min(gaps), statistics.median(gaps), len(gaps)


def low_gap(requests: dict[int, list[float]], share: float) -> float:
    """The gap below which ``share`` of the gaps fall (a low percentile: the minimum is one
    request that a loaded machine's scheduler sent late, bringing it near the next one)."""
    gaps = sorted(b - a for times in requests.values() for a, b in itertools.pairwise(times))
    return gaps[int(share * (len(gaps) - 1))] if gaps else float("nan")


def write_config(path: Path, delay_s: float) -> None:
    path.write_text(
        "[fetch]\nallow_private_hosts = true\nfetch_pages = false\ntimeout_s = 10.0\n"
        f"per_host_delay_s = {delay_s}\nper_host_concurrency = 2\n"
        "[schedule]\ninterval_minutes = 600\njitter_fraction = 0.0\ntick_s = 1.0\n"
        "claim_batch = 50\nlease_s = 120.0\n"
        f"[extract]\nvendors_file = {str(ROOT / 'config' / 'vendors.toml')!r}\n",
        encoding="utf-8",
    )


def seed(url: str, ports: list[int], sources: int, new_fraction: float, prefix: str) -> None:
    """``sources`` feed sources, source i on host i % len(ports)."""
    now = datetime.now(UTC)
    every = round(1 / new_fraction) if new_fraction > 0 else 0
    rows = []
    for i in range(sources):
        is_new = every and i % every == 0
        port = ports[i % len(ports)]
        path = f"/new/{prefix}{i}.xml" if is_new else f"/same/{prefix}{i}.xml"
        rows.append((f"{prefix}{i}", f"http://127.0.0.1:{port}{path}", None if is_new else '"v1"'))
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO source (name, url, kind, is_enabled, etag, created_at, error_count,
                is_adaptive, is_failing) VALUES (%s, %s, 'feed', true, %s, %s, 0, false, false)""",
            [(*row, now) for row in rows],
        )


def make_due(url: str, prefix: str) -> None:
    """Every source of ``prefix`` due now, its lease free; the others not due; empty log."""
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE source SET next_attempt_at = now() + interval '1 day'")
        conn.execute(
            "UPDATE source SET next_attempt_at = NULL, lease_owner = NULL, "
            "lease_expires_at = NULL WHERE name LIKE %s",
            (prefix + "%",),
        )
        conn.execute("TRUNCATE fetch_log")
        conn.execute("TRUNCATE host_turn")


def fetched(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM fetch_log").fetchone()
    assert row is not None
    return int(row[0])


def start_workers(n: int, config: Path, url: str, folder: Path) -> list[subprocess.Popen[bytes]]:
    sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    return [
        subprocess.Popen(
            [sys.executable, "-m", "tracker", "--config", str(config), "--db", sa_url, "run"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(folder / f"worker{i}.log").open("ab"),
        )
        for i in range(n)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def throughput_round(
    n: int, args: argparse.Namespace, url: str, server: Server, folder: Path
) -> dict[str, Any]:
    make_due(url, "s")
    server.requests()  # forget the previous round's requests
    load_before = os.getloadavg()[0]
    cpu_before = server.cpu_s()
    workers = start_workers(n, folder / "throughput.toml", url, folder)
    try:
        # Steady state: the extraction pools started (a few CPU seconds each, spawned in the
        # background while the first fetches run) and a batch per worker done.
        warm = max(1, min(args.sources // 20, 100 * n))
        started = time.monotonic()
        deadline = started + 300
        while time.monotonic() < deadline and (
            fetched(url) < warm or time.monotonic() < started + args.warm_s
        ):
            time.sleep(0.2)
        pids = [w.pid for w in workers]
        first, t0, cpu0 = fetched(url), time.monotonic(), tree_cpu_s(pids)
        time.sleep(args.measure_s)
        last, t1, cpu1 = fetched(url), time.monotonic(), tree_cpu_s(pids)
    finally:
        stop_workers(workers)
    rate_h = (last - first) / (t1 - t0) * 3600
    requests = server.requests()
    gap_min, gap_p50, gaps = spacing(requests)
    return {
        "workers": n,
        "fetched_in_window": last - first,
        "window_s": round(t1 - t0, 1),
        "fetches_per_hour": round(rate_h),
        "per_worker_per_hour": round(rate_h / n),
        "sources_left": args.sources - last,
        "worker_cpu_ms_per_fetch": round((cpu1 - cpu0) / max(1, last - first) * 1000, 2),
        "spacing_min_s": round(gap_min, 3),
        "spacing_p50_s": round(gap_p50, 3),
        "spacing_p5_s": round(low_gap(requests, 0.05), 3),
        "gaps": gaps,
        "server_cpu_s": round(server.cpu_s() - cpu_before, 1),
        "load_1m_before": round(load_before, 2),
        "load_1m_after": round(os.getloadavg()[0], 2),
    }


def spacing_round(
    args: argparse.Namespace, url: str, server: Server, folder: Path
) -> dict[str, Any]:
    make_due(url, "p")
    server.requests()
    workers = start_workers(3, folder / "spacing.toml", url, folder)
    try:
        deadline = time.monotonic() + 120
        while fetched(url) < args.spacing_sources and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        stop_workers(workers)
    requests = server.requests()
    gap_min, gap_p50, gaps = spacing(requests)
    gap_p5 = low_gap(requests, 0.05)
    per_host = {}
    for port, times in requests.items():
        host_min, host_p50, _ = spacing({port: times})
        per_host[port] = {
            "requests": len(times),
            "per_s": round((len(times) - 1) / (times[-1] - times[0]), 2) if len(times) > 1 else 0,
            "min_s": round(host_min, 3),
            "p50_s": round(host_p50, 3),
        }
    return {
        "workers": 3,
        "per_host_delay_s": 0.5,
        "fetched": fetched(url),
        "spacing_min_s": round(gap_min, 3),
        "spacing_p50_s": round(gap_p50, 3),
        "spacing_p5_s": round(gap_p5, 3),
        "gaps": gaps,
        "per_host": per_host,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--workers", default="1,2,3", help="worker counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=2, help="2: 1,2,3 then 3,2,1")
    parser.add_argument("--measure-s", type=float, default=30.0)
    parser.add_argument("--warm-s", type=float, default=20.0, help="before each window")
    parser.add_argument("--new-fraction", type=float, default=0.2)
    parser.add_argument("--spacing-sources", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    order: list[int] = []
    for r in range(args.rounds):
        order += counts if r % 2 == 0 else counts[::-1]

    name = f"fleet_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    folder = Path(tempfile.mkdtemp(prefix="fleet_bench_"))
    server: Server | None = None
    try:
        sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        write_config(folder / "throughput.toml", 1.0)
        write_config(folder / "spacing.toml", 0.5)
        subprocess.run(
            [sys.executable, "-m", "tracker", "--config", str(folder / "throughput.toml"),
             "--db", sa_url, "init"],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        ports = free_ports(args.hosts + 3)
        server = Server(ports, folder)
        seed(url, ports[: args.hosts], args.sources, args.new_fraction, "s")
        seed(url, ports[args.hosts :], args.spacing_sources, 0.0, "p")
        results = []
        for n in order:
            result = throughput_round(n, args, url, server, folder)
            results.append(result)
            print(json.dumps(result), file=sys.stderr)
        spaced = spacing_round(args, url, server, folder)
        print(json.dumps(spaced), file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report(args, results, spaced)


def _least(values: Iterable[float]) -> float:
    """The smallest of ``values`` that is a number (a round may have seen no gap)."""
    return min((v for v in values if v == v), default=float("nan"))


def report(args: argparse.Namespace, results: list[dict[str, Any]], spaced: dict[str, Any]) -> None:
    by_n: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        by_n[result["workers"]].append(result)
    base = statistics.mean(r["fetches_per_hour"] for r in by_n[min(by_n)])
    print(
        f"{args.sources} sources on {args.hosts} hosts, {args.new_fraction:.0%} with new entries, "
        f"per_host_delay_s 1.0, window {args.measure_s:.0f} s, rounds {args.rounds}"
    )
    print(
        "workers  fetches/h (rounds)            per worker/h  scaling  "
        "spacing min/p5/p50 s    CPU ms/fetch  load"
    )
    for n in sorted(by_n):
        runs = by_n[n]
        total = statistics.mean(r["fetches_per_hour"] for r in runs)
        each = " ".join(f"{r['fetches_per_hour']:,}" for r in runs)
        print(
            f"{n:>7}  {total:>10,.0f} ({each:<17})  {total / n:>12,.0f}  {total / base:>6.2f}x"
            f"  {_least(r['spacing_min_s'] for r in runs):>5.3f} / "
            f"{_least(r['spacing_p5_s'] for r in runs):.3f} / "
            f"{statistics.median(r['spacing_p50_s'] for r in runs if r['gaps']):<6.3f}"
            f"  {statistics.mean(r['worker_cpu_ms_per_fetch'] for r in runs):>12.1f}"
            f"  {max(r['load_1m_after'] for r in runs):.2f}"
        )
    print(
        f"spacing round: 3 workers, {args.spacing_sources} sources on 3 hosts, per_host_delay_s "
        f"0.5: gap min {spaced['spacing_min_s']:.3f} s, p5 {spaced['spacing_p5_s']:.3f} s, "
        f"p50 {spaced['spacing_p50_s']:.3f} s "
        f"over {spaced['gaps']} gaps; per host {spaced['per_host']}"
    )
    if any(r["sources_left"] <= 0 for r in results):
        print("warning: a round ran out of due sources: its rate is low (raise --sources)")
    if args.json:
        print(json.dumps({"rounds": results, "spacing": spaced}))


if __name__ == "__main__":
    main()
