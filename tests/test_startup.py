"""A command imports what it needs when it needs it: `tracker --help` loads no library but
typer (and what typer itself needs), `tracker search` loads the store but neither the page
and feed parsers nor the extraction, and opening a database at the newest schema needs no
alembic. Each check runs in a fresh interpreter and looks at its ``sys.modules``; how long
startup takes is measured by bench/startup_bench.py, not here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import tracker
from tracker.store import Store
from tracker.store import engine as store_engine

ROOT = Path(__file__).resolve().parent.parent

# Libraries that only fetching, parsing, extraction, digests or the scheduler need.
NOT_FOR_SEARCH = {
    "ahocorasick",
    "alembic",
    "apscheduler",
    "bs4",
    "charset_normalizer",
    "courlan",
    "css_inline",
    "feedparser",
    "httpx2",
    "jinja2",
    "justext",
    "lxml",
    "rapidfuzz",
    "trafilatura",
}
# Modules, ours and others', that a search on SQLite does without.
NOT_FOR_SEARCH_MODULES = {
    "sqlalchemy.dialects.postgresql",
    "tracker.extract",
    "tracker.fetch",
    "tracker.parse.feed",
    "tracker.parse.page",
    "tracker.ingest.pipeline",
}


def _loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter loads to run ``code`` (beyond those it starts with)."""
    return _modules(code) - _modules("pass")


def _modules(code: str) -> set[str]:
    program = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def _distributions(modules: set[str]) -> set[str]:
    """The installed distributions (normalised names) that the top-level modules come from."""
    owners = packages_distributions()
    tops = {name.split(".")[0] for name in modules} - set(sys.stdlib_module_names)
    return {_norm(d) for top in tops for d in owners.get(top, [])} - {"tracker"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _with_dependencies(distribution: str) -> set[str]:
    """``distribution`` and everything it requires, transitively (extras left out)."""
    found: set[str] = set()
    todo = [distribution]
    while todo:
        name = _norm(todo.pop())
        if name in found:
            continue
        found.add(name)
        try:
            wanted = requires(name) or []
        except PackageNotFoundError:
            continue
        for line in wanted:
            if "extra ==" not in line:
                match = re.match(r"[A-Za-z0-9._-]+", line)
                assert match is not None, line
                todo.append(match.group(0))
    return found


def test_import_tracker_loads_no_library() -> None:
    loaded = _loaded_after("import tracker")
    assert _distributions(loaded) == set()
    assert sorted(n for n in loaded if n.startswith("tracker")) == ["tracker"]


def test_the_package_face_loads_each_name_on_first_use() -> None:
    loaded = _loaded_after("import tracker\ntracker.parse_query('a OR b')")
    assert "tracker.query" in loaded
    assert not {"tracker.parse.feed", "trafilatura", "feedparser"} & loaded
    assert tracker.parse_query is tracker.query.parse_query


def test_the_command_line_loads_only_typer_until_a_command_runs() -> None:
    # Every library tracker depends on that typer does not (rich may import installed
    # extras of its own, such as attrs; those are not ours to load or not).
    heavy = _with_dependencies("tracker") - _with_dependencies("typer")
    assert {"sqlalchemy", "trafilatura", "feedparser", "lxml"} <= heavy
    for code in (
        "import tracker.cli.app",
        """
        from tracker.cli.app import app
        try:
            app(["--help"], prog_name="tracker")
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        """,
    ):
        loaded = _loaded_after(code)
        assert _distributions(loaded) & heavy == set(), code
        assert not {"tracker.store", "tracker.extract"} & loaded


def test_search_loads_the_store_but_not_the_parsers_or_the_extraction(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'search.db'}"
    Store(url).close()  # created at the newest schema
    loaded = _loaded_after(
        f"""
        from tracker.cli.app import app
        try:
            app(["--db", {url!r}, "search", "Luxshare", "--format", "json"], prog_name="tracker")
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        """
    )
    assert "tracker.store.search" in loaded
    assert {name.split(".")[0] for name in loaded} & NOT_FOR_SEARCH == set()
    assert NOT_FOR_SEARCH_MODULES & loaded == set()


def test_the_schema_head_read_from_the_files_is_alembics() -> None:
    assert store_engine.declared_head() is not None
    assert store_engine.declared_head() == store_engine.head_revision()


def test_a_database_at_the_head_opens_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'head.db'}"
    Store(url).close()
    loaded = _loaded_after(f"from tracker.store import Store\nStore({url!r}).close()")
    assert "tracker.store.engine" in loaded
    assert "alembic" not in loaded
