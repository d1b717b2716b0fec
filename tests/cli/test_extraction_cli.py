"""`tracker eval`, `tracker vendors ...` and `tracker catalog ...` through the CLI; the user's
vendors, candidates and parts are kept on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, Cli, write_config


def fresh(tmp_path: Path, db: str | None = None) -> Cli:
    return Cli(write_config(tmp_path / "c.toml", {}), db or f"sqlite:///{tmp_path / 'x.db'}")


def test_eval_reports_every_field(tmp_path: Path) -> None:
    cli = fresh(tmp_path)
    result = cli("eval", str(FIXTURES / "gold" / "articles.jsonl"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["records"] >= 80
    assert set(report["fields"]) == {
        "vendors", "products", "relations", "event_types", "event_vendors"
    }  # fmt: skip
    assert report["fields"]["vendors"]["f1"] >= 0.95
    assert report["vendor_free_records_with_vendors"] == 0
    assert "foundry" in report["vendor_kinds"]
    table = cli("eval", str(FIXTURES / "gold"), "--worst", "3")
    assert table.exit_code == 0
    assert "vendors by kind" in table.stdout
    assert "worst 3 misses" in table.stdout


def test_eval_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "TSMC"}\nnot json\n', encoding="utf-8")
    result = fresh(tmp_path)("eval", str(bad))
    assert result.exit_code == 1
    assert "bad.jsonl:2: not JSON" in result.stderr


def test_unknown_companies_are_candidates_until_added(tmp_path: Path, db_url: str) -> None:
    cli = fresh(tmp_path, db_url)
    page = tmp_path / "site"
    (page / "feeds").mkdir(parents=True)
    (page / "a.html").write_text(
        "<html><head><title>Plant fire</title></head><body><article><h1>Plant fire</h1>"
        + "<p>A fire at a Zhenhua Precision Industry Co., Ltd. plant in Kunshan halted output of "
        "connectors for Apple and Foxconn on Tuesday, the company said in a filing.</p>"
        * 3
        + "<p>Zhenhua Precision Industry Co., Ltd. expects to resume production next week, "
        "while Foxconn said its iPhone lines were not affected.</p></article></body></html>",
        encoding="utf-8",
    )
    from tracker.devserver import serve_directory

    with serve_directory(page) as url:
        (page / "feeds" / "f.xml").write_text(
            f"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
            <item><title>Plant fire</title><guid>z-1</guid><link>{url}/a.html</link></item>
            </channel></rss>""",
            encoding="utf-8",
        )
        cli = Cli(write_config(tmp_path / "c2.toml", {"t": url + "/feeds/f.xml"}), cli.db)
        assert cli("fetch").exit_code == 0
    listed = json.loads(cli("vendors", "candidates", "--format", "json").stdout)
    (zhenhua,) = [c for c in listed if c["name"].startswith("Zhenhua")]
    assert zhenhua["mentions"] >= 1
    assert any("Kunshan" in e or "resume" in e for e in zhenhua["examples"])
    bad_kind = cli("vendors", "add", "Zhenhua Precision", "--kind", "fab")
    assert bad_kind.exit_code == 2
    added = cli(
        "vendors", "add", "Zhenhua Precision", "--kind", "connectors", "--country", "cn",
        "--alias", "Zhenhua Precision Industry Co., Ltd.",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert "candidate mentions promoted" in added.stderr
    after = json.loads(cli("vendors", "candidates", "--format", "json").stdout)
    assert not [c for c in after if c["name"].startswith("Zhenhua")]
    known = json.loads(cli("vendors", "list", "--kind", "connectors", "--format", "json").stdout)
    assert "Zhenhua Precision" in {v["name"] for v in known}
    text = tmp_path / "note.txt"
    text.write_text("Zhenhua Precision Industry Co., Ltd. ships connectors to Apple.", "utf-8")
    inspected = json.loads(cli("inspect", str(text)).stdout)
    assert "Zhenhua Precision" in {v["name"] for v in inspected[0]["vendors"]}


def test_catalog_list_show_and_import(tmp_path: Path, db_url: str) -> None:
    cli = fresh(tmp_path, db_url)
    listed = json.loads(cli("catalog", "list", "--category", "soc", "--format", "json").stdout)
    assert len(listed) >= 50
    shown = json.loads(cli("catalog", "show", "SM8750", "--format", "json").stdout)
    assert shown["name"].startswith("Snapdragon 8 Elite")
    assert any(m["vendor"] == "TSMC" for m in shown["makers"])
    missing = cli("catalog", "show", "Nonexistent 9000")
    assert missing.exit_code == 2
    parts = tmp_path / "parts.csv"
    parts.write_text(
        "part_number,name,vendor,category,used_in\n"
        "SM8750,Snapdragon 8 Elite (our spec),Qualcomm,soc,Phone X1\n"
        "ZX-100,Zeta power module,Delta Electronics,component,Server R2\n",
        encoding="utf-8",
    )
    imported = cli("catalog", "import", str(parts))
    assert imported.exit_code == 0, imported.stderr
    assert "imported 1 new, 1 updated, 0 unchanged, 0 refused parts" in imported.stderr
    ours = json.loads(cli("catalog", "show", "SM8750", "--format", "json").stdout)
    assert ours["name"] == "Snapdragon 8 Elite (our spec)"
    assert ours["origin"] == "user"
    assert ours["id"] == shown["id"]  # the user's entry replaces the default, same id
    new = json.loads(cli("catalog", "show", "ZX-100", "--format", "json").stdout)
    assert new["vendor"] == "Delta Electronics"
    bad = tmp_path / "bad.csv"
    bad.write_text("part_number,category\nA1,toaster\n", encoding="utf-8")
    refused = cli("catalog", "import", str(bad))
    assert refused.exit_code == 1
    assert "bad.csv:2: category 'toaster'" in refused.stderr
