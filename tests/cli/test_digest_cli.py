"""`tracker digest preview|send|status` on the sample site, with a real SMTP server."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from tests.conftest import Cli
from tests.digest.smtp import SmtpServer
from tracker.digest.schedule import next_due, period_key
from tracker.digest.settings import Cadence

DIGEST = """
[[digests]]
name = "daily"
recipients = ["Ana Müller <ana@example.com>", "台積電 觀察 <watch@example.tw>"]
timezone = "Asia/Taipei"
time = "07:00"
watchlist = "suppliers"

[[watchlists]]
name = "suppliers"
vendors = ["TSMC", "Luxshare", "Nvidia"]
event_types = ["disruption", "export_control"]
"""
# The older form: the digest's own watchlist table.
LEGACY = DIGEST.replace(
    'watchlist = "suppliers"\n\n[[watchlists]]\nname = "suppliers"\n', "\n[digests.watchlist]\n"
)


def upcoming() -> str:
    """The period whose window runs up to now: it holds what the sample fetch just stored."""
    return period_key(
        Cadence(timezone="Asia/Taipei"),
        next_due(Cadence(timezone="Asia/Taipei"), datetime.now(UTC)),
    )


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    smtp = SmtpServer()
    smtp.start()
    yield smtp
    smtp.stop()


def configure(cli: Cli, smtp: SmtpServer | None, digest: str = DIGEST) -> Cli:
    lines = cli.config.read_text(encoding="utf-8").splitlines()
    if smtp is not None:
        lines += smtp.config_lines()
    cli.config.write_text("\n".join(lines) + "\n" + digest, encoding="utf-8")
    return cli


def fetch(cli: Cli) -> Cli:
    result = cli("fetch", "--format", "json")
    assert result.exit_code == 0, result.output
    return cli


@pytest.fixture
def fetched(cli: Cli) -> Cli:
    """The sample site fetched into a fresh SQLite database."""
    return fetch(cli)


@pytest.fixture
def fetched_on_each(backend_cli: Cli) -> Cli:
    """The sample site fetched into a fresh database, on SQLite and on PostgreSQL (the store's
    side of selecting, planning and delivering is tested on both in tests/digest)."""
    return fetch(backend_cli)


def test_preview_of_the_sample_site(fetched: Cli, tmp_path: Path) -> None:
    cli = configure(fetched, None)
    # The previews are compared whole, and a preview of the running period shows the time it
    # was made: the clock stands still for them (at the moment the sample was fetched).
    with time_machine.travel(datetime.now(UTC), tick=False):
        _previews_agree(cli, tmp_path)


def _previews_agree(cli: Cli, tmp_path: Path) -> None:
    result = cli("digest", "preview", "daily", "--next")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "<style" not in page
    assert "Magnitude 6.4 earthquake briefly halts tools at TSMC and UMC fabs in Taiwan" in page
    # The story carried by two feeds is one entry.
    assert page.count("OpenAI taps Apple suppliers MediaTek, Qualcomm and Luxshare") == 1
    assert "reported by 2 sources" in page
    assert "What changed" in page
    assert "daily" in result.stderr
    assert "Supply-chain digest" in result.stderr
    text = cli("digest", "preview", "daily", "--format", "text", "--date", upcoming())
    assert text.exit_code == 0
    assert "== TSMC ==" in text.stdout
    assert "DISRUPTION" in text.stdout
    out = tmp_path / "digest.html"
    written = cli("digest", "preview", "daily", "--next", "--output", str(out))
    assert written.exit_code == 0
    assert written.stdout == ""
    assert out.read_text(encoding="utf-8") == page
    # A preview records nothing.
    status = cli("digest", "status", "--format", "json")
    assert json.loads(status.stdout) == []


def test_send_status_and_rerun(fetched_on_each: Cli, server: SmtpServer) -> None:
    cli = configure(fetched_on_each, server)
    period = upcoming()
    sent = cli("digest", "send", "daily", "--date", period)
    assert sent.exit_code == 0, sent.stderr
    assert "sent to ana@example.com" in sent.stderr
    assert "sent to watch@example.tw" in sent.stderr
    assert len(server.received) == 2
    (ana,) = server.messages_to("ana@example.com")
    (watch,) = server.messages_to("watch@example.tw")
    assert ana["To"] == "Ana Müller <ana@example.com>"
    assert watch["To"] == "台積電 觀察 <watch@example.tw>"
    assert ana["Subject"] == watch["Subject"]
    assert ana["Subject"].startswith("Supply-chain digest, ")
    assert "disruption" in ana["Subject"]
    assert ana["Message-ID"] != watch["Message-ID"]
    assert ana["List-Unsubscribe"] == (
        "<mailto:digest@tracker.example.com?subject=unsubscribe%20daily>"
    )
    assert ana.get_content_type() == "multipart/alternative"
    plain = ana.get_body(("plain",)).get_content()
    html = ana.get_body(("html",)).get_content()
    assert "Luxshare buys northern Vietnam factory" in plain
    assert "Luxshare buys northern Vietnam factory" in html
    rerun = cli("digest", "send", "daily", "--date", period)
    assert rerun.exit_code == 0
    assert "already sent to every recipient" in rerun.stderr
    assert len(server.received) == 2
    rows = json.loads(cli("digest", "status", "--format", "json").stdout)
    assert [(r["recipient"], r["state"], r["attempts"]) for r in rows] == [
        ("ana@example.com", "sent", 1),
        ("watch@example.tw", "sent", 1),
    ]
    assert all(r["period"] == period and r["sent_at"].endswith("Z") for r in rows)
    as_csv = list(csv.DictReader(io.StringIO(cli("digest", "status", "--format", "csv").stdout)))
    assert [r["state"] for r in as_csv] == ["sent", "sent"]
    table = cli("digest", "status")
    assert table.exit_code == 0
    assert "Digest outbox" in table.stdout


def test_a_failed_send_exits_1_and_status_shows_the_retry(fetched: Cli) -> None:
    down = SmtpServer()  # never started: its port refuses connections
    cli = configure(fetched, down)
    result = cli("digest", "send", "daily", "--date", upcoming())
    assert result.exit_code == 1
    assert "not sent to ana@example.com" in result.stderr
    assert "connection refused" in result.stderr
    assert "(attempt 1; will retry at " in result.stderr
    rows = json.loads(cli("digest", "status", "--format", "json").stdout)
    assert {r["state"] for r in rows} == {"retrying"}
    assert all(r["attempts"] == 1 and r["next_retry"] for r in rows)
    assert "connection refused" in rows[0]["last_error"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["preview", "weekly"], 2, "no digest named 'weekly'"),
        (["send", "nope"], 2, "no digest named 'nope' in"),
        (["preview", "daily", "--date", "26/11"], 2, "--date: '26/11' is not a date"),
        (["preview", "daily", "--format", "pdf"], 2, "pdf"),
    ],
)
def test_usage_errors(cli: Cli, args: list[str], code: int, message: str) -> None:
    configure(cli, None)
    result = cli("digest", *args)
    assert result.exit_code == code
    assert message in result.stderr


def test_send_without_smtp_settings_says_what_to_add(cli: Cli) -> None:
    configure(cli, None)
    result = cli("digest", "send", "daily")
    assert result.exit_code == 1
    assert "error: digest: smtp: no [smtp] section in" in result.stderr


def test_a_watchlist_typo_is_named(cli: Cli) -> None:
    configure(cli, None, DIGEST.replace('"Luxshare"', '"Luxshre"'))
    result = cli("digest", "preview", "daily")
    assert result.exit_code == 1
    assert "'Luxshre' is not in the gazetteer (did you mean 'Luxshare'?)" in result.stderr


def test_a_bad_digest_config_is_one_line(cli: Cli) -> None:
    configure(cli, None, DIGEST.replace('time = "07:00"', 'time = "7am"'))
    result = cli("digest", "status")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: config: {cli.config}: [[digests]] 'daily' time: expected HH:MM, 24-hour "
        "(\"07:00\"), got '7am'"
    )


def test_the_older_watchlist_form_still_works_with_one_warning(fetched: Cli) -> None:
    base = fetched.config.read_text(encoding="utf-8")
    # The two previews are compared whole and show the time they were made: the clock stands
    # still for both (they ran a minute apart on a busy machine).
    with time_machine.travel(datetime.now(UTC), tick=False):
        new = configure(fetched, None)(
            "digest", "preview", "daily", "--format", "text", "--date", upcoming()
        )
        fetched.config.write_text(base, encoding="utf-8")
        old = configure(fetched, None, LEGACY)(
            "digest", "preview", "daily", "--format", "text", "--date", upcoming()
        )
    assert old.exit_code == new.exit_code == 0, old.output
    assert old.stdout == new.stdout
    assert "warning" not in new.stderr
    (warning,) = [line for line in old.stderr.splitlines() if line.startswith("warning:")]
    assert "[[digests]] 'daily': a [digests.watchlist] table is deprecated" in warning
