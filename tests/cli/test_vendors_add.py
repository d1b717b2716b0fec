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


def test_names_that_would_break_the_gazetteer_are_refused(cli: Cli) -> None:
    for args, message in (
        (("",), "needs 2 characters"),
        (("Zor\nbix",), "control character"),
        (("Zorbix\x00",), "control character"),
        (("Z" * 201,), "201 characters long"),
        (("Zorbix", "--alias", " "), "needs 2 characters"),
        (("Zorbix", "--alias", "Zor\tbix"), "control character"),
        (("Zorbix", "--alias", "TSMC"), "already names 'TSMC'"),
        (("Zorbix", "--country", "Narnia"), "not a two-letter ISO 3166 code"),
    ):
        refused = cli("vendors", "add", *args, "--kind", "oem")
        assert refused.exit_code == 2, (args, refused.stderr)
        assert message in refused.stderr, (args, refused.stderr)
    # The gazetteer still loads: every command that reads it works.
    assert cli("vendors", "list", "--format", "json").exit_code == 0
    assert cli("vendors", "show", "TSMC", "--format", "json").exit_code == 0


def test_a_vendor_added_can_be_edited_and_removed(cli: Cli) -> None:
    assert cli("fetch").exit_code == 0
    added = cli("vendors", "add", "Lumora Systems", "--kind", "fabless", "--alias", "Lumora")
    assert added.exit_code == 0, added.stderr
    edited = cli(
        "vendors", "edit", "lumora", "--kind", "ems", "--country", "us", "--drop-alias", "LUMORA"
    )
    assert edited.exit_code == 0, edited.stderr
    assert "kind set to 'ems'" in edited.stderr
    assert "alias 'Lumora' dropped" in edited.stderr
    lumora = _vendor(cli, "Lumora Systems")
    assert (lumora["kind"], lumora["country"], lumora["aliases"]) == ("ems", "US", [])
    for args, message in (
        (("Lumora Systems", "--drop-alias", "Lumo"), "not an alias added to 'Lumora Systems'"),
        (("Lumora Systems", "--parent", "Lumora Systems"), "cannot be its own parent"),
        (("Lumora Systems", "--kind", "bakery"), "is not one of"),
        (("TSMC", "--kind", "ems"), "comes from the gazetteer file"),
        (("Nobody Corp", "--kind", "ems"), "is not a known vendor"),
    ):
        refused = cli("vendors", "edit", *args)
        assert refused.exit_code == 2, (args, refused.stderr)
        assert message in refused.stderr, (args, refused.stderr)
    hits = cli("search", "Lumora", "--vendor", "Lumora Systems", "--format", "json")
    assert len(json.loads(hits.stdout)) == 1
    removed = cli("vendors", "remove", "Lumora Systems")
    assert removed.exit_code == 0, removed.stderr
    assert "removed vendor 'Lumora Systems'; re-tagged 1 stored articles" in removed.stderr
    listed = json.loads(cli("vendors", "list", "--format", "json").stdout)
    assert "Lumora Systems" not in {v["name"] for v in listed}
    gone = cli("search", "Lumora", "--vendor", "Lumora Systems", "--format", "json")
    assert json.loads(gone.stdout or "[]") == []
    found = json.loads(cli("search", "Lumora", "--format", "json").stdout)
    assert "Lumora Systems" not in found[0]["vendors"]
    assert cli("vendors", "remove", "TSMC").exit_code == 2
    # The aliases given to a vendor of the file go, the vendor stays.
    assert cli("vendors", "add", "TSMC", "--alias", "Taiwan Semi Co").exit_code == 0
    dropped = cli("vendors", "remove", "TSMC")
    assert dropped.exit_code == 0, dropped.stderr
    assert "Taiwan Semi Co" not in _vendor(cli, "TSMC")["aliases"]  # type: ignore[operator]


def test_a_parent_stays_while_a_vendor_names_it(cli: Cli) -> None:
    assert cli("vendors", "add", "Nordbridge Group", "--kind", "oem").exit_code == 0
    child = cli(
        "vendors", "add", "Nordbridge Optics", "--kind", "optics", "--parent", "Nordbridge Group"
    )
    assert child.exit_code == 0, child.stderr
    refused = cli("vendors", "remove", "Nordbridge Group")
    assert refused.exit_code == 2
    assert "is the parent of 'Nordbridge Optics'" in refused.stderr
    assert cli("vendors", "edit", "Nordbridge Optics", "--parent", "").exit_code == 0
    assert cli("vendors", "remove", "Nordbridge Group").exit_code == 0
    assert cli("vendors", "list", "--format", "json").exit_code == 0
