"""`tracker vendors add`: adding merges into a vendor it already is or refuses, and the
articles already stored are tagged with a new vendor at once (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from tests.conftest import Cli


def _vendor(cli: Cli, name: str) -> dict[str, object]:
    listed = json.loads(cli("vendors", "list", "--format", "json").stdout)
    (found,) = [v for v in listed if v["name"] == name]
    return found


def test_a_new_vendor_is_found_in_stored_articles(backend_cli: Cli) -> None:
    cli = backend_cli
    assert cli("fetch").exit_code == 0
    before = cli("search", "Lumora", "--vendor", "Lumora Systems", "--format", "json")
    assert before.exit_code == 2  # not a vendor yet: a usage error, not an empty answer
    assert (
        "Lumora Systems"
        not in json.loads(cli("search", "Lumora", "--format", "json").stdout)[0]["vendors"]
    )
    added = cli("vendors", "add", "Lumora Systems", "--kind", "fabless", "--country", "us")
    assert added.exit_code == 0, added.stderr
    assert "re-tagged 1 stored articles" in added.stderr
    hits = json.loads(
        cli("search", "Lumora", "--vendor", "Lumora Systems", "--format", "json").stdout
    )
    assert [h["url"].rsplit("/", 1)[-1] for h in hits] == ["samsung-foundry-2nm-win.html"]
    assert "Lumora Systems" in hits[0]["vendors"]
    assert "Samsung Electronics" in hits[0]["vendors"]  # the other findings are kept
    candidates = json.loads(cli("vendors", "candidates", "--format", "json").stdout)
    assert "Lumora Systems" not in {c["name"] for c in candidates}
    # An alias of it: only the articles with the new name are read again.
    alias = cli("vendors", "add", "Lumora Systems", "--alias", "Lumora Inc")
    assert alias.exit_code == 0, alias.stderr
    assert "no stored article contains its names" in alias.stderr


def test_adding_again_merges_and_never_drops(cli: Cli) -> None:
    first = cli(
        "vendors", "add", "Zhenhua Precision", "--kind", "connectors", "--country", "CN",
        "--alias", "Zhenhua Precision Industry",
    )  # fmt: skip
    assert first.exit_code == 0, first.stderr
    again = cli("vendors", "add", "zhenhua precision", "--alias", "ZPI Connectors")
    assert again.exit_code == 0, again.stderr
    zhenhua = _vendor(cli, "Zhenhua Precision")
    assert zhenhua["country"] == "CN"
    assert zhenhua["kind"] == "connectors"
    assert zhenhua["aliases"] == ["Zhenhua Precision Industry", "ZPI Connectors"]
    same = cli("vendors", "add", "Zhenhua Precision", "--alias", "ZPI Connectors")
    assert same.exit_code == 0
    assert "nothing changed" in same.stderr
    # A bundled vendor gains an alias and keeps everything it had.
    tsmc_before = _vendor(cli, "TSMC")
    more = cli("vendors", "add", "TSMC", "--alias", "Taiwan Semi Co")
    assert more.exit_code == 0, more.stderr
    tsmc = _vendor(cli, "TSMC")
    assert tsmc["country"] == tsmc_before["country"] == "TW"
    assert tsmc["aliases"] == [*tsmc_before["aliases"], "Taiwan Semi Co"]  # type: ignore[misc]
    assert tsmc["tickers"] == tsmc_before["tickers"]


def test_adding_refuses_what_would_change_or_take(cli: Cli) -> None:
    for args, message in (
        (("TSMC", "--kind", "ems"), "known with kind 'foundry', not 'ems'"),
        (("TSMC", "--country", "US"), "known with country 'TW', not 'US'"),
        (("台積電", "--kind", "foundry"), "'台積電' already names 'TSMC'"),
        (("Nordbridge", "--kind", "distributor", "--alias", "Foxconn"), "already names"),
        (("  ", "--kind", "oem"), "needs 2 characters"),
        (("Nordbridge",), "is a new vendor: give its --kind"),
    ):
        refused = cli("vendors", "add", *args)
        assert refused.exit_code == 2, (args, refused.stderr)
        assert message in refused.stderr, (args, refused.stderr)
    assert _vendor(cli, "TSMC")["country"] == "TW"
    listed = json.loads(cli("vendors", "list", "--format", "json").stdout)
    assert "Nordbridge" not in {v["name"] for v in listed}
