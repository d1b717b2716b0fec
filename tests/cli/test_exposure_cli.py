"""`tracker exposure`, `tracker vendors show` and `tracker graph export` on the sample site,
fetched through the CLI from a real server on 127.0.0.1 into a real SQLite file and a real
PostgreSQL database."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BACKENDS, FEEDS, ROOT, Cli, database, write_config

AS_OF = "2026-11-26T00:00:00Z"  # the sample site's stories are from November 2026
WATCHLISTS = """
[[watchlists]]
name = "phones"
vendors = ["Luxshare", "BOE", "murata"]
products = ["Snapdragon 8 Elite"]
"""


@pytest.fixture(scope="module", params=BACKENDS)
def filled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, site_url: str
) -> Iterator[Cli]:
    """The CLI over a database holding the fetched sample site (fetched once per module and
    backend)."""
    folder = tmp_path_factory.mktemp("exposure")
    config = write_config(
        folder / "tracker.toml", {name: site_url + path for name, path in FEEDS.items()}
    )
    config.write_text(config.read_text(encoding="utf-8") + WATCHLISTS, encoding="utf-8")
    with database(request.param, folder) as url:
        cli = Cli(config, url)
        result = cli("fetch", "--format", "json")
        assert result.exit_code == 0, result.output
        yield cli


def answer(cli: Cli, *args: str, as_of: str = AS_OF) -> dict[str, Any]:
    result = cli("exposure", *args, "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    record: dict[str, Any] = json.loads(result.stdout)
    return record


def rows_by_name(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in record["rows"]}


def test_apples_suppliers_declared_and_reported(filled: Cli) -> None:
    record = answer(filled, "--customer", "apple")
    assert record["question"] == "customer"
    assert record["subject"]["name"] == "Apple"
    assert record["as_of"] == AS_OF
    rows = rows_by_name(record)
    assert rows["Luxshare"]["link"] == "both"  # the catalog's assembler, and in the news
    assert rows["MediaTek"]["link"] == "reported"
    assert rows["TSMC"]["link"] == "declared"
    assert all(row["path"] == ["Apple", row["name"]] for row in record["rows"])
    luxshare = rows["Luxshare"]
    reported = luxshare["edge"]["reported"]
    assert reported["articles"] == 2
    assert reported["sources"] == 3  # the OpenAI story is carried by two feeds
    assert reported["status"] == "confirmed"
    assert luxshare["edge"]["declared"][0]["origin"] == "catalog"
    relation = next(e for e in luxshare["evidence"] if e["kind"] == "relation")
    assert "Luxshare" in relation["sentence"]
    assert relation["url"].startswith("http://127.0.0.1:")
    assert relation["url"].endswith("/articles/openai-taps-apple-suppliers.html")
    assert relation["at"].endswith("Z")
    assert luxshare["score"] > 0
    assert "reported in 2 articles from 3 sources" in luxshare["explanation"]
    scores = [row["score"] for row in record["rows"]]
    assert scores == sorted(scores, reverse=True)
    tsmc = rows["TSMC"]
    assert next(iter(tsmc["events"])) == "disruption"  # the earthquake: most urgent first
    assert tsmc["explanation"].startswith("1 disruption (Magnitude 6.4 earthquake")


def test_tier_two_shows_the_path(filled: Cli) -> None:
    record = answer(filled, "--customer", "Apple", "--tier", "2")
    rows = rows_by_name(record)
    amkor = rows["Amkor"]
    assert amkor["tier"] == 2
    assert amkor["path"] == ["Apple", "TSMC", "Amkor"]
    assert amkor["path_text"] == "Apple <- TSMC <- Amkor"
    assert amkor["link"] == "both"  # declared CoWoS packaging, and reported (planned)
    assert "tier 2: supplies TSMC, a supplier of Apple" in amkor["explanation"]
    assert {row["name"] for row in record["rows"] if row["tier"] == 1} == set(
        rows_by_name(answer(filled, "--customer", "Apple"))
    )


def test_a_relation_denied_at_the_time_is_not_current(filled: Cli) -> None:
    # On 5 November a story says Apple is replacing Qualcomm modems; on 18 November another
    # calls Qualcomm an Apple supplier again. In between, the news says the link ended.
    before = answer(filled, "--customer", "Apple", "--since", "30d", as_of="2026-11-10")
    qualcomm = rows_by_name(before)["Qualcomm"]
    assert qualcomm["edge"]["reported"]["status"] == "negated"
    assert qualcomm["edge"]["reported"]["is_current"] is False
    assert qualcomm["link"] == "both"  # still declared by the catalog (iPhone modems)
    assert "says it ended or was denied" in qualcomm["explanation"]
    after = rows_by_name(answer(filled, "--customer", "Apple"))["Qualcomm"]
    assert after["edge"]["reported"]["status"] == "confirmed"
    assert after["edge"]["reported"]["is_current"] is True


def test_who_depends_on_luxshare(filled: Cli) -> None:
    record = answer(filled, "--supplier", "立讯精密")
    assert record["subject"]["name"] == "Luxshare"
    assert record["subject"]["explanation"]
    rows = rows_by_name(record)
    assert set(rows) == {"Apple", "OpenAI"}
    assert rows["Apple"]["path_text"] == "Luxshare -> Apple"
    assert "iPhone 16" in rows["Apple"]["via"]
    assert rows["OpenAI"]["link"] == "reported"


def test_a_product_by_part_number(filled: Cli) -> None:
    record = answer(filled, "--product", "SM8750")
    assert record["subject"]["name"] == "Snapdragon 8 Elite"
    assert record["subject"]["id"] == "qualcomm-snapdragon-8-elite"
    assert record["subject"]["mentions"] >= 1
    assert record["subject"]["evidence"]
    rows = rows_by_name(record)
    assert rows["Qualcomm"]["role"] == "vendor"
    assert rows["TSMC"]["path"] == ["Snapdragon 8 Elite", "TSMC (foundry: TSMC N3E)"]


def test_a_watchlist_and_a_parts_list_ranked(filled: Cli, tmp_path: Path) -> None:
    record = answer(filled, "--watchlist", "Phones")
    names = [row["name"] for row in record["rows"]]
    assert set(names) == {"Luxshare", "BOE", "Murata", "Snapdragon 8 Elite"}
    scores = [row["score"] for row in record["rows"]]
    assert scores == sorted(scores, reverse=True)
    parts = tmp_path / "parts.csv"
    parts.write_text(
        "part_number,name,vendor,category,used_in\n"
        "SM8750,,Qualcomm,soc,\n"
        "GRM188,MLCC 0603,Murata,component,\n"
        "X-1,Widget,Nobody Inc,component,\n",
        encoding="utf-8",
    )
    result = filled("exposure", "--parts", str(parts), "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["rank"] for r in rows] == ["1", "2", "3"]
    by_name = {r["name"]: r for r in rows}
    assert by_name["SM8750"]["kind"] == "part"
    assert "most exposed through" in by_name["SM8750"]["explanation"]
    assert "Nobody Inc" in result.stderr  # an unknown vendor is a note, not a failure


def test_unknown_names_are_usage_errors_with_a_suggestion(filled: Cli) -> None:
    for args, expected in (
        (
            ["--customer", "Aple"],
            "exposure --customer: no company named 'Aple' (did you mean 'Apple'?)",
        ),
        (["--product", "Snapdragon 8 Elit"], "did you mean 'Snapdragon 8 Elite'?"),
        (["--watchlist", "phone"], "no watchlist named 'phone' (did you mean 'phones'?)"),
        (["--customer", "Apple", "--supplier", "TSMC"], "ask one question"),
        (["--watchlist", "phones", "--tier", "2"], "--tier applies to"),
    ):
        result = filled("exposure", *args)
        assert result.exit_code == 2, result.output
        assert expected in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    bad = filled("vendors", "show", "Luxshar")
    assert bad.exit_code == 2
    assert "did you mean 'Luxshare'?" in bad.stderr


def test_the_table_shows_local_times_and_the_evidence(filled: Cli) -> None:
    result = filled("exposure", "--customer", "Apple", "--as-of", AS_OF, "--limit", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Apple: " in out
    assert "top 3 of" in out
    assert "Latest evidence" in out
    assert "UTC" in out  # the test config's [display] timezone
    assert "/articles/" in out


def test_vendors_show(filled: Cli) -> None:
    result = filled("vendors", "show", "luxshare", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    profile = json.loads(result.stdout)
    assert profile["name"] == "Luxshare"
    assert "立讯精密" in profile["aliases"]
    assert (profile["kind"], profile["country"]) == ("ems", "CN")
    customers = {c["name"]: c for c in profile["customers"]}
    assert customers["Apple"]["declared"] > 0
    assert customers["Apple"]["reported_articles"] == 2
    assert customers["OpenAI"]["declared"] == 0
    assert len(profile["mentions_per_week"]) == 8
    assert sum(w["articles"] for w in profile["mentions_per_week"]) >= 2
    assert profile["recent_events"]
    table = filled("vendors", "show", "Foxconn", "--as-of", AS_OF)
    assert table.exit_code == 0, table.output
    assert "subsidiaries: " in table.stdout
    assert "Foxconn Industrial Internet" in table.stdout
    as_csv = filled("vendors", "show", "Luxshare", "--as-of", AS_OF, "--format", "csv")
    directions = {r["direction"] for r in csv.DictReader(io.StringIO(as_csv.stdout))}
    assert directions == {"customer"}


def test_graph_export_graphml_and_json(filled: Cli, tmp_path: Path) -> None:
    target = tmp_path / "graph.graphml"
    result = filled("graph", "export", "--output", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "links" in result.stderr
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(target).getroot()
    keys = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", ns)}
    graph = root.find("g:graph", ns)
    assert graph is not None
    edges = {}
    for edge in graph.findall("g:edge", ns):
        data = {keys[d.get("key")]: d.text for d in edge.findall("g:data", ns)}
        edges[(edge.get("source"), edge.get("target"))] = data
    assert edges[("Luxshare", "Apple")]["kind"] == "both"
    assert edges[("Luxshare", "Apple")]["reported_articles"] == "2"
    assert edges[("MediaTek", "OpenAI")]["kind"] == "reported"
    assert edges[("TSMC", "Apple")]["kind"] == "declared"
    node_ids = {n.get("id") for n in graph.findall("g:node", ns)}
    assert {s for s, _ in edges} | {t for _, t in edges} <= node_ids
    as_json = filled("graph", "export", "--format", "json", "--as-of", AS_OF)
    data = json.loads(as_json.stdout)
    assert data["directed"] is True
    links = {(link["source"], link["target"]): link for link in data["links"]}
    assert links[("Luxshare", "Apple")]["last_seen"].endswith("Z")
    assert len(links) == len(edges)


def test_the_readme_documents_the_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for heading in ("### `tracker exposure", "### `tracker graph export", "$ tracker vendors show"):
        assert heading in readme


def test_the_fetch_leaves_the_link_summary_up_to_date(filled: Cli) -> None:
    """`tracker fetch` refreshes the link summary after its run (migration 0022): no link is
    left noted as changed, and the summary holds every reported link."""
    from sqlalchemy import create_engine, text

    engine = create_engine(filled.db)
    try:
        with engine.connect() as conn:
            noted = conn.execute(text("SELECT count(*) FROM relation_link_dirty")).scalar_one()
            links = conn.execute(
                text("SELECT count(DISTINCT supplier || '>' || customer) FROM relation")
            ).scalar_one()
            summary = conn.execute(
                text("SELECT count(DISTINCT supplier || '>' || customer) FROM relation_link")
            ).scalar_one()
    finally:
        engine.dispose()
    assert noted == 0
    assert links > 0
    assert summary == links
