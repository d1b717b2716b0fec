"""Latency of every exposure question on a large database (built by bench/gen_corpus.py).

Each question (customer tier 1 and 2, supplier tier 1, product, watchlist, parts list) is asked
``--runs`` times, cycling over different names: the most reported customers and suppliers and a
seeded random sample of the rest, products of every category, random watchlists and parts lists.
A call is what `tracker exposure` does after start-up: open a session, run the queries, score,
explain, build the JSON record and serialise it. The gazetteer and catalog are loaded once, as a
process does (not timed). One untimed call per question warms the page cache first.

Run from the repository root:

    .venv/bin/python bench/gen_corpus.py --db /tmp/tracker-bench.db
    .venv/bin/python bench/exposure_bench.py --db /tmp/tracker-bench.db

Wall-clock latency is what the target is about; the CPU time per call (all threads of the
process) is shown beside it because it moves less when other work shares the machine.

``--dump FILE`` writes every call's answer instead of timing: two dumps (before and after a
change, or on a copy migrated since) must be identical.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.catalog.gazetteer import load_gazetteer  # noqa: E402
from tracker.catalog.products import load_catalog  # noqa: E402
from tracker.catalog.watch import watch_items  # noqa: E402
from tracker.cli.output import dumps  # noqa: E402
from tracker.config import ExposureSettings, Watchlist  # noqa: E402
from tracker.exposure import (  # noqa: E402
    Asked,
    ExposureReport,
    World,
    answer_customer,
    answer_product,
    answer_supplier,
    answer_watchlist,
    make_window,
    part_items,
)
from tracker.store import Store  # noqa: E402
from tracker.store.exposure_queries import StoreExposureData  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/tracker-bench.db"))
    parser.add_argument("--runs", type=int, default=60, help="Calls per question.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--only", help="Only the questions whose label contains this.")
    parallel = parser.add_mutually_exclusive_group()
    parallel.add_argument(
        "--serial",
        action="store_true",
        help="Run each question's queries one after another on one connection (the default"
        " on SQLite).",
    )
    parallel.add_argument(
        "--parallel",
        action="store_true",
        help="Run each question's independent queries at once, each on a connection of its"
        " own (the default on PostgreSQL).",
    )
    parser.add_argument(
        "--days-back", type=float, default=0.0, help="Ask as of this many days before the newest."
    )
    parser.add_argument(
        "--dump",
        type=Path,
        help="Write every call's answer (the JSON record) to this file, one line each, and stop"
        " without timing: two dumps compare the answers before and after a change.",
    )
    args = parser.parse_args()
    if not args.db.exists():
        print(f"{args.db} not found: build it with bench/gen_corpus.py", file=sys.stderr)
        return 1
    store = Store(f"sqlite:///{args.db}")
    with store.engine.begin() as conn:
        top_customers = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT customer FROM relation GROUP BY customer ORDER BY count(*) DESC LIMIT 12"
            )
        ]
        top_suppliers = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT supplier FROM relation GROUP BY supplier ORDER BY count(*) DESC LIMIT 12"
            )
        ]
        latest = conn.exec_driver_sql(
            "SELECT max(max(published_at), max(fetched_at)) FROM article"
        ).scalar_one()
    # Asked just after the newest article, as a tracker that fetched a minute ago would be.
    now = datetime.fromisoformat(str(latest)).replace(tzinfo=UTC) + timedelta(minutes=1)
    now -= timedelta(days=args.days_back)
    rng = random.Random(args.seed)
    gazetteer = load_gazetteer(ROOT / "config" / "vendors.toml")
    catalog = load_catalog(ROOT / "config" / "catalog")
    world = World.build(gazetteer, catalog)
    # What start-up built stays out of the collector's walks, as `tracker exposure` keeps it
    # while its question runs (tracker.cli.exposure.started).
    gc.freeze()
    vendors = sorted(gazetteer.vendors)
    products = sorted(p.name for p in catalog.products.values() if p.vendor)
    customers = top_customers + rng.sample(vendors, 12)
    suppliers = top_suppliers + rng.sample(vendors, 12)
    product_names = rng.sample(products, 24)
    with_parts = [p for p in catalog.products.values() if p.part_numbers and p.vendor]
    settings = ExposureSettings()
    window = make_window(now, None, settings)

    def watchlist(i: int) -> Callable[[StoreExposureData], ExposureReport]:
        r = random.Random(i)
        wanted = Watchlist("bench", tuple(r.sample(vendors, 10)), tuple(r.sample(products, 5)))
        items = watch_items(wanted, gazetteer, catalog)
        return lambda data: answer_watchlist(
            Asked(world, data, window, now, settings), f"list-{i}", items, question="watchlist"
        )

    def parts(i: int) -> Callable[[StoreExposureData], ExposureReport]:
        r = random.Random(i)
        rows = [
            {"part_number": p.part_numbers[0], "name": p.name, "vendor": p.vendor}
            for p in r.sample(with_parts, 15)
        ] + [
            {"part_number": f"X-{i}-{k}", "name": "", "vendor": v}
            for k, v in enumerate(r.sample(vendors, 5))
        ]
        items = part_items(world, rows)
        return lambda data: answer_watchlist(
            Asked(world, data, window, now, settings), f"parts-{i}.csv", items, question="parts"
        )

    def asking(
        question: Callable[..., ExposureReport], name: str, tier: int
    ) -> Callable[[StoreExposureData], ExposureReport]:
        return lambda data: question(Asked(world, data, window, now, settings), name, tier=tier)

    questions: dict[str, list[Callable[[StoreExposureData], ExposureReport]]] = {
        "customer, tier 1": [asking(answer_customer, n, 1) for n in customers],
        "customer, tier 2": [asking(answer_customer, n, 2) for n in customers],
        "supplier, tier 1": [asking(answer_supplier, n, 1) for n in suppliers],
        "product (2 levels)": [asking(answer_product, n, 2) for n in product_names],
        "watchlist (10 vendors, 5 products)": [watchlist(i) for i in range(12)],
        "parts list (20 rows)": [parts(i) for i in range(12)],
    }
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for label, calls in questions.items():
                for i, call in enumerate(calls):
                    with store.session() as session:
                        report = call(StoreExposureData(session))
                    record = {"question": label, "call": i, "record": report.record()}
                    out.write(dumps(record) + "\n")
        store.close()
        print(f"{args.dump}: {sum(len(c) for c in questions.values())} answers")
        return 0
    mode = False if args.serial else True if args.parallel else None  # None: the store's choice
    results: list[dict[str, Any]] = []
    for label, calls in questions.items():
        if args.only and args.only not in label:
            continue
        timings: list[float] = []
        cpu: list[float] = []
        sizes: list[int] = []
        for run in range(args.runs + 1):
            call = calls[run % len(calls)]
            started, cpu_started = time.perf_counter(), time.process_time()
            with store.session() as session:
                report = call(StoreExposureData(session, is_parallel=mode))
            dumps(report.record())
            elapsed = (time.perf_counter() - started) * 1000
            if run:  # the first call warms the cache
                timings.append(elapsed)
                cpu.append((time.process_time() - cpu_started) * 1000)
                sizes.append(report.total)
        results.append(
            {
                "question": label,
                "calls": len(timings),
                "names": len(calls),
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(percentile(timings, 95), 1),
                "max_ms": round(max(timings), 1),
                "cpu_p50_ms": round(statistics.median(cpu), 1),
                "cpu_p95_ms": round(percentile(cpu, 95), 1),
                "rows_mean": round(statistics.mean(sizes), 1),
                "wall_ms": [round(t, 2) for t in timings],
                "cpu_ms": [round(c, 2) for c in cpu],
            }
        )
    store.close()
    if args.json:
        print(json.dumps({"db": str(args.db), "results": results}, indent=2))
        return 0
    print(f"{args.db}, as of {now:%Y-%m-%d}")
    print(
        f"{'question':<36} {'calls':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'cpu p50':>8} {'cpu p95':>8} {'rows':>6}"
    )
    for r in results:
        print(
            f"{r['question']:<36} {r['calls']:>5} {r['p50_ms']:>8} {r['p95_ms']:>8} "
            f"{r['max_ms']:>8} {r['cpu_p50_ms']:>8} {r['cpu_p95_ms']:>8} {r['rows_mean']:>6}"
        )
    print(f"load average after the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
