"""Reading a store filled by a real fetch, on SQLite (FTS5) and PostgreSQL: `tracker search`
(its names resolved as everywhere), `tracker show` and `tracker export articles`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import Result

from tests.conftest import BACKENDS, FEEDS, Cli, database, write_config
from tracker.cli.app import app

SEED = "openai-taps-apple-suppliers"
VIETNAM = "luxshare-vietnam-expansion"


@pytest.fixture(scope="module", params=BACKENDS)
def filled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, site_url: str
) -> Iterator[Cli]:
    """The sample site fetched once per backend; the searches only read it."""
    folder = tmp_path_factory.mktemp("search")
    config = write_config(
        folder / "tracker.toml", {name: site_url + path for name, path in FEEDS.items()}
    )
    with database(request.param, folder) as url:
        cli = Cli(config, url)
        result = cli("fetch")
        assert result.exit_code == 0, result.output
        yield cli


def search_json(cli: Cli, *args: str) -> list[dict[str, object]]:
    result = cli("search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_search_ranks_and_highlights(filled: Cli) -> None:
    hits = search_json(filled, "Luxshare")
    assert hits
    assert any(SEED in str(h["url"]) for h in hits)
    for hit in hits:
        assert "**Luxshare**" in str(hit["snippet"]) or "**" in str(hit["snippet"])
        assert "Luxshare" in hit["vendors"]  # type: ignore[operator]
    scores = [float(h["score"]) for h in hits]  # type: ignore[arg-type]
    assert scores == sorted(scores, reverse=True)


def test_search_filters(filled: Cli) -> None:
    all_hbm = search_json(filled, "HBM*")
    assert all_hbm
    micron_only = search_json(filled, "HBM*", "--vendor", "SK hynix")
    assert micron_only
    assert {h["id"] for h in micron_only} <= {h["id"] for h in all_hbm}
    assert all("SK hynix" in h["vendors"] for h in micron_only)  # type: ignore[operator]
    by_source = search_json(filled, "Luxshare", "--source", "supplyline")
    assert all("supplyline" in h["sources"] for h in by_source)  # type: ignore[operator]
    assert search_json(filled, "Luxshare", "--since", "2099-01-01") == []
    assert search_json(filled, "Luxshare", "--until", "2000-01-01") == []
    assert len(search_json(filled, "the", "--limit", "2")) == 2


def test_search_boolean_syntax(filled: Cli) -> None:
    either = {h["id"] for h in search_json(filled, "Luxshare OR Foxconn", "--limit", "100")}
    lux = {h["id"] for h in search_json(filled, "Luxshare", "--limit", "100")}
    no_fox = {h["id"] for h in search_json(filled, "Luxshare -Foxconn", "--limit", "100")}
    assert lux <= either
    assert no_fox <= lux
    phrase = search_json(filled, '"people familiar with the matter"')
    assert any(SEED in str(h["url"]) for h in phrase)


def test_search_csv_and_table(filled: Cli) -> None:
    result = filled("search", "Luxshare", "--format", "csv")
    assert result.exit_code == 0
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert records
    assert {"id", "title", "url", "published_at", "sources", "vendors", "snippet"} <= set(
        records[0]
    )
    table = filled("search", "Luxshare")
    assert table.exit_code == 0
    assert "results for 'Luxshare'" in table.stdout


@pytest.mark.parametrize("query", ['"unclosed', "(TSMC", "TSMC OR", "NOT TSMC", ""])
def test_malformed_query_is_one_line_and_exit_2(filled: Cli, query: str) -> None:
    result = filled("search", query)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_bad_date_is_a_usage_error(filled: Cli) -> None:
    result = filled("search", "TSMC", "--since", "last tuesday")
    assert result.exit_code == 2
    assert "not a date" in result.stderr


def wide(cli: Cli, *args: str) -> Result:
    """``cli(*args)`` on a terminal wide enough that table cells do not wrap."""
    return cli.runner.invoke(
        app,
        ["--config", str(cli.config), "--db", cli.db, *args],
        env={"COLUMNS": "400"},
        catch_exceptions=False,
    )


def ids(cli: Cli, *args: str) -> set[object]:
    return {
        h["id"] for h in search_json(cli, "the OR Luxshare OR Foxconn", "--limit", "1000", *args)
    }


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Hon Hai", "Foxconn"),
        ("鴻海", "Foxconn"),
        ("hon hai precision", "Foxconn"),
        ("立讯精密", "Luxshare"),
        ("Luxshare Precision", "Luxshare"),
        ("ＬＵＸＳＨＡＲＥ", "Luxshare"),
        ("luxshare-ict", "Luxshare"),
    ],
)
def test_search_vendor_takes_aliases(filled: Cli, written: str, canonical: str) -> None:
    expected = ids(filled, "--vendor", canonical)
    assert expected
    assert ids(filled, "--vendor", written) == expected


def test_repeated_vendor_means_articles_naming_all_of_them(filled: Cli) -> None:
    luxshare, apple = ids(filled, "--vendor", "Luxshare"), ids(filled, "--vendor", "Apple")
    both = ids(filled, "--vendor", "Luxshare", "--vendor", "Apple")
    assert both == luxshare & apple
    assert both
    assert both != apple  # not the last --vendor alone
    assert ids(filled, "--vendor", "Apple", "--vendor", "apple") == apple


def test_repeated_source_means_any_of_them(filled: Cli) -> None:
    fab, wire = ids(filled, "--source", "fabledger"), ids(filled, "--source", "componentwire")
    assert fab
    assert wire
    assert ids(filled, "--source", "fabledger", "--source", "componentwire") == fab | wire
    assert ids(filled, "--source", "FabLedger") == fab


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--vendor", "Luxshre"],
            "search --vendor: no company named 'Luxshre' (did you mean 'Luxshare'?)",
        ),
        (
            ["--vendor", "Apple", "--vendor", "Qwzxv"],
            "no company named 'Qwzxv' (see `tracker vendors list`)",
        ),
        (
            ["--source", "nosuch"],
            "search --source: no source named 'nosuch' "
            "(known: componentwire, fabledger, supplyline)",
        ),
        (["--source", "supplylin"], "no source named 'supplylin' (did you mean 'supplyline'?)"),
    ],
)
def test_unknown_names_are_usage_errors(filled: Cli, args: list[str], message: str) -> None:
    result = filled("search", "Luxshare", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_search_results_carry_id_and_url(filled: Cli) -> None:
    hit = next(h for h in search_json(filled, "Luxshare") if VIETNAM in str(h["url"]))
    table = wide(filled, "search", "Luxshare")
    assert table.exit_code == 0
    header = next(
        (line for line in table.stdout.splitlines() if "published at" in line), table.stdout
    )
    assert header.split()[1] == "id", table.stdout
    row = next(line for line in table.stdout.splitlines() if "Luxshare buys northern" in line)
    assert row.split()[1] == str(hit["id"])
    assert str(hit["url"]) in table.stdout


def test_show_prints_one_article_whole(filled: Cli) -> None:
    hit = next(h for h in search_json(filled, "Luxshare") if VIETNAM in str(h["url"]))
    result = filled("show", str(hit["id"]), "--format", "json")
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    assert (article["id"], article["url"], article["title"]) == (
        hit["id"],
        hit["url"],
        hit["title"],
    )
    assert [s["name"] for s in article["sources"]] == sorted(hit["sources"])  # type: ignore[call-overload]
    assert "Bac Giang" in article["text"]
    assert article["published_at"].endswith("Z")
    vendors = {v["name"]: v for v in article["vendors"]}
    assert {"Luxshare", "Apple"} <= set(vendors)
    for vendor in vendors.values():
        assert vendor["mentions"] == len(vendor["evidence"]) > 0
        assert all(e["surface"] in e["sentence"] for e in vendor["evidence"])
    assert {p["name"] for p in article["products"]} >= {"iPhone"}
    relation = next(r for r in article["relations"] if r["supplier"] == "Luxshare")
    assert relation["customer"] == "Apple"
    assert relation["status"]
    assert relation["evidence"]
    assert article["events"]
    assert all(e["type"] and e["evidence"] for e in article["events"])


def test_show_as_a_table(filled: Cli) -> None:
    hit = next(h for h in search_json(filled, "Luxshare") if VIETNAM in str(h["url"]))
    result = wide(filled, "show", str(hit["id"]))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[0] == hit["title"]
    assert str(hit["url"]) in out
    assert "published 2026-11-13 01:30 UTC" in out  # the config's display timezone
    headings = ["Vendors (", "Products (", "Relations (", "Events (", "Text (from the page)"]
    places = [out.index(h) for h in headings]
    assert places == sorted(places)
    assert "Luxshare -> Apple (iPhone)" in out
    assert "Apple accounts for roughly 70 per cent of Luxshare" in out
    assert out.rindex("Local officials in Bac Giang") > places[-1]  # the text, last


URL_VARIANTS = {
    "as stored": lambda url: url,
    "tracking parameters and fragment": lambda url: url + "?utm_source=newsletter#top",
    "other scheme": lambda url: url.replace("http://", "https://", 1),
}


@pytest.mark.parametrize("variant", URL_VARIANTS.values(), ids=URL_VARIANTS.keys())
def test_show_finds_an_article_by_any_url_it_is_known_under(filled: Cli, variant: Any) -> None:
    hit = next(h for h in search_json(filled, "Luxshare") if VIETNAM in str(h["url"]))
    result = filled("show", variant(str(hit["url"])), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == hit["id"]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("999999", "show: no stored article has id 999999"),
        ("http://127.0.0.1:9/nothing.html", "show: no stored article has the URL"),
        ("Luxshare", "show: 'Luxshare' is neither an article id (a number) nor a URL"),
    ],
)
def test_show_an_unknown_article_is_a_usage_error(filled: Cli, key: str, message: str) -> None:
    result = filled("show", key)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_export_csv_cells_are_json_and_json_is_one_array(filled: Cli) -> None:
    lines = [json.loads(line) for line in filled("export", "articles").stdout.splitlines()]
    as_json = filled("export", "articles", "--format", "json")
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == lines
    as_csv = filled("export", "articles", "--format", "csv").stdout
    assert "{'" not in as_csv
    assert "['" not in as_csv
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert len(rows) == len(lines)
    for row, record in zip(rows, lines, strict=True):
        assert int(row["id"]) == record["id"]
        assert row["published_at"] == (record["published_at"] or "")
        for field in ("sources", "vendors", "products", "relations", "events"):
            assert json.loads(row[field]) == record[field]
    assert any(json.loads(row["relations"]) for row in rows)


def test_an_empty_export_still_has_its_header(filled: Cli) -> None:
    later = ("--since", "2099-01-01")
    as_csv = filled("export", "articles", "--format", "csv", *later)
    assert as_csv.exit_code == 0
    assert as_csv.stdout == (
        "id,url,title,sources,published_at,fetched_at,text_origin,vendors,products,relations,events\n"
    )
    assert json.loads(filled("export", "articles", "--format", "json", *later).stdout) == []
    assert filled("export", "articles", *later).stdout == ""
