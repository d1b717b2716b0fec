"""`tracker digest preview|send|status`: the digest e-mails."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.output import Format, emit, show_time, stderr
from tracker.cli.state import State, state
from tracker.errors import UsageError

if TYPE_CHECKING:
    from tracker.digest.records import Period, WatchItem
    from tracker.digest.settings import DigestSpec

app = typer.Typer(
    help="Digest e-mails: preview, send now, and the outbox's state.", no_args_is_help=True
)

NameArg = Annotated[str, typer.Argument(help="The name of a configured digest.")]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="The period due on this date, YYYY-MM-DD (weekly: the last due on or before it).",
    ),
]


class PreviewFormat(StrEnum):
    """Formats of `tracker digest preview`."""

    html = "html"
    text = "text"


def _say(message: str) -> None:
    """A diagnostic line on stderr, never wrapped (so it can be grepped)."""
    stderr.print(message, highlight=False, soft_wrap=True, markup=False)


def parse_day(value: str | None) -> date | None:
    """A --date value: YYYY-MM-DD."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--date: {value!r} is not a date (use YYYY-MM-DD)") from None


def _items(st: State, spec: DigestSpec) -> list[WatchItem]:
    from tracker.digest import delivery

    matcher = st.matcher
    return delivery.resolve_items(spec, matcher.gazetteer, matcher.catalog)


def _window(period: Period, spec: DigestSpec) -> str:
    tz = spec.cadence.tz
    return f"{show_time(period.start, tz)} to {show_time(period.end, tz)}"


@app.command()
def preview(
    ctx: typer.Context,
    name: NameArg,
    day: DateOption = None,
    fmt: Annotated[
        PreviewFormat, typer.Option("--format", help="html or text.")
    ] = PreviewFormat.html,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Render a digest without sending it or recording anything.

    Without --date: the next digest as it stands now (articles fetched since the last one
    sent, up to now). With --date: the period due that day (a period already sent shows
    what was sent).
    """
    from tracker.digest import delivery

    st = state(ctx)
    spec = delivery.spec_named(st.settings, name)
    items = _items(st, spec)
    now = datetime.now(UTC)
    period = delivery.period_for(st.store, spec, now, day=parse_day(day), upcoming=day is None)
    digest = delivery.build_digest(st.store, spec, period, items)
    rendered = delivery.render(spec, digest, st.settings.smtp)
    body = rendered.html if fmt is PreviewFormat.html else rendered.text
    if output is not None:
        output.write_text(body, encoding="utf-8")
    else:
        sys.stdout.write(body)
    where = f" to {output}" if output is not None else ""
    _say(
        f"digest {spec.name!r} {period.key}: {rendered.subject!r} "
        f"(fetched {_window(period, spec)}){where}",
    )


@app.command()
def send(
    ctx: typer.Context,
    name: NameArg,
    day: DateOption = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Send to this address only (the period stays open for the others)."
        ),
    ] = None,
) -> None:
    """Render a digest and send it now, through the outbox.

    Without --date: the latest period due (what `tracker run` would have sent). A period
    already sent to a recipient is never sent to them again; unsent and failed messages of
    the period are tried again now. Exit code 1 when a message could not be sent.
    """
    from tracker.digest import delivery

    st = state(ctx)
    settings = st.settings
    spec = delivery.spec_named(settings, name)
    delivery.require_smtp(settings)
    items = _items(st, spec)
    planned, report = delivery.send_period(
        st.store, settings, spec, items, datetime.now(UTC), day=parse_day(day), to=to
    )
    label = f"digest {spec.name!r} {planned.period.key}"
    if planned.is_empty:
        _say(
            f"{label}: nothing new (fetched {_window(planned.period, spec)}); not sent "
            "(send_empty = false)",
        )
        return
    for _digest, _period, recipient in report.sent:
        _say(f"{label}: sent to {recipient}")
    tz = settings.tzinfo()
    for failure in report.failed:
        if failure.retry_at is not None:
            then = f"will retry at {show_time(failure.retry_at, tz)}"
        else:
            then = "gave up; `tracker digest send` tries again"
        _say(
            f"{label}: not sent to {failure.recipient}: {failure.error} "
            f"(attempt {failure.attempts}; {then})",
        )
    if report.skipped:
        _say(f"{label}: {report.skipped} messages are being sent by another process")
    if not report.sent and not report.failed and not report.skipped:
        _say(f"{label}: already sent to every recipient; nothing to do")
    elif report.sent:
        _say(f"{label}: {planned.subject!r}")
    if report.failed:
        _say("see `tracker digest status`; failed messages are retried by `tracker run`")
        raise typer.Exit(1)


@app.command()
def status(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Only this digest.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """The outbox: each digest period and recipient with its delivery state.

    States: pending (queued), retrying (failed, next attempt at next_retry), sent, failed
    (gave up: a permanent refusal or too many attempts; `tracker digest send NAME --date
    PERIOD` tries again), empty (nothing new, nothing sent).
    """
    from tracker.store import digests as store_digests

    st = state(ctx)
    with st.store.session() as session:
        rows = store_digests.outbox_rows(session, name)
    emit(
        rows,
        fmt,
        [
            "digest",
            "period",
            "recipient",
            "state",
            "attempts",
            "last_error",
            "next_retry",
            "sent_at",
        ],
        tz=st.settings.tzinfo(),
        title="Digest outbox",
    )
