"""--format is one option, declared once: every listing offers the same formats."""

from __future__ import annotations

import json

import typer.main

from tracker.cli.app import app
from tracker.cli.output import Format, RecordFormat, emit


def _format_choices() -> dict[str, list[str]]:
    """Each command's --format choices, by command path."""
    found: dict[str, list[str]] = {}

    def walk(group: object, prefix: str) -> None:
        for name, command in getattr(group, "commands", {}).items():
            path = f"{prefix} {name}".strip()
            if hasattr(command, "commands"):
                walk(command, path)
                continue
            for param in command.params:
                if "--format" in getattr(param, "opts", []):
                    found[path] = [m.value for m in param.type_descriptor.annotation]

    walk(typer.main.get_command(app), "")
    return found


def test_every_listing_offers_the_same_formats() -> None:
    choices = _format_choices()
    # export writes whole tables for other tools (no table for people): its own formats.
    listings = {p: c for p, c in choices.items() if "csv" in c and not p.startswith("export")}
    assert {"search", "sources list", "sources health", "fetch", "vendors list"} <= set(listings)
    assert all(c == [f.value for f in Format] for c in listings.values()), listings
    records = {path: c for path, c in choices.items() if path in {"show", "eval", "catalog show"}}
    assert all(c == [f.value for f in RecordFormat] for c in records.values()), records


def test_jsonl_is_one_object_a_line(capsys) -> None:  # type: ignore[no-untyped-def]
    emit([{"name": "a", "n": 1}, {"name": "b", "n": 2}], Format.jsonl, ["name", "n"])
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [{"name": "a", "n": 1}, {"name": "b", "n": 2}]
