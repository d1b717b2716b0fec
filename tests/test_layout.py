"""House rules that a command can check: the public API and the layering."""

from __future__ import annotations

import ast
from pathlib import Path

import tracker

PACKAGE = Path(tracker.__file__).resolve().parent
PURE = ["models.py", "query.py", "ingest/cadence.py", "parse", "extract", "catalog", "exposure.py"]
PURE += [
    "digest/records.py", "digest/settings.py", "digest/schedule.py", "digest/select.py",
    "digest/render.py", "digest/message.py",
]  # fmt: skip
IO_MODULES = (
    "tracker.fetch", "tracker.store", "tracker.ingest.pipeline", "tracker.cli", "tracker.devserver",
    "httpx", "sqlalchemy", "sqlmodel", "alembic", "smtplib", "aiosmtpd", "apscheduler",
    "socket", "urllib.request",
)  # fmt: skip


def test_public_api_is_sorted_and_importable() -> None:
    assert tracker.__all__ == sorted(tracker.__all__)
    assert set(tracker._SOURCES) == set(tracker.__all__)  # each name says where it comes from
    for name in tracker.__all__:
        assert hasattr(tracker, name), name


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_pure_logic_never_imports_io_layers() -> None:
    files: list[Path] = []
    for item in PURE:
        target = PACKAGE / item
        files.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in _imports(path)
        if any(name == io or name.startswith(io + ".") for io in IO_MODULES)
    ]
    assert offenders == []


def test_only_store_imports_the_orm() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in PACKAGE.rglob("*.py")
        if "store" not in path.relative_to(PACKAGE).parts
        for name in _imports(path)
        if name.split(".")[0] in {"sqlalchemy", "sqlmodel", "alembic"}
    ]
    assert offenders == []
