"""sources, export, init and inspect through the CLI; what the store keeps is checked on SQLite
and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import FIXTURES, ROOT, SITE, Cli, write_config

EXPECTED = json.loads((FIXTURES / "expected" / "articles.json").read_text(encoding="utf-8"))


def test_init_creates_then_reports_up_to_date(tmp_path: Path, db_url: str) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), db_url)
    first = cli("init")
    assert first.exit_code == 0
    assert "created schema" in first.stderr
    second = cli("init")
    assert "up to date" in second.stderr


def test_sources_add_list_remove(tmp_path: Path, db_url: str) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), db_url)
    assert (
        cli(
            "sources", "add", "https://news.example/feed.xml", "--name", "news", "--kind", "feed"
        ).exit_code
        == 0
    )
    assert cli("sources", "add", "https://other.example/rss", "--kind", "feed").exit_code == 0
    dup = cli("sources", "add", "https://news.example/feed.xml", "--kind", "feed")
    assert dup.exit_code == 1
    assert "already the source 'news'" in dup.stderr
    bad = cli("sources", "add", "ftp://x/y")
    assert bad.exit_code == 2
    listed = json.loads(cli("sources", "list", "--format", "json").stdout)
    assert [s["name"] for s in listed] == ["news", "other-example-rss"]
    assert cli("sources", "remove", "news").exit_code == 0
    missing = cli("sources", "remove", "news")
    assert missing.exit_code == 2
    assert "no source named 'news'" in missing.stderr
    as_csv = cli("sources", "list", "--format", "csv").stdout
    assert [r["name"] for r in csv.DictReader(io.StringIO(as_csv))] == ["other-example-rss"]


def test_opml_round_trip(tmp_path: Path, db_url: str) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        """<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
        <outline text="Chips"><outline text="Fab Ledger" xmlUrl="https://fab.example/rss"/>
        <outline title="Wire" xmlUrl="https://wire.example/atom" htmlUrl="https://wire.example/"/>
        <outline text="Bad" xmlUrl="file:///etc/passwd"/></outline></body></opml>""",
        encoding="utf-8",
    )
    cli = Cli(write_config(tmp_path / "c.toml", {}), db_url)
    result = cli("sources", "import-opml", str(opml))
    assert result.exit_code == 0
    assert "imported 2 sources" in result.stderr
    again = cli("sources", "import-opml", str(opml))
    assert "imported 0 sources" in again.stderr
    exported = cli("sources", "export-opml").stdout
    assert 'xmlUrl="https://fab.example/rss"' in exported
    assert 'xmlUrl="https://wire.example/atom"' in exported
    bomb = tmp_path / "bomb.opml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<opml><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>',
        encoding="utf-8",
    )
    refused = cli("sources", "import-opml", str(bomb))
    assert refused.exit_code == 1
    assert "not a readable OPML" in refused.stderr


def test_export_articles_jsonl_and_csv(cli: Cli) -> None:
    assert cli("fetch").exit_code == 0
    lines = cli("export", "articles").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len(EXPECTED)
    keys = {"id", "url", "title", "sources", "published_at", "fetched_at", "vendors", "products",
            "relations", "events"}  # fmt: skip
    assert all(keys <= set(r) for r in records)
    assert all(r["published_at"].endswith("Z") for r in records if r["published_at"])
    seed = next(r for r in records if "openai-taps-apple-suppliers" in r["url"])
    assert len(seed["sources"]) == 2
    as_csv = list(csv.DictReader(io.StringIO(cli("export", "articles", "--format", "csv").stdout)))
    assert len(as_csv) == len(records)
    recent = cli("export", "articles", "--since", "2099-01-01").stdout
    assert recent == ""


def test_inspect_a_whole_folder(cli: Cli) -> None:
    folder = SITE / "articles"
    result = cli("inspect", str(folder), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    pages = sorted(folder.glob("*.html"))
    assert [r["input"] for r in records] == [str(p) for p in pages]
    for record in records:
        assert set(record) == {"input", "title", "published", "text", "vendors", "products",
                               "relations", "events", "candidates", "note"}  # fmt: skip
        assert record["note"] is None  # nothing cut, no budget spent
        for vendor in record["vendors"]:
            assert vendor["matched"]
            assert vendor["evidence"]
            assert all(any(m in e for m in vendor["matched"]) for e in vendor["evidence"])
    seed = next(r for r in records if r["input"].endswith("openai-taps-apple-suppliers.html"))
    names = {v["name"] for v in seed["vendors"]}
    assert {"OpenAI", "Apple", "MediaTek", "Qualcomm", "Luxshare"} <= names


def test_inspect_text_files_json_and_table(tmp_path: Path, cli: Cli) -> None:
    text = tmp_path / "note.txt"
    text.write_text("Luxshare Precision will assemble the device. 台積電 makes the chip.", "utf-8")
    result = cli("inspect", str(text), "--format", "json")
    assert result.exit_code == 0
    (record,) = json.loads(result.stdout)
    assert {v["name"] for v in record["vendors"]} == {"Luxshare", "TSMC"}
    table = cli("inspect", str(text), "--format", "table")
    assert "Luxshare" in table.stdout
    missing = cli("inspect", str(tmp_path / "nope.html"))
    assert missing.exit_code == 2


def test_python_dash_m_and_help_run() -> None:
    import subprocess
    import sys

    for args in (["--help"], ["search", "--help"], ["sources", "--help"], ["inspect", "--help"]):
        done = subprocess.run(
            [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        assert "Usage" in done.stdout
