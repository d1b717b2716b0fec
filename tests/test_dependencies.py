"""What is imported is declared: every library that tracker/ imports is one of the project's
dependencies in pyproject.toml, and every library that tests/ and bench/ import is one of those
or of the dev extra. (That uv.lock matches pyproject.toml is `make lock-check`'s job.)"""

from __future__ import annotations

import ast
import importlib
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OURS = {"tracker", "tests", "bench"} | {p.stem for p in (ROOT / "bench").glob("*.py")}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: list[str]) -> set[str]:
    """The distribution names of PEP 508 requirements."""
    found: set[str] = set()
    for line in requirements:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        assert match is not None, line
        found.add(_norm(match.group(1)))
    return found


RUNTIME = _names(PYPROJECT["project"]["dependencies"])
DEV = _names(PYPROJECT["project"]["optional-dependencies"]["dev"])
# The job queues bench/queue_engines.py compares with tracker's own: installed into a throwaway
# virtualenv that runs that bench (the command is in its docstring), never into .venv.
QUEUE_ENGINES = {"procrastinate", "pgqueuer", "celery", "dramatiq", "asyncpg", "redis"}


def third_party_imports(folder: str) -> dict[str, set[str]]:
    """Top-level module -> the files under ``folder`` that import it (not the standard
    library, not our own packages)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if path.name == "queue_engines.py" and top in QUEUE_ENGINES:
                    continue
                if top not in sys.stdlib_module_names and top not in OURS:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def undeclared(folder: str, declared: set[str]) -> list[str]:
    owners = packages_distributions()
    problems: list[str] = []
    for module, files in sorted(third_party_imports(folder).items()):
        distributions = {_norm(d) for d in owners.get(module, [])}
        if not distributions:
            problems.append(f"{module} (imported by {sorted(files)}) is not installed")
        elif not distributions & declared:
            problems.append(f"{module} from {sorted(distributions)} is imported by {sorted(files)}")
    return problems


def test_the_package_imports_only_declared_dependencies() -> None:
    assert third_party_imports("tracker")  # the scan sees the imports
    assert undeclared("tracker", RUNTIME) == []


@pytest.mark.parametrize("folder", ["tests", "bench"])
def test_tests_and_benchmarks_import_only_declared_dependencies(folder: str) -> None:
    assert undeclared(folder, RUNTIME | DEV) == []


def test_the_page_extractor_finds_lxml_html_clean() -> None:
    # jusText (through trafilatura) imports lxml.html.clean, which lxml 5.2 and later only
    # provide when lxml_html_clean is installed; without it `tracker` does not start.
    assert "lxml-html-clean" in RUNTIME
    importlib.import_module("lxml.html.clean")
    importlib.import_module("trafilatura")


def test_the_pinned_uv_is_the_one_the_project_requires() -> None:
    pinned = re.search(r"^uv==(\S+)", (ROOT / "tools" / "uv.txt").read_text(), re.M)
    assert pinned is not None
    assert PYPROJECT["tool"]["uv"]["required-version"] == f"=={pinned.group(1)}"
