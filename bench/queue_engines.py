"""Job queues against tracker's own lease claim: jobs per second with 1-3 worker processes,
for a no-op job and with one job per key (host) at a time.

The engines are not tracker dependencies: install them into a throwaway virtualenv and run
the bench with its interpreter (it starts tracker's own workers with the project's .venv):

    python3 -m venv /tmp/qvenv
    /tmp/qvenv/bin/pip install procrastinate==3.10.0 pgqueuer==1.6.0 "celery[redis]==5.7.0" \\
        "dramatiq[redis,rabbitmq]==2.2.1" "psycopg[binary]" asyncpg
    /tmp/qvenv/bin/python bench/queue_engines.py [--jobs 1000] [--workers 1,2,3]
        [--engines tracker,procrastinate,pgqueuer,celery,dramatiq] [--keys 20] [--work-s 0.02]

PostgreSQL at 127.0.0.1:5432 (user postgres; a throwaway database per run, dropped after),
Redis at 127.0.0.1:6379 (Celery's broker, Dramatiq's rate limiter), RabbitMQ at
127.0.0.1:5672 (Dramatiq's broker).

Each run enqueues ``--jobs`` jobs (not timed), starts N worker processes, each running 10 jobs
at once (procrastinate concurrency 10, pgqueuer batch 10, tracker claims 10 and runs them on
10 threads, Celery 10 threads, Dramatiq 10 threads), and stops them once every job is done.
Each job writes its key and start and end times to a file of its process; jobs/s is the jobs
over the time from the first start to the last end, so start-up is not counted.

Scenarios: ``noop`` (a job that does nothing) and ``perkey`` (``--keys`` keys, a job of
``--work-s`` seconds, at most one job of a key running at a time, fleet-wide: procrastinate
``lock=key``, pgqueuer an entrypoint per key with ``concurrency_limit=1``, Dramatiq a
``ConcurrentRateLimiter`` of 1 per key on Redis (a job that finds the key taken is retried
later), tracker a host turn per job (tracker.store.hosts: the next request to a host waits
``--work-s`` after the previous start: a gap, which is what politeness asks). Celery has no
lock per key: not run. The overlaps (two jobs of one key at once) are counted from the files.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get(
    "TRACKER_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = "redis://127.0.0.1:6379/15"
RABBIT_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
CONCURRENCY = 10
OUT = os.environ.get("QBENCH_OUT", "")
WORK_S = float(os.environ.get("QBENCH_WORK_S", "0") or 0)

# -- what every job does: note its key and times in its process's file --------------------

_lock = threading.Lock()
_file: Any = None


def record(key: str, started: float) -> None:
    global _file
    with _lock:
        if _file is None:
            _file = open(Path(OUT) / f"{os.getpid()}.jobs", "a", buffering=1)  # noqa: SIM115
        _file.write(f"{key} {started:.6f} {time.time():.6f}\n")


def job(key: str) -> None:
    started = time.time()
    if WORK_S:
        time.sleep(WORK_S)
    record(key, started)


async def ajob(key: str) -> None:
    started = time.time()
    if WORK_S:
        await asyncio.sleep(WORK_S)
    record(key, started)


# -- Celery and Dramatiq need their app at import: set up when their worker imports us -----

if os.environ.get("QBENCH_ENGINE") == "celery":
    from celery import Celery

    celery_app = Celery("qbench", broker=REDIS_URL)
    celery_app.conf.update(task_ignore_result=True, worker_hijack_root_logger=False)

    @celery_app.task(name="noop")
    def celery_noop(key: str) -> None:
        job(key)


if os.environ.get("QBENCH_ENGINE") == "dramatiq":
    import dramatiq
    from dramatiq.brokers.rabbitmq import RabbitmqBroker
    from dramatiq.rate_limits import ConcurrentRateLimiter
    from dramatiq.rate_limits.backends import RedisBackend

    dramatiq.set_broker(RabbitmqBroker(url=RABBIT_URL))
    _limits = RedisBackend(url=REDIS_URL)
    _mutexes: dict[str, Any] = {}

    @dramatiq.actor(actor_name="noop", max_retries=1000, min_backoff=20, max_backoff=500)
    def dramatiq_noop(key: str) -> None:
        if os.environ.get("QBENCH_SCENARIO") != "perkey":
            job(key)
            return
        mutex = _mutexes.setdefault(
            key, ConcurrentRateLimiter(_limits, f"qbench-{key}", limit=1, ttl=60_000)
        )
        with mutex.acquire():  # raises RateLimitExceeded when taken: retried later
            job(key)


# -- the workers ---------------------------------------------------------------------------


def worker_procrastinate(dsn: str, scenario: str) -> None:
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=dsn))
    app.task(name="noop", queue="bench")(ajob)

    async def run() -> None:
        async with app.open_async():
            await app.run_worker_async(
                queues=["bench"],
                concurrency=CONCURRENCY,
                wait=True,
                fetch_job_polling_interval=0.1,
                install_signal_handlers=True,
                delete_jobs="successful",
            )

    asyncio.run(run())


def worker_pgqueuer(dsn: str, scenario: str, keys: int) -> None:
    import asyncpg
    from pgqueuer import PgQueuer

    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        pgq = PgQueuer.from_asyncpg_connection(conn)

        async def handler(job_: Any) -> None:
            await ajob(job_.payload.decode())

        if scenario == "perkey":
            for k in range(keys):
                pgq.entrypoint(f"k{k}", concurrency_limit=1)(handler)
        else:
            pgq.entrypoint("noop")(handler)
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, pgq.shutdown.set)
        await pgq.run(batch_size=CONCURRENCY)

    asyncio.run(run())


def worker_tracker(dsn: str, scenario: str) -> None:
    """tracker's own claim loop (tracker.store.leases) as the daemon runs it: claim up to 10
    due sources, run them on 10 threads, record each one done and release its lease."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update
    from sqlmodel import col

    from tracker.store import Store, leases
    from tracker.store.hosts import reserve_turn
    from tracker.store.tables import Source

    store = Store(dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"bench:{os.getpid()}"
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())

    def one(source_id: int, host: str) -> None:
        if scenario == "perkey":
            wait = reserve_turn(store, host, WORK_S)
            if wait:
                time.sleep(wait)
        job(host)
        with store.session() as session:
            session.exec(
                update(Source)
                .where(col(Source.id) == source_id)
                .values(next_attempt_at=datetime.now(UTC) + timedelta(days=1))
            )
            leases.release_leases(session, name, [source_id])

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        while not stopping.is_set():
            with store.session() as session:
                claimed = leases.claim_due_sources(
                    session, name, datetime.now(UTC), 300.0, CONCURRENCY
                )
                batch = [(s.id, s.url.split("/")[2]) for s in claimed]
            if not batch:
                time.sleep(0.1)
                continue
            list(pool.map(lambda item: one(*item), batch))
    store.close()


# -- the runs ------------------------------------------------------------------------------


def enqueue(
    engine: str, scenario: str, dsn: str, jobs: int, keys: int, tracker_python: str
) -> None:
    payloads = [f"k{i % keys}" for i in range(jobs)]
    if engine == "procrastinate":
        import procrastinate

        app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=dsn))
        task = app.task(name="noop", queue="bench")(ajob)

        async def put() -> None:
            async with app.open_async():
                await app.schema_manager.apply_schema_async()
                if scenario == "perkey":
                    for k in range(keys):
                        mine = [{"key": p} for p in payloads if p == f"k{k}"]
                        for args in mine:  # one lock per key: jobs of a key run in order
                            await task.configure(lock=f"k{k}").defer_async(**args)
                else:
                    await task.batch_defer_async(*[{"key": p} for p in payloads])

        asyncio.run(put())
    elif engine == "pgqueuer":
        import asyncpg
        from pgqueuer.db import AsyncpgDriver
        from pgqueuer.queries import Queries

        async def put() -> None:
            conn = await asyncpg.connect(dsn)
            queries = Queries(AsyncpgDriver(conn))
            await queries.install()
            names = payloads if scenario == "perkey" else ["noop"] * jobs
            await queries.enqueue(names, [p.encode() for p in payloads], [0] * jobs)
            await conn.close()

        asyncio.run(put())
    elif engine == "tracker":
        sa = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
        subprocess.run(
            [tracker_python, "-m", "tracker", "--db", sa, "init"],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        import psycopg

        with psycopg.connect(dsn) as conn, conn.cursor() as cur:
            cur.executemany(
                """INSERT INTO source (name, url, kind, is_enabled, created_at, error_count,
                    is_adaptive, is_failing) VALUES (%s, %s, 'feed', true, now(), 0, false,
                    false)""",
                [(f"s{i}", f"http://{p}.example/{i}.xml") for i, p in enumerate(payloads)],
            )
    elif engine == "celery":
        os.environ["QBENCH_ENGINE"] = "celery"
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        module = _as_workers_import_it()
        for p in payloads:
            module.celery_noop.delay(p)
    elif engine == "dramatiq":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        os.environ["QBENCH_ENGINE"] = "dramatiq"
        module = _as_workers_import_it()
        module.dramatiq.get_broker().flush_all()
        for p in payloads:
            module.dramatiq_noop.send(p)


def _as_workers_import_it() -> Any:
    """This module as a Celery or Dramatiq worker imports it (QBENCH_ENGINE set): its app."""
    import importlib

    if str(ROOT / "bench") not in sys.path:
        sys.path.insert(0, str(ROOT / "bench"))
    module = importlib.import_module("queue_engines")
    return importlib.reload(module)


def start_workers(
    engine: str, scenario: str, n: int, dsn: str, out: Path, args: argparse.Namespace
) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "QBENCH_OUT": str(out),
        "QBENCH_WORK_S": str(args.work_s if scenario == "perkey" else 0),
        "QBENCH_ENGINE": engine,
        "QBENCH_SCENARIO": scenario,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
    }
    me = [__file__, "worker", engine, scenario, "--dsn", dsn, "--keys", str(args.keys)]
    if engine == "celery":
        command = [sys.executable, "-m", "celery", "-A", "queue_engines:celery_app", "worker",
                   "--pool", "threads", "-c", str(CONCURRENCY), "--loglevel", "WARNING",
                   "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    elif engine == "dramatiq":
        command = [sys.executable, "-m", "dramatiq", "queue_engines", "--processes", "1",
                   "--threads", str(CONCURRENCY)]  # fmt: skip
    elif engine == "tracker":
        command = [args.tracker_python, *me]
    else:
        command = [sys.executable, *me]
    log = (out / f"{engine}-{scenario}.log").open("ab")
    return [
        subprocess.Popen(command, cwd=ROOT / "bench", env=env, stdout=log, stderr=log)
        for _ in range(n)
    ]


def read_jobs(out: Path) -> list[tuple[str, float, float]]:
    rows = []
    for path in out.glob("*.jobs"):
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 3:
                rows.append((parts[0], float(parts[1]), float(parts[2])))
    return rows


def overlaps(rows: list[tuple[str, float, float]]) -> int:
    """Jobs that started while another job of their key was running."""
    by_key: dict[str, list[tuple[float, float]]] = {}
    for key, start, end in rows:
        by_key.setdefault(key, []).append((start, end))
    count = 0
    for spans in by_key.values():
        spans.sort()
        latest_end = float("-inf")
        for start, end in spans:
            if start < latest_end - 1e-4:
                count += 1
            latest_end = max(latest_end, end)
    return count


def one_run(engine: str, scenario: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    import psycopg

    name = f"qbench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    out = Path(tempfile.mkdtemp(prefix="qbench_"))
    workers: list[subprocess.Popen[bytes]] = []
    try:
        enqueue(engine, scenario, dsn, args.jobs, args.keys, args.tracker_python)
        load = os.getloadavg()[0]
        workers = start_workers(engine, scenario, n, dsn, out, args)
        deadline = time.monotonic() + args.timeout_s
        done = 0
        while time.monotonic() < deadline:
            done = sum(p.read_text().count("\n") for p in out.glob("*.jobs"))
            if done >= args.jobs or any(w.poll() is not None for w in workers):
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    rows = read_jobs(out)
    errors = ""
    if len(rows) < args.jobs:
        logs = list(out.glob("*.log"))
        errors = logs[0].read_text()[-600:] if logs else ""
    shutil.rmtree(out, ignore_errors=True)
    span = max(r[2] for r in rows) - min(r[1] for r in rows) if len(rows) > 1 else float("nan")
    return {
        "engine": engine,
        "scenario": scenario,
        "workers": n,
        "done": len(rows),
        "jobs_per_s": round(len(rows) / span, 1) if span == span and span > 0 else None,
        "overlaps": overlaps(rows) if scenario == "perkey" else None,
        "load_1m": round(load, 2),
        "complete": len(rows) >= args.jobs,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--engines", default="tracker,procrastinate,pgqueuer,celery,dramatiq")
    parser.add_argument("--scenarios", default="noop,perkey")
    parser.add_argument("--keys", type=int, default=20)
    parser.add_argument("--work-s", type=float, default=0.02)
    parser.add_argument("--timeout-s", type=float, default=90.0, help="per run")
    parser.add_argument("--tracker-python", default=str(ROOT / ".venv" / "bin" / "python"))
    args = parser.parse_args()
    results = []
    counts = [int(n) for n in args.workers.split(",")]
    for scenario in args.scenarios.split(","):
        for n in counts:
            for engine in args.engines.split(","):  # interleaved: every engine at each count
                if engine == "celery" and scenario == "perkey":
                    continue  # Celery has no lock per key
                result = one_run(engine, scenario, n, args)
                results.append(result)
                print(json.dumps({k: v for k, v in result.items() if k != "errors"}),
                      file=sys.stderr)  # fmt: skip
                if result["errors"]:
                    print(result["errors"], file=sys.stderr)
    print(f"{args.jobs} jobs, {CONCURRENCY} at once per worker process; perkey: {args.keys} "
          f"keys, {args.work_s * 1000:.0f} ms jobs")  # fmt: skip
    print("scenario engine         " + "".join(f"{n} worker(s)   " for n in counts) + "overlaps")
    for scenario in args.scenarios.split(","):
        for engine in args.engines.split(","):
            mine = [r for r in results if r["engine"] == engine and r["scenario"] == scenario]
            if not mine:
                continue
            cells = "".join(
                f"{r['jobs_per_s'] or 0:>8.1f}/s{'' if r['complete'] else '*':<6}" for r in mine
            )
            over = [r["overlaps"] for r in mine if r["overlaps"] is not None]
            print(f"{scenario:<8} {engine:<14} {cells}{sum(over) if over else '-'}")
    print("(* = not every job done within --timeout-s; load 1m: "
          f"{statistics.mean(r['load_1m'] for r in results):.1f} on average)")  # fmt: skip


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "worker":
    _, _, engine_, scenario_, _, dsn_, _, keys_ = sys.argv
    if engine_ == "procrastinate":
        worker_procrastinate(dsn_, scenario_)
    elif engine_ == "pgqueuer":
        worker_pgqueuer(dsn_, scenario_, int(keys_))
    elif engine_ == "tracker":
        worker_tracker(dsn_, scenario_)
elif __name__ == "__main__":
    main()
