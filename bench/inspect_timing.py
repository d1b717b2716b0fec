"""End-to-end timing of ``tracker inspect`` over the article-extraction-benchmark pages.

Decompresses the 181 benchmark pages into a temporary directory, runs the real CLI once over all
of them in a single call (``tracker inspect FILES... --format jsonl``, output to a temporary file)
and prints wall time, pages, seconds per page and pages per second. The wall time includes the
interpreter start-up and imports; the start-up alone (``tracker --help``) is timed separately.
Checks that one JSON record came back per page.

    python bench/inspect_timing.py
    python bench/inspect_timing.py --pass-dir        # give the directory instead of the files
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aeb_metric import require_aeb_dir

REPO_ROOT = Path(__file__).resolve().parents[1]


def find_tracker(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    local = REPO_ROOT / ".venv" / "bin" / "tracker"
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which("tracker")


def unpack_pages(src: Path, dest: Path) -> list[Path]:
    paths = []
    for gz in sorted((src / "html").glob("*.html.gz")):
        target = dest / gz.name.removesuffix(".gz")
        with gzip.open(gz, "rb") as f:
            target.write_bytes(f.read())
        paths.append(target)
    return paths


def read_records(path: Path) -> tuple[list[dict[str, Any]], int]:
    """JSON objects of a JSONL file, and the number of non-empty lines that were not one."""
    records: list[dict[str, Any]] = []
    bad = 0
    with path.open(encoding="utf8") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            if isinstance(obj, dict):
                records.append(obj)
            else:
                bad += 1
    return records, bad


def check_records(records: list[dict[str, Any]], pages: list[Path]) -> list[str]:
    """Problems found in the records (empty when there is one record per page)."""
    problems = []
    if len(records) != len(pages):
        problems.append(f"{len(records)} records for {len(pages)} pages")
    names = {p.name for p in pages}
    seen = {Path(str(r.get("input", ""))).name for r in records}
    if missing := names - seen:
        problems.append(f"{len(missing)} pages without a record, e.g. {sorted(missing)[0]}")
    if extra := seen - names:
        problems.append(f"{len(extra)} records for unknown inputs, e.g. {sorted(extra)[0]}")
    if no_key := sum(1 for r in records if "input" not in r):
        problems.append(f"{no_key} records without an 'input' key")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracker", help="tracker executable (default: .venv/bin/tracker)")
    parser.add_argument(
        "--pass-dir", action="store_true", help="pass the directory rather than the 181 files"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--keep", type=Path, metavar="PATH", help="also copy the JSONL output to PATH"
    )
    args = parser.parse_args(argv)

    base = require_aeb_dir()
    tracker = find_tracker(args.tracker)
    if tracker is None:
        print(
            "tracker executable not found (.venv/bin/tracker or on PATH); install the package",
            file=sys.stderr,
        )
        return 1

    with tempfile.TemporaryDirectory(prefix="aeb-inspect-") as tmp:
        tmp_path = Path(tmp)
        html_dir = tmp_path / "html"
        html_dir.mkdir()
        pages = unpack_pages(base, html_dir)
        out_path = tmp_path / "inspect.jsonl"
        inputs = [str(html_dir)] if args.pass_dir else [str(p) for p in pages]
        cmd = [tracker, "inspect", *inputs, "--format", "jsonl"]

        start = time.perf_counter()
        startup = subprocess.run(
            [tracker, "--help"], capture_output=True, check=False, cwd=REPO_ROOT
        )
        startup_s = time.perf_counter() - start

        with out_path.open("wb") as out:
            start = time.perf_counter()
            proc = subprocess.run(
                cmd, stdout=out, stderr=subprocess.PIPE, check=False, cwd=REPO_ROOT
            )
            wall = time.perf_counter() - start

        records, bad_lines = read_records(out_path)
        if args.keep:
            shutil.copyfile(out_path, args.keep)

    problems = check_records(records, pages)
    if proc.returncode != 0:
        problems.insert(0, f"exit status {proc.returncode}")
    if bad_lines:
        problems.append(f"{bad_lines} output lines are not JSON objects")
    with_text = sum(1 for r in records if str(r.get("text") or "").strip())
    with_title = sum(1 for r in records if r.get("title"))
    with_date = sum(1 for r in records if r.get("published"))
    with_error = sum(1 for r in records if r.get("error"))
    if with_error:
        problems.append(f"{with_error} records carry an 'error'")

    n = len(pages)
    figures: dict[str, Any] = {
        "pages": n,
        "records": len(records),
        "wall_seconds": wall,
        "seconds_per_page": wall / n if n else None,
        "pages_per_second": n / wall if wall > 0 else None,
        "startup_seconds": startup_s if startup.returncode == 0 else None,
        "records_with_text": with_text,
        "records_with_title": with_title,
        "records_with_published": with_date,
        "records_with_error": with_error,
        "exit_status": proc.returncode,
        "problems": problems,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        shown = " ".join(cmd[:2]) + (f" {inputs[0]}" if args.pass_dir else f" <{n} files>")
        print(f"command:      {shown} --format jsonl")
        print(f"pages:        {n}")
        print(
            f"records:      {len(records)} ({with_text} with text, {with_title} with title,"
            f" {with_date} with published)"
        )
        print(f"wall time:    {wall:.2f} s")
        print(f"s/page:       {wall / n:.4f}")
        print(f"pages/s:      {n / wall:.1f}")
        if startup.returncode == 0:
            print(f"start-up:     {startup_s:.2f} s (tracker --help)")
        print(
            "check:        " + ("OK, one record per page" if not problems else "; ".join(problems))
        )
    if problems:
        err = proc.stderr.decode("utf8", "replace").strip()
        if err:
            lines = err.splitlines()
            tail = lines if len(lines) <= 20 else [*lines[:12], "...", *lines[-6:]]
            print("\nstderr of tracker inspect:\n" + "\n".join(tail), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
