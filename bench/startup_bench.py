"""How long a `tracker` command takes to start and finish, as a person runs it.

    .venv/bin/python bench/startup_bench.py [--runs 15] [--tracker .venv/bin/tracker]

1. Builds a demo database in a temporary folder with the command `make demo` runs
   (`tracker --config config/demo.toml --db sqlite:///DIR/demo.db demo`: the bundled sample
   site, served on 127.0.0.1 from inside that process).
2. Runs each command below ``--runs`` times as a whole new process (after one untimed run that
   warms the disk cache and writes the bytecode), output thrown away:

   - ``python -c pass``: the interpreter alone, the floor;
   - ``python -c "import sqlalchemy.orm, sqlmodel"``: the floor of a command that opens the
     database (the libraries alone, nothing of ours);
   - ``tracker --help``;
   - ``tracker --version`` (left out when this version has no such option);
   - ``tracker search Luxshare`` on the demo database;
   - ``tracker sources list`` on the demo database.

Prints, per command, the median, 90th percentile and minimum of the wall-clock time and of the
CPU time (user + system, from the child's own resource usage). The aims (issue 14) are
``--help`` under 0.3 s and ``search`` under 0.6 s of wall-clock time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(argv: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, exit code) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env()
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TRACKER_CONFIG", None)
    env.pop("TRACKER_DATABASE_URL", None)
    env["COLUMNS"] = "120"
    return env


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def measure(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU times of ``runs`` runs, after one untimed warm-up run."""
    _, _, code = run_once(argv)
    if code != 0:
        raise SystemExit(f"startup_bench: {' '.join(argv)} exited with {code}")
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        wall, cpu, _code = run_once(argv)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command")
    parser.add_argument("--tracker", default=str(ROOT / ".venv" / "bin" / "tracker"))
    args = parser.parse_args()
    tracker = str(Path(args.tracker).resolve())
    python = sys.executable

    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        db = f"sqlite:///{tmp}/demo.db"
        built = subprocess.run(
            [tracker, "--config", "config/demo.toml", "--db", db, "demo"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=_env(),
            check=False,
        )
        if built.returncode != 0:
            sys.stderr.write(built.stderr)
            raise SystemExit("startup_bench: the demo database could not be built")

        commands: list[tuple[str, list[str]]] = [
            ("python -c pass", [python, "-c", "pass"]),
            ("import sqlalchemy, sqlmodel", [python, "-c", "import sqlalchemy.orm, sqlmodel"]),
            ("tracker --help", [tracker, "--help"]),
        ]
        if run_once([tracker, "--version"])[2] == 0:
            commands.append(("tracker --version", [tracker, "--version"]))
        commands += [
            ("tracker search Luxshare", [tracker, "--db", db, "search", "Luxshare"]),
            ("tracker sources list", [tracker, "--db", db, "sources", "list"]),
        ]

        print(f"{args.runs} runs each, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
        print(
            f"{'command':<26} {'wall median':>11} {'p90':>7} {'min':>7}   "
            f"{'CPU median':>10} {'p90':>7} {'min':>7}"
        )
        for label, argv in commands:
            walls, cpus = measure(argv, args.runs)
            print(
                f"{label:<26} {statistics.median(walls):>10.3f}s {_p90(walls):>6.3f}s "
                f"{min(walls):>6.3f}s   {statistics.median(cpus):>9.3f}s {_p90(cpus):>6.3f}s "
                f"{min(cpus):>6.3f}s"
            )
        print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
