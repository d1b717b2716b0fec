"""The same product on PostgreSQL: migrations, fetch, search, export, and `db copy`.

PostgreSQL runs at 127.0.0.1:5432 (user postgres, trust auth) on developer machines and
in CI, where .ci/run starts it. A missing server fails these tests under CI; elsewhere
they are skipped with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FEEDS, Cli, write_config


def _config(tmp_path: Path, site_url: str) -> Path:
    return write_config(
        tmp_path / "c.toml", {name: site_url + path for name, path in FEEDS.items()}
    )


def _ids_and_titles(cli: Cli, *args: str) -> list[str]:
    result = cli("search", *args, "--format", "json", "--limit", "50")
    assert result.exit_code == 0, result.output
    return sorted(h["title"] for h in json.loads(result.stdout))


@pytest.mark.slow
def test_fetch_search_and_export_match_sqlite(tmp_path: Path, site_url: str, pg_url: str) -> None:
    config = _config(tmp_path, site_url)
    pg = Cli(config, pg_url)
    lite = Cli(config, f"sqlite:///{tmp_path / 'same.db'}")
    for cli in (pg, lite):
        result = cli("fetch", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["new_articles"] > 20
    for query in (
        ["Luxshare"],
        ["HBM*"],
        ["TSMC OR Samsung", "--vendor", "Nvidia"],
        ['"people familiar with the matter"'],
        ["CoWoS -AMD"],
        ["Luxshare", "--source", "supplyline"],
    ):
        assert _ids_and_titles(pg, *query) == _ids_and_titles(lite, *query), query
    hits = json.loads(pg("search", "CoWoS", "--format", "json").stdout)
    assert hits
    assert all("**" in h["snippet"] for h in hits)
    bad = pg("search", '"unclosed')
    assert bad.exit_code == 2
    assert bad.stdout == ""
    exported = [json.loads(line) for line in pg("export", "articles").stdout.splitlines()]
    assert len(exported) == len(lite("export", "articles").stdout.splitlines())
    again = json.loads(pg("fetch", "--format", "json").stdout)
    assert again["new_articles"] == 0


@pytest.mark.slow
def test_db_copy_round_trip(tmp_path: Path, site_url: str, pg_url: str) -> None:
    config = _config(tmp_path, site_url)
    original = f"sqlite:///{tmp_path / 'original.db'}"
    assert Cli(config, original)("fetch").exit_code == 0
    to_pg = Cli(config, original)(
        "db", "copy", "--from", original, "--to", pg_url, "--format", "json"
    )
    assert to_pg.exit_code == 0, to_pg.output
    counts = {row["table"]: row for row in json.loads(to_pg.stdout)}
    assert counts["article"]["source_rows"] == counts["article"]["target_rows"] > 20
    assert all(row["complete"] for row in counts.values())
    # the vendor lists come along: a vendor-filtered search finds the same articles
    for vendor in ("TSMC", "Apple"):
        assert _ids_and_titles(Cli(config, pg_url), "capacity", "--vendor", vendor) == (
            _ids_and_titles(Cli(config, original), "capacity", "--vendor", vendor)
        )
    assert _ids_and_titles(Cli(config, pg_url), "capacity", "--vendor", "TSMC")
    again = Cli(config, original)("db", "copy", "--from", original, "--to", pg_url)
    assert again.exit_code == 1
    assert "already holds rows" in again.stderr
    back = f"sqlite:///{tmp_path / 'back.db'}"
    assert Cli(config, back)("db", "copy", "--from", pg_url, "--to", back).exit_code == 0
    assert _ids_and_titles(Cli(config, back), "Luxshare") == _ids_and_titles(
        Cli(config, original), "Luxshare"
    )
    # New rows after the copy get fresh ids on PostgreSQL (sequences moved past the copy).
    added = Cli(config, pg_url)(
        "sources", "add", "https://example.com/new.xml", "--kind", "feed", "--name", "n"
    )
    assert added.exit_code == 0, added.stderr
