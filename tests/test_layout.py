"""House rules that a command can check: the public API and the layering.

The layer rule is checked twice: on the source (every import statement, relative ones
resolved, function-level ones included) and on the running code (import each pure module
in a fresh interpreter and look at what ``sys.modules`` then holds, so an I/O library
pulled in through a third module is caught too).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import tracker

PACKAGE = Path(tracker.__file__).resolve().parent
PURE = [
    "models.py", "query.py", "ingest/cadence.py", "ingest/transition.py",
    "parse", "extract", "catalog", "exposure",
    "digest/records.py", "digest/settings.py", "digest/schedule.py", "digest/select.py",
    "digest/render.py", "digest/message.py", "wording.py", "alerts/payload.py",
]  # fmt: skip
# Third-party and standard-library I/O: the HTTP client (published as httpx2, imported under
# that name), the ORM and migrations, mail, the scheduler, raw sockets.
IO_LIBRARIES = (
    "httpx2", "httpx", "httpcore", "sqlalchemy", "sqlmodel", "alembic", "psycopg", "smtplib",
    "aiosmtpd", "apscheduler", "socket", "urllib.request",
)  # fmt: skip
# The project's own I/O layers.
IO_LAYERS = (
    "tracker.fetch", "tracker.store", "tracker.ingest.pipeline", "tracker.ingest.gather",
    "tracker.ingest.work", "tracker.ingest.daemon", "tracker.ingest.probe", "tracker.ingest.health",
    "tracker.cli",
    "tracker.devserver", "tracker.digest.send", "tracker.digest.delivery", "tracker.digest.jobs",
    "tracker.alerts.delivery",
)  # fmt: skip
# Running pure code may load a library that can do I/O without using it (trafilatura carries
# a downloader that loads urllib3 and socket), so the runtime check looks for the libraries
# whose presence means I/O was meant: the client, the ORM, mail, the scheduler, our layers.
RUNTIME_FORBIDDEN = tuple(lib for lib in IO_LIBRARIES if lib not in {"socket", "urllib.request"})


def test_public_api_is_sorted_and_importable() -> None:
    assert tracker.__all__ == sorted(tracker.__all__)
    assert set(tracker._SOURCES) == set(tracker.__all__)  # each name says where it comes from
    for name in tracker.__all__:
        assert hasattr(tracker, name), name


def module_name(path: Path) -> str:
    """The dotted name of a file in the package: ``tracker/parse/feed.py`` is tracker.parse.feed."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(source: str, module: str, is_package: bool = False) -> list[str]:
    """Every module an import statement in ``source`` names, relative imports made absolute.

    ``from . import x`` yields both the package and ``package.x`` (x may be a module).
    """
    package = module if is_package else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def is_io(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == io or name.startswith(io + ".") for io in forbidden)


def pure_files() -> list[Path]:
    files: list[Path] = []
    for item in PURE:
        target = PACKAGE / item
        assert target.exists(), f"tests/test_layout.py names {item}, which is gone: update PURE"
        files.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    return files


def test_pure_logic_never_imports_io_layers() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in pure_files()
        for name in imported_names(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
        if is_io(name, IO_LIBRARIES + IO_LAYERS)
    ]
    assert offenders == []


def test_pure_logic_loads_no_io_layer_when_run() -> None:
    modules = [module_name(path) for path in pure_files()]
    probe = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(done.stdout)
    assert [name for name in loaded if is_io(name, RUNTIME_FORBIDDEN + IO_LAYERS)] == []


def test_only_store_imports_the_orm() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in PACKAGE.rglob("*.py")
        if "store" not in path.relative_to(PACKAGE).parts
        for name in imported_names(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
        if is_io(name, ("sqlalchemy", "sqlmodel", "alembic", "psycopg"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "module", "found"),
    [
        ("import httpx2", "tracker.parse.feed", "httpx2"),
        ("from httpx2 import AsyncClient", "tracker.parse.feed", "httpx2"),
        ("def f():\n    import smtplib", "tracker.digest.render", "smtplib"),
        ("from ..store import tables", "tracker.parse.feed", "tracker.store"),
        ("from .. import store", "tracker.extract.vendors", "tracker.store"),
        ("from ...store.tables import Article", "tracker.digest.x.y", "tracker.store"),
        ("from sqlalchemy.orm import Session", "tracker.catalog.names", "sqlalchemy"),
    ],
)
def test_the_guard_sees_each_way_of_importing(source: str, module: str, found: str) -> None:
    names = imported_names(source, module)
    assert any(is_io(name, IO_LIBRARIES + IO_LAYERS) for name in names)
    assert any(name == found or name.startswith(found + ".") for name in names)


def test_the_guard_passes_pure_imports() -> None:
    source = "import re\nfrom . import sentences\nfrom tracker.models import Mention"
    names = imported_names(source, "tracker.extract.x")
    assert not any(is_io(name, IO_LIBRARIES + IO_LAYERS) for name in names)
    assert "tracker.extract.sentences" in names
