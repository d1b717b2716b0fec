"""What every command shares: --version, help without placeholders on flags, CSV headers,
and tables that fit 80 columns without cutting words."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import Cli, write_config
from tracker.cli.output import fit_widths, make_table


def test_version(tmp_path: Path) -> None:
    result = Cli(write_config(tmp_path / "c.toml", {}), "sqlite:///unused.db")("--version")
    assert result.exit_code == 0
    assert re.fullmatch(r"tracker \d+\.\d+\.\d+\S*\n", result.stdout)
    assert not (tmp_path / "unused.db").exists()


@pytest.mark.parametrize(
    "command",
    [(), ("fetch",), ("sources", "set"), ("sources", "add"), ("search",), ("vendors", "add")],
)
def test_flags_show_no_type_placeholder(tmp_path: Path, command: tuple[str, ...]) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), "sqlite:///unused.db")
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "--help" in result.stdout
    assert "<bool>" not in result.stdout


def test_completion_is_offered_and_completes(tmp_path: Path) -> None:
    result = Cli(write_config(tmp_path / "c.toml", {}), "sqlite:///unused.db")("--help")
    assert "--install-completion" in result.stdout
    for words, expected in (
        ("tracker sou", ["sources"]),
        ("tracker search --format ", ["table", "json", "jsonl", "csv"]),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "tracker"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={
                "PATH": "/usr/bin:/bin",
                "_TRACKER_COMPLETE": "complete_bash",
                "COMP_WORDS": words,
                "COMP_CWORD": str(len(words.split(" ")) - 1),
            },
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == expected


def test_an_empty_csv_still_has_its_header(tmp_path: Path) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{tmp_path / 'x.db'}")
    assert cli("init").exit_code == 0
    sources = cli("sources", "list", "--format", "csv")
    assert sources.exit_code == 0
    assert sources.stdout.splitlines()[0].startswith("name,kind,url,")
    outbox = cli("digest", "status", "--format", "csv")
    assert outbox.stdout.splitlines() == ["digest,period,recipient,state,attempts,last_error,"
                                          "next_retry,sent_at"]  # fmt: skip


ROWS = [
    {
        "name": "componentwire",
        "kind": "feed",
        "url": "http://127.0.0.1:46015/feeds/componentwire-with-a-long-path.atom",
        "articles": 10,
        "last_success_at": datetime(2026, 12, 6, 12, 1, tzinfo=UTC),
        "error_count": 0,
        "last_error": "timed out after 20 s reading the body of the response",
    },
    {
        "name": "tradedesk-top",
        "kind": "page",
        "url": "http://127.0.0.1:46015/index.html",
        "articles": 6,
        "last_success_at": None,
        "error_count": 12,
        "last_error": None,
    },
]
COLUMNS = ["name", "kind", "url", "articles", "last_success_at", "error_count", "last_error"]


def rendered(rows: list[dict[str, object]], columns: list[str], width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None)
    console.print(make_table(rows, columns, width=width, tz=UTC))
    return out.getvalue()


def test_a_table_at_80_columns_wraps_between_words() -> None:
    text = rendered(ROWS, COLUMNS, 80)  # type: ignore[arg-type]
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    cells = [re.split("[│┃]", line) for line in lines if line[0] in "│┃"]
    words = {w for row in cells for cell in row for w in cell.split()}
    for row in ROWS:
        for column in ("name", "kind", "last_error"):
            for word in str(row[column] or "").split():
                assert word in words, (word, text)
    assert {"2026-12-06", "12:01", "UTC"} <= words
    assert {"last", "success", "error", "count"} <= words  # the headers' words too


def test_fit_widths() -> None:
    assert fit_widths([3, 4], [5, 6], 20) == [5, 6]  # everything fits
    widths = fit_widths([4, 4, 10], [4, 40, 60], 40)
    assert sum(widths) == 40
    assert widths[0] == 4  # a column that lacks nothing gets nothing more
    assert widths[2] > widths[1] >= 4
    tight = fit_widths([10, 10, 30], [10, 10, 30], 30)  # words that cannot fit: widest cut
    assert sum(tight) == 30
    assert tight[:2] == [10, 10]
