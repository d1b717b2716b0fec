"""`tracker eval`: score the extraction against a labelled set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tracker.cli.output import RecordFormat, RecordFormatOption, dumps, stdout
from tracker.cli.state import state
from tracker.errors import ParseError

if TYPE_CHECKING:
    from tracker.evaluation import Report, Score

ALIASES_FILE = "vendors.json"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"eval: {path}: not UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise ParseError(f"eval: {path}: {exc.strerror or exc}") from exc


def eval_command(
    ctx: typer.Context,
    gold: Annotated[
        Path,
        typer.Argument(exists=True, help="Labelled records, one JSON per line, or a folder."),
    ],
    aliases: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="The labels' company names and aliases, {name: [alias, ...]} "
            f"(default: {ALIASES_FILE} beside the records).",
        ),
    ] = None,
    worst: Annotated[int, typer.Option(min=0, help="List this many worst misses.")] = 10,
    only: Annotated[
        str | None, typer.Option("--field", help="List the misses of this field only.")
    ] = None,
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """Precision, recall and F1 per field, per language or style and per vendor kind on GOLD,
    and the worst misses.

    Two formats, told apart by their fields: the project's gold records {id, text, vendors,
    products, relations, events} (see fixtures/gold/README.md), and labelled news with
    vendors_strict (as in supplychain-news-dev), whose company names are mapped to the
    gazetteer through the alias table.
    """
    from tracker.evaluation import evaluate, read_aliases, read_gold

    st = state(ctx)
    paths = sorted(gold.glob("*.jsonl")) if gold.is_dir() else [gold]
    records = []
    for path in paths:
        records.extend(read_gold(_read(path).splitlines(), str(path)))
    if aliases is None:
        beside = (gold if gold.is_dir() else gold.parent) / ALIASES_FILE
        aliases = beside if beside.is_file() else None
    table = read_aliases(_read(aliases), str(aliases)) if aliases is not None else {}
    report = evaluate(records, st.extractor, table)
    if only is not None and only not in report.fields:
        raise typer.BadParameter(f"{only!r} is not one of {', '.join(report.fields)}")
    if fmt is RecordFormat.json:
        stdout.file.write(dumps(report.as_dict(worst, only), indent=2) + "\n")
        return
    _print_tables(report, worst, only)


def _score_table(title: str, label: str, rows: dict[str, Score]) -> Table:
    table = Table(title=title)
    for column in (label, "precision", "recall", "F1", "TP", "FP", "FN"):
        table.add_column(column, justify="left" if column == label else "right")
    for name, s in rows.items():
        table.add_row(
            name,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.tp),
            str(s.fp),
            str(s.fn),
        )
    return table


def _print_tables(report: Report, worst: int, only: str | None) -> None:
    from tracker.evaluation import NEWS_FORMAT

    news = report.format == NEWS_FORMAT
    title = f"{report.records} records" + (" (labelled news)" if news else "")
    stdout.print(_score_table(title, "field", {f: report.scores[f] for f in report.fields}))
    groups = Table(title=f"F1 by {report.group_key}")
    groups.add_column(report.group_key)
    for name in report.fields:
        groups.add_column(name, justify="right")
    for group, scores in sorted(report.by_group.items()):
        groups.add_row(
            group, *(f"{scores[f].f1:.3f} ({scores[f].tp + scores[f].fn})" for f in report.fields)
        )
    stdout.print(groups)
    stdout.print(_score_table("vendors by kind", "kind", dict(sorted(report.by_kind.items()))))
    if news:
        stdout.print(
            _score_table(
                "relations by supplier kind", "kind", dict(sorted(report.relation_kinds.items()))
            )
        )
        statuses = ", ".join(
            f"{status} {s.tp}/{s.tp + s.fp}" for status, s in sorted(report.relation_status.items())
        )
        stdout.print(f"predicted relations labelled, by status: {statuses or 'none'}")
    else:
        stdout.print(f"relation status accuracy {report.status_accuracy:.3f}")
    stdout.print(
        f"{report.vendor_free_with_vendors} of {report.vendor_free} texts that name no company "
        f"got vendors ({report.vendors_on_vendor_free} vendors)"
    )
    if worst:
        misses = Table(title=f"worst {worst} misses" + (f" ({only})" if only else ""))
        for column in ("record", report.group_key, "field", "missed", "spurious"):
            misses.add_column(column, overflow="fold")
        for miss in report.worst(worst, only):
            misses.add_row(
                miss.record,
                miss.group,
                miss.field,
                ", ".join(miss.missed),
                ", ".join(miss.spurious),
            )
        stdout.print(misses)
