"""Names are resolved one way everywhere (aliases, case, width, punctuation), and an unknown
one is a usage error, exit code 2, with the closest known name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli, write_config


@pytest.fixture
def with_sources(tmp_path: Path) -> Cli:
    """A database with two sources (never fetched)."""
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{tmp_path / 'names.db'}")
    for name in ("fabledger", "supplyline"):
        url = f"https://{name}.example/feed.xml"
        assert cli("sources", "add", url, "--name", name, "--kind", "feed").exit_code == 0
    return cli


@pytest.mark.parametrize(
    "args",
    [
        ["sources", "remove", "nosuch"],
        ["sources", "set", "nosuch", "--disable"],
        ["sources", "set", "nosuch", "--selector", "a.story"],
        ["sources", "set", "nosuch", "--accept-layout"],
        ["sources", "test", "nosuch"],
        ["fetch", "--source", "nosuch"],
    ],
    ids=" ".join,
)
def test_an_unknown_source_is_exit_2_everywhere(with_sources: Cli, args: list[str]) -> None:
    result = with_sources(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "no source named 'nosuch' (known: fabledger, supplyline)" in result.stderr


def test_a_near_miss_gets_the_closest_source(with_sources: Cli) -> None:
    result = with_sources("sources", "remove", "fabledgr")
    assert result.exit_code == 2
    assert "sources remove: no source named 'fabledgr' (did you mean 'fabledger'?)" in (
        result.stderr
    )
    listed = json.loads(with_sources("sources", "list", "--format", "json").stdout)
    assert [s["name"] for s in listed] == ["fabledger", "supplyline"]  # nothing removed


def test_a_source_in_another_case_is_that_source(with_sources: Cli) -> None:
    assert with_sources("sources", "set", "FabLedger", "--disable").exit_code == 0
    listed = json.loads(with_sources("sources", "list", "--format", "json").stdout)
    assert [s["enabled"] for s in listed] == [False, True]
    removed = with_sources("sources", "remove", "SUPPLYLINE")
    assert removed.exit_code == 0
    assert "removed source 'supplyline'" in removed.stderr


def test_vendors_show_takes_aliases_and_suggests(with_sources: Cli) -> None:
    shown = with_sources("vendors", "show", "鴻海", "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["name"] == "Foxconn"
    assert json.loads(with_sources("vendors", "show", "ｔｓｍｃ", "--format", "json").stdout)[
        "name"
    ] == ("TSMC")
    near = with_sources("vendors", "show", "Luxshre")
    assert near.exit_code == 2
    assert "vendors show: no company named 'Luxshre' (did you mean 'Luxshare'?)" in near.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["catalog", "show", "Snapdragon 8 Elit"], "(did you mean 'Snapdragon 8 Elite'?)"),
        (["catalog", "list", "--vendor", "Qualcom"], "(did you mean 'Qualcomm'?)"),
        (["catalog", "list", "--category", "gpus"], "'gpus' is not one of"),
        (["vendors", "list", "--kind", "fab"], "vendors list --kind: 'fab' is not one of"),
        (["digest", "status", "daily"], "no digest named 'daily'"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_other_unknown_names_are_exit_2(with_sources: Cli, args: list[str], message: str) -> None:
    result = with_sources(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_catalog_list_vendor_takes_an_alias(with_sources: Cli) -> None:
    by_alias = with_sources("catalog", "list", "--vendor", "Samsung", "--format", "json")
    by_name = with_sources("catalog", "list", "--vendor", "Samsung Electronics", "--format", "json")
    assert by_alias.exit_code == 0
    assert json.loads(by_name.stdout)
    assert json.loads(by_alias.stdout) == json.loads(by_name.stdout)
