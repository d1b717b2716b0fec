"""`tracker search` over a store filled by a real fetch, on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from tests.conftest import BACKENDS, FEEDS, Cli, database, write_config

SEED = "openai-taps-apple-suppliers"


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
