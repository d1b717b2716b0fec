"""`tracker digest preview|send|status`: the digest e-mails."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.output import Format, FormatOption, emit, show_time, stderr
from tracker.cli.state import State, state
from tracker.errors import UsageError

if TYPE_CHECKING:
    from tracker.catalog.watch import WatchItem
    from tracker.digest.records import Period
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

    extractor = st.extractor
    return delivery.resolve_items(spec, extractor.gazetteer, extractor.catalog)


NextOption = Annotated[
    bool,
    typer.Option(
        "--next",
        help="The next period instead, as it stands now (what is fetched until it is due).",
    ),
]


def window(period: Period, spec: DigestSpec) -> str:
    """The period's window for people: "period 2026-12-04 07:00 to 2026-12-05 07:00
    Asia/Taipei", with "(so far; due ...)" for one that is not due yet."""
    tz = spec.cadence.tz
    start, end = (t.astimezone(tz).strftime("%Y-%m-%d %H:%M") for t in (period.start, period.end))
    text = f"period {start} to {end} {period.timezone}"
    if period.end < period.due_at:
        text += f" (so far; due {period.due_at.astimezone(tz).strftime('%Y-%m-%d %H:%M')})"
    return text


def _pick(day: str | None, upcoming: bool) -> date | None:
    if day is not None and upcoming:
        raise UsageError("digest: give --date or --next, not both")
    return parse_day(day)


def _next_hint(st: State, spec: DigestSpec, items: list[WatchItem], now: datetime) -> None:
    """After an empty latest period: how many stories the next one holds, and how to get it."""
    from tracker.digest import delivery

    period = delivery.period_for(st.store, spec, now, upcoming=True)
    stories = delivery.build_digest(st.store, spec, period, items).story_count
    if stories:
        _say(
            f"the next digest {period.key}, {window(period, spec)}, has {stories} stories: "
            f"`tracker digest preview {spec.name} --next` shows it, "
            f"`tracker digest send {spec.name} --next` sends it now"
        )


@app.command()
def preview(
    ctx: typer.Context,
    name: NameArg,
    day: DateOption = None,
    upcoming: NextOption = False,
    fmt: Annotated[
        PreviewFormat, typer.Option("--format", help="html or text.")
    ] = PreviewFormat.html,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Render a digest without sending it or recording anything: the period `send` would
    send (the latest due), the one due on --date, or with --next the next one as it stands.

    A period already sent shows what was sent. The period is named on stderr.
    """
    from tracker.digest import delivery

    st = state(ctx)
    spec = delivery.spec_named(st.settings, name)
    on_day = _pick(day, upcoming)
    items = _items(st, spec)
    now = datetime.now(UTC)
    period = delivery.period_for(st.stored, spec, now, day=on_day, upcoming=upcoming)
    digest = delivery.build_digest(st.stored, spec, period, items)
    rendered = delivery.render(spec, digest, st.settings.smtp)
    body = rendered.html if fmt is PreviewFormat.html else rendered.text
    if output is not None:
        output.write_text(body, encoding="utf-8")
    else:
        sys.stdout.write(body)
    where = f" to {output}" if output is not None else ""
    _say(
        f"digest {spec.name!r} {period.key}, {window(period, spec)}: "
        f"{digest.story_count} stories, {rendered.subject!r}{where}"
    )
    if digest.is_empty and on_day is None and not upcoming:
        _next_hint(st, spec, items, now)


@app.command()
def send(
    ctx: typer.Context,
    name: NameArg,
    day: DateOption = None,
    upcoming: NextOption = False,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Send to this address only (the period stays open for the others)."
        ),
    ] = None,
) -> None:
    """Render a digest and send it now, through the outbox.

    Without --date: the latest period due (what `tracker run` would have sent; the one
    `preview` shows). With --next: the next period now, up to this moment (what is fetched
    later goes into the one after). A period already sent to a recipient is never sent to
    them again; unsent and failed messages of the period are tried again now. Exit code 1
    when a message could not be sent.
    """
    from tracker.digest import delivery

    st = state(ctx)
    settings = st.settings
    spec = delivery.spec_named(settings, name)
    on_day = _pick(day, upcoming)
    delivery.require_smtp(settings)
    items = _items(st, spec)
    now = datetime.now(UTC)
    planned, report = delivery.send_period(
        st.stored, settings, spec, items, now, day=on_day, upcoming=upcoming, to=to
    )
    label = f"digest {spec.name!r} {planned.period.key}"
    _say(f"{label}, {window(planned.period, spec)}: {planned.stories} stories")
    if planned.is_empty:
        _say(f"{label}: nothing new; not sent (send_empty = false)")
        if on_day is None and not upcoming:
            _next_hint(st, spec, items, now)
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
        until = (
            f" (it holds them until {show_time(report.held_until, tz)} unless it is still "
            "sending; run `tracker digest send` again after that)"
            if report.held_until is not None
            else ""
        )
        _say(f"{label}: {report.skipped} messages are being sent by another process{until}")
    if not report.sent and not report.failed and not report.skipped:
        _say(f"{label}: already sent to every recipient; nothing to do")
    elif report.sent:
        _say(f"{label}: {planned.subject!r}")
    if report.failed:
        _say("see `tracker digest status`; failed messages are retried by `tracker run`")
    if report.failed or report.skipped:
        raise typer.Exit(1)


@app.command()
def status(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Only this digest.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The outbox: each digest period and recipient with its delivery state.

    States: pending (queued), retrying (failed, next attempt at next_retry), sent, failed
    (gave up: a permanent refusal or too many attempts; `tracker digest send NAME --date
    PERIOD` tries again), empty (nothing new, nothing sent).
    """
    from tracker.digest import delivery
    from tracker.store import digests as store_digests

    st = state(ctx)
    if name is not None:
        name = delivery.spec_named(st.settings, name).name
    with st.stored.session() as session:
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
