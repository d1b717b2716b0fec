"""`tracker sources set NAME --url`: a source moves to a new address and keeps its articles;
what was learnt at the old address (validators, failures, backoff) is forgotten."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, query, write_config
from tracker.devserver import serve_directory


def test_a_source_moves_to_a_new_url_and_keeps_its_articles(
    tmp_path: Path, site_url: str, db_url: str
) -> None:
    cli = Cli(write_config(tmp_path / "c.toml", {}), db_url)
    dead = "http://127.0.0.1:9/feeds/fabledger.xml"  # the discard port: nothing listens
    assert cli("sources", "add", dead, "--name", "fab", "--kind", "feed").exit_code == 0
    assert cli("sources", "add", site_url + "/feeds/supplyline.json", "--name", "sup",
               "--kind", "feed").exit_code == 0  # fmt: skip
    failed = cli("fetch", "--source", "fab")
    assert failed.exit_code == 3
    moved = cli("sources", "set", "fab", "--url", site_url + "/feeds/fabledger.xml")
    assert moved.exit_code == 0, moved.stderr
    assert "now fetched from" in moved.stderr
    (row,) = query(db_url, "SELECT error_count, next_attempt_at, last_error FROM source "
                   "WHERE name = 'fab'")  # fmt: skip
    assert row == (0, None, None)
    fetched = cli("fetch", "--format", "json")  # due at once: no backoff left
    assert fetched.exit_code == 0, fetched.stderr
    stored = json.loads(cli("sources", "list", "--format", "json").stdout)
    fab = next(s for s in stored if s["name"] == "fab")
    assert fab["articles"] >= 10
    assert fab["url"] == site_url + "/feeds/fabledger.xml"
    ((validator,),) = query(db_url, "SELECT last_modified FROM source WHERE name = 'fab'")
    assert validator  # the sample server sends Last-Modified
    # The same feed served elsewhere: its articles stay, its validators go.
    with serve_directory(Path(__file__).resolve().parents[2] / "fixtures" / "site") as other:
        again = cli("sources", "set", "fab", "--url", other + "/feeds/fabledger.xml")
        assert again.exit_code == 0, again.stderr
        assert query(db_url, "SELECT etag, last_modified FROM source WHERE name = 'fab'") == [
            (None, None)
        ]
        stored = json.loads(cli("sources", "list", "--format", "json").stdout)
        assert next(s for s in stored if s["name"] == "fab")["articles"] == fab["articles"]
    bad = cli("sources", "set", "fab", "--url", "ftp://example.com/feed")
    assert bad.exit_code == 2
    taken = cli("sources", "set", "fab", "--url", site_url + "/feeds/supplyline.json")
    assert taken.exit_code == 1
    assert "is already the source 'sup'" in taken.stderr
