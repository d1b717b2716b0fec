"""`tracker alerts test|status`: the webhook alerts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from tracker.cli.output import Format, FormatOption, emit, stderr
from tracker.cli.state import state

app = typer.Typer(help="Webhook alerts: a test post, and the outbox's state.", no_args_is_help=True)


@app.command("test")
def test_alert(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name of an [[alerts]] table.")],
) -> None:
    """POST a test alert to the endpoint now, in the alert's format (not through the
    outbox, not recorded). Exit code 1 when the endpoint did not take it (no 2xx answer)."""
    from tracker.alerts.delivery import send_test, spec_named

    spec = spec_named(state(ctx).settings, name)
    error = send_test(spec, datetime.now(UTC))
    if error is not None:
        stderr.print(
            f"alerts: the endpoint of {spec.name!r} did not take the test alert: {error} "
            "(check its url and that it accepts a JSON POST)",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
        raise typer.Exit(1)
    stderr.print(f"alerts: test alert posted to {spec.name!r} ({spec.format})", markup=False)


@app.command()
def status(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 100,
    fmt: FormatOption = Format.table,
) -> None:
    """The latest alerts, newest first: the story, the trigger and the delivery state
    (pending, retrying with next_attempt_at, sent, failed: gave up after max_attempts)."""
    from tracker.store.alerts import recent

    st = state(ctx)
    with st.stored.session() as session:
        rows = recent(session, limit)
    emit(
        rows,
        fmt,
        [
            "alert",
            "trigger",
            "title",
            "state",
            "attempts",
            "last_error",
            "next_attempt_at",
            "sent_at",
        ],
        tz=st.settings.tzinfo(),
        title="Alerts",
    )
