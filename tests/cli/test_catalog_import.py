"""`tracker catalog import`: true counts, a row never erases what the catalog knows, and a
dry run that shows the changes and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, write_config

HEADER = "part_number,name,vendor,category,used_in\n"


def fresh(tmp_path: Path) -> Cli:
    return Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{tmp_path / 'x.db'}")


def entry(cli: Cli, key: str) -> dict[str, object]:
    shown = cli("catalog", "show", key, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    return json.loads(shown.stdout)  # type: ignore[no-any-return]


def test_a_row_shadowing_a_bundled_entry_updates_it_and_loses_nothing(tmp_path: Path) -> None:
    cli = fresh(tmp_path)
    bundled = entry(cli, "SM8750")
    assert bundled["used_in"]
    assert bundled["short_names"]
    parts = tmp_path / "parts.csv"
    parts.write_text(
        HEADER + "SM8750,Snapdragon 8 Elite,Qualcomm,soc,\n"
        "ZX-100,Zeta power module,Delta Electronics,component,Server R2\n"
        "ZX-200,Zeta fan tray,Delta Electronics,component,\n",
        encoding="utf-8",
    )
    dry = cli("catalog", "import", str(parts), "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.stderr
    planned = {c["part_number"]: c for c in json.loads(dry.stdout)}
    assert {k: c["action"] for k, c in planned.items()} == {
        "SM8750": "updated", "ZX-100": "new", "ZX-200": "new"
    }  # fmt: skip
    assert planned["SM8750"]["entry"] == bundled["id"]
    assert "would import 2 new, 1 updated, 0 unchanged, 0 refused" in dry.stderr
    assert "nothing written" in dry.stderr
    assert entry(cli, "SM8750")["origin"] == "catalog"  # the dry run wrote nothing
    assert cli("catalog", "show", "ZX-100").exit_code == 2

    imported = cli("catalog", "import", str(parts))
    assert imported.exit_code == 0, imported.stderr
    assert "imported 2 new, 1 updated, 0 unchanged, 0 refused parts" in imported.stderr
    after = entry(cli, "SM8750")
    for kept in ("id", "name", "used_in", "short_names", "aliases", "makers", "family"):
        assert after[kept] == bundled[kept], kept
    assert after["origin"] == "user"

    again = cli("catalog", "import", str(parts))
    assert "imported 0 new, 0 updated, 3 unchanged, 0 refused parts" in again.stderr


def test_blank_fields_keep_values_and_lists_are_joined(tmp_path: Path) -> None:
    cli = fresh(tmp_path)
    bundled = entry(cli, "SM8750")
    first = tmp_path / "first.csv"
    first.write_text(HEADER + "SM8750,Snapdragon 8 Elite (our spec),,,Phone X1\n", "utf-8")
    dry = cli("catalog", "import", str(first), "--dry-run", "--format", "json")
    (change,) = json.loads(dry.stdout)
    assert change["action"] == "updated"
    assert "name: 'Snapdragon 8 Elite' -> 'Snapdragon 8 Elite (our spec)'" in change["changes"]
    assert "used_in: + Phone X1" in change["changes"]
    assert cli("catalog", "import", str(first)).exit_code == 0
    second = tmp_path / "second.csv"
    second.write_text(HEADER + "SM8750,,,,Phone X2\n", "utf-8")
    assert "0 new, 1 updated" in cli("catalog", "import", str(second)).stderr
    ours = entry(cli, "SM8750")
    assert ours["name"] == "Snapdragon 8 Elite (our spec)"
    assert ours["vendor"] == "Qualcomm"
    assert ours["category"] == "soc"
    assert ours["used_in"] == [*bundled["used_in"], "Phone X1", "Phone X2"]  # type: ignore[misc]
    assert "Snapdragon 8 Elite" in ours["aliases"]  # the old name still finds it
    assert entry(cli, "Snapdragon 8 Elite")["id"] == bundled["id"]


def test_conflicting_rows_are_refused_the_others_imported(tmp_path: Path) -> None:
    cli = fresh(tmp_path)
    parts = tmp_path / "parts.csv"
    parts.write_text(
        HEADER + "SM8850,Snapdragon 8 Elite,Qualcomm,soc,\n"
        "QQ-1,Mystery part,,,\n"
        "ZX-100,Zeta power module,Delta Electronics,component,\n",
        encoding="utf-8",
    )
    result = cli("catalog", "import", str(parts))
    assert result.exit_code == 1
    assert "parts.csv:2: SM8850: SM8850 is a part number of" in result.stderr
    assert "parts.csv:3: QQ-1: a new part needs a category" in result.stderr
    assert "imported 1 new, 0 updated, 0 unchanged, 2 refused parts" in result.stderr
    assert entry(cli, "SM8850")["name"] == "Snapdragon 8 Elite Gen 5"
    assert entry(cli, "ZX-100")["origin"] == "user"
