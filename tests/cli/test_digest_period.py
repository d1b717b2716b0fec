"""`digest preview` and `digest send` mean the same period and name it: without --date, the
latest due (what `tracker run` sends); --next, the next one as it stands. The clock is
pinned; the sample site is fetched at a known time."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from tests.cli.test_digest_cli import configure
from tests.conftest import Cli
from tests.digest.smtp import SmtpServer

TAIPEI = ZoneInfo("Asia/Taipei")
DAILY = """
[[digests]]
name = "daily"
recipients = ["ana@example.com"]
timezone = "Asia/Taipei"
time = "07:00"
"""


def period_of(stderr: str) -> str:
    found = re.search(r"digest 'daily' (\S+?),? (period .+? Asia/Taipei)", stderr)
    assert found, stderr
    return f"{found[1]} {found[2]}"


def at(day: int, hour: int) -> time_machine.travel:
    return time_machine.travel(datetime(2026, 12, day, hour, 0, tzinfo=TAIPEI), tick=True)


def test_preview_and_send_agree_on_the_period_and_say_it(cli: Cli) -> None:
    server = SmtpServer()
    server.start()
    try:
        configure(cli, server, DAILY)
        with at(5, 10):  # fetched after the 07:00 digest was due
            assert cli("fetch").exit_code == 0
        with at(5, 15):
            preview = cli("digest", "preview", "daily", "--format", "text")
            assert preview.exit_code == 0, preview.stderr
            send = cli("digest", "send", "daily")
            assert send.exit_code == 0, send.stderr
            shown = period_of(preview.stderr)
            assert shown == "2026-12-05 period 2026-12-04 07:00 to 2026-12-05 07:00 Asia/Taipei"
            assert period_of(send.stderr) == shown
            assert "0 stories" in preview.stderr
            assert "nothing new; not sent" in send.stderr
            assert server.received == []
            # Both say where the stories fetched since are, and how to get them.
            for said in (preview.stderr, send.stderr):
                assert "the next digest 2026-12-06" in said
                assert "`tracker digest send daily --next` sends it now" in said
            ahead = cli("digest", "preview", "daily", "--next", "--format", "text")
            early = cli("digest", "send", "daily", "--next")
            assert early.exit_code == 0, early.stderr
            assert (
                period_of(ahead.stderr)
                == period_of(early.stderr)
                == ("2026-12-06 period 2026-12-05 07:00 to 2026-12-05 15:00 Asia/Taipei")
            )
            assert "(so far; due 2026-12-06 07:00)" in early.stderr
            stories = re.search(r"(\d+) stories", ahead.stderr)
            assert stories
            assert int(stories[1]) > 0
            assert f"{stories[1]} stories" in early.stderr
            assert len(server.received) == 1
            both = cli("digest", "preview", "daily", "--next", "--date", "2026-12-06")
            assert both.exit_code == 2
        with at(6, 8):  # the period sent early is the one due now: sent, not sent again
            due = cli("digest", "send", "daily")
            assert "2026-12-06" in period_of(due.stderr)
            assert "already sent to every recipient" in due.stderr
            again = cli("digest", "preview", "daily", "--format", "text")
            assert period_of(again.stderr) == period_of(due.stderr)
        assert len(server.received) == 1
    finally:
        server.stop()
