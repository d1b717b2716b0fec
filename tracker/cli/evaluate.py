"""`tracker eval`: score the extraction against a labelled set."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tracker.cli.output import dumps, stdout
from tracker.cli.state import state
from tracker.errors import ParseError


class EvalFormat(StrEnum):
    """Output formats of `tracker eval`."""

    table = "table"
    json = "json"


def eval_command(
    ctx: typer.Context,
    gold: Annotated[Path, typer.Argument(exists=True, help="Labelled records, one JSON per line.")],
    worst: Annotated[int, typer.Option(min=0, help="List this many worst misses.")] = 10,
    fmt: Annotated[EvalFormat, typer.Option("--format", help="Output format.")] = EvalFormat.table,
) -> None:
    """Precision, recall and F1 per field and per vendor kind on GOLD.jsonl, and the worst misses.

    Records: {id, text, vendors, products, relations, events}; see fixtures/gold/README.md.
    """
    from tracker.evaluation import FIELDS, evaluate, read_gold

    st = state(ctx)
    paths = sorted(gold.glob("*.jsonl")) if gold.is_dir() else [gold]
    records = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise ParseError(f"eval: {path}: not UTF-8 ({exc.reason})") from exc
        records.extend(read_gold(lines, str(path)))
    report = evaluate(records, st.matcher)
    if fmt is EvalFormat.json:
        stdout.file.write(dumps(report.as_dict(worst), indent=2) + "\n")
        return
    table = Table(title=f"{report.records} records")
    for column in ("field", "precision", "recall", "F1", "TP", "FP", "FN"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name in FIELDS:
        s = report.scores[name]
        table.add_row(
            name,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.tp),
            str(s.fp),
            str(s.fn),
        )
    stdout.print(table)
    kinds = Table(title="vendors by kind")
    for column in ("kind", "precision", "recall", "F1", "TP", "FP", "FN"):
        kinds.add_column(column, justify="left" if column == "kind" else "right")
    for kind, s in sorted(report.by_kind.items()):
        kinds.add_row(
            kind,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.tp),
            str(s.fp),
            str(s.fn),
        )
    stdout.print(kinds)
    stdout.print(
        f"relation status accuracy {report.status_accuracy:.3f}; "
        f"{report.vendor_free_with_vendors} of {report.vendor_free} vendor-free texts got vendors"
    )
    if worst:
        misses = Table(title=f"worst {worst} misses")
        for column in ("record", "field", "missed", "spurious"):
            misses.add_column(column, overflow="fold")
        for miss in report.worst(worst):
            misses.add_row(
                miss.record, miss.field, ", ".join(miss.missed), ", ".join(miss.spurious)
            )
        stdout.print(misses)
