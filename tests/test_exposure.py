"""The pure side of exposure: decay, reported links, the declared graph, words, GraphML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import Catalog, build_catalog, user_product
from tracker.config import ExposureSettings, load_settings
from tracker.errors import ConfigError, UsageError
from tracker.exposure import (
    DeclaredLink,
    EventItem,
    RelationFacts,
    RelationTally,
    SupplyGraph,
    World,
    age_words,
    decay,
    declared_links,
    explain_edge,
    explain_news,
    graph_records,
    make_window,
    product_tree,
    reported_links,
    reported_weight,
    summarize_news,
    to_graphml,
)
from tracker.models import RELATION_SHOWN, RELATION_SURE

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
SETTINGS = ExposureSettings()


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def tally(
    supplier: str, customer: str, status: str, last: float, *, articles: int = 1, conf: float = 0.8
) -> RelationTally:
    return RelationTally(supplier, customer, status, articles, days_ago(last), days_ago(last), conf)


def test_decay_halves_every_half_life_and_ignores_the_future() -> None:
    assert decay(timedelta(0), 90) == 1.0
    assert decay(timedelta(days=90), 90) == pytest.approx(0.5)
    assert decay(timedelta(days=180), 90) == pytest.approx(0.25)
    assert decay(timedelta(days=-5), 90) == 1.0


def test_reported_weight_grows_with_sources_and_fades_with_time() -> None:
    one = reported_weight(0.6, 1, NOW, NOW, 90)
    five = reported_weight(0.6, 5, NOW, NOW, 90)
    assert one == pytest.approx(0.6)
    assert five == pytest.approx(1 - 0.4**5)
    assert five > one
    old = reported_weight(0.6, 1, days_ago(3 * 365), NOW, 90)
    assert old < 0.001
    # Seen once three years ago counts far less than five outlets this week.
    assert old < reported_weight(0.6, 5, days_ago(3), NOW, 90)


def test_a_link_whose_latest_report_is_negated_is_not_current() -> None:
    facts = RelationFacts(
        tallies=[
            tally("Qualcomm", "Apple", "confirmed", 40, articles=3, conf=0.9),
            tally("Qualcomm", "Apple", "negated", 5),
            tally("Luxshare", "Apple", "negated", 60),
            tally("Luxshare", "Apple", "confirmed", 2, articles=2, conf=0.9),
        ],
        sources=[("Qualcomm", "Apple", 2), ("Luxshare", "Apple", 3)],
        products=[("Qualcomm", "Apple", "iPhone", 3)],
    )
    links = {(r.supplier, r.customer): r for r in reported_links(facts, NOW, 90)}
    ended = links[("Qualcomm", "Apple")]
    assert ended.status == "negated"
    assert not ended.is_current
    assert ended.weight == 0.0
    assert ended.articles == 4
    assert dict(ended.articles_by_status) == {"confirmed": 3, "negated": 1}
    assert ended.products == ("iPhone",)
    back = links[("Luxshare", "Apple")]  # denied once, then reported again: current
    assert back.is_current
    assert back.status == "confirmed"
    assert back.sources == 3
    assert back.weight == pytest.approx(reported_weight(0.9, 3, days_ago(2), NOW, 90))


def test_only_a_sure_report_is_confirmed() -> None:
    facts = RelationFacts(
        tallies=[
            tally("Foxconn", "Nvidia", "confirmed", 1, conf=RELATION_SURE),
            tally("Delta Electronics", "Nvidia", "confirmed", 1, conf=RELATION_SURE - 0.1),
            tally("Microsoft", "Qualcomm", "confirmed", 1, conf=RELATION_SHOWN - 0.05),
        ],
        sources=[("Foxconn", "Nvidia", 1), ("Delta Electronics", "Nvidia", 1)],
    )
    links = {(r.supplier, r.customer): r for r in reported_links(facts, NOW, 90)}
    assert links[("Foxconn", "Nvidia")].status == "confirmed"
    assert links[("Delta Electronics", "Nvidia")].status == "reported"  # not sure enough
    assert ("Microsoft", "Qualcomm") not in links  # held back


def test_a_negation_in_the_same_article_wins_the_tie() -> None:
    same = NOW - timedelta(days=1)
    facts = RelationFacts(
        tallies=[
            RelationTally("BOE", "Apple", "confirmed", 1, same, same, 0.9),
            RelationTally("BOE", "Apple", "negated", 1, same, same, 0.5),
        ]
    )
    (link,) = reported_links(facts, NOW, 90)
    assert not link.is_current


def test_the_weight_follows_the_clock_passed_in() -> None:
    facts = RelationFacts(tallies=[tally("TSMC", "Nvidia", "confirmed", 0)])
    (fresh,) = reported_links(facts, NOW, 90)
    (later,) = reported_links(facts, NOW + timedelta(days=90), 90)
    assert later.weight == pytest.approx(fresh.weight / 2)


def catalog_of(*products: dict[str, Any]) -> Catalog:
    return build_catalog((p, f"test #{i}") for i, p in enumerate(products))


PHONE = {
    "id": "apple-phone",
    "name": "Test Phone",
    "vendor": "Apple",
    "category": "device",
    "makers": [
        {"role": "assembly", "vendor": "Luxshare"},
        {"role": "soc", "vendor": "Apple", "product": "apple-chip"},
        {"role": "modem", "vendor": "Qualcomm", "product": "qualcomm-modem"},
    ],
}
CHIP = {
    "id": "apple-chip",
    "name": "Test Chip",
    "vendor": "Apple",
    "category": "soc",
    "makers": [{"role": "foundry", "vendor": "TSMC", "product": "tsmc-node"}],
    "used_in": ["apple-phone"],
}
MODEM = {
    "id": "qualcomm-modem",
    "name": "Test Modem",
    "vendor": "Qualcomm",
    "category": "modem",
    "used_in": ["apple-phone"],
}
NODE = {
    "id": "tsmc-node",
    "name": "Test Node",
    "vendor": "TSMC",
    "category": "process_node",
    "used_in": ["apple-chip"],
}


def test_declared_links_come_from_makers_and_used_in_once_each() -> None:
    catalog = catalog_of(PHONE, CHIP, MODEM, NODE)
    links = {(d.supplier, d.customer, d.product, d.part) for d in declared_links(catalog)}
    assert links == {
        ("Luxshare", "Apple", "apple-phone", ""),
        ("Qualcomm", "Apple", "apple-phone", "qualcomm-modem"),  # maker and used_in: once
        ("TSMC", "Apple", "apple-chip", "tsmc-node"),
    }  # Apple's own chip in Apple's phone is no supplier link


def test_a_parts_list_row_declares_a_link_labelled_as_the_users() -> None:
    part = user_product("MX-100", "Murata cap", "Murata", "component", "Test Phone")
    catalog = catalog_of(PHONE, CHIP, MODEM, NODE).merged([part])
    (link,) = [d for d in declared_links(catalog) if d.supplier == "Murata"]
    assert (link.customer, link.product, link.origin) == ("Apple", "apple-phone", "parts list")


def test_edges_are_labelled_declared_reported_or_both(gazetteer: Gazetteer) -> None:
    declared = [
        DeclaredLink("Luxshare", "Apple", "apple-phone", "Test Phone", "assembly", "", "catalog")
    ]
    facts = RelationFacts(
        tallies=[
            tally("Luxshare", "Apple", "confirmed", 3),
            tally("MediaTek", "Apple", "reported", 3),
        ]
    )
    graph = SupplyGraph(declared, reported_links(facts, NOW, 90))
    kinds = {e.supplier: e.kind for e in graph.suppliers_of({"Apple"})}
    assert kinds == {"Luxshare": "both", "MediaTek": "reported"}
    only_declared = SupplyGraph(declared, [])
    (edge,) = only_declared.edges.values()
    assert edge.kind == "declared"
    assert edge.strength == 1.0
    assert "declared in the catalog: assembly for Test Phone" in explain_edge(edge, NOW)
    world = World.build(gazetteer, catalog_of(PHONE, CHIP, MODEM, NODE))
    nodes, links = graph_records(world, graph)
    assert {n["id"] for n in nodes} == {"Apple", "Luxshare", "MediaTek"}
    assert {(link["source"], link["target"], link["kind"]) for link in links} == {
        ("Luxshare", "Apple", "both"),
        ("MediaTek", "Apple", "reported"),
    }


def test_names_resolve_by_alias_in_any_case_with_a_suggestion(gazetteer: Gazetteer) -> None:
    world = World.build(gazetteer, catalog_of(PHONE, CHIP, MODEM, NODE))
    assert world.resolve_vendor("luxshare precision") == "Luxshare"
    assert world.resolve_vendor("立讯精密") == "Luxshare"
    assert world.resolve_vendor("tsmc") == "TSMC"
    with pytest.raises(
        UsageError, match=r"no company named 'Luxshar' \(did you mean 'Luxshare'\?\)"
    ):
        world.resolve_vendor("Luxshar")
    assert world.resolve_product("test phone").id == "apple-phone"
    with pytest.raises(UsageError, match="did you mean 'Test Modem'"):
        world.resolve_product("Test Moden")


def test_subsidiaries_roll_up_into_their_parent(gazetteer: Gazetteer) -> None:
    world = World.build(gazetteer, Catalog())
    family = world.family("Foxconn")
    assert family[0] == "Foxconn"
    assert "Foxconn Industrial Internet" in family


def test_the_product_tree_follows_the_makers_of_parts(gazetteer: Gazetteer) -> None:
    world = World.build(gazetteer, catalog_of(PHONE, CHIP, MODEM, NODE))
    tree = product_tree(world, world.catalog.products["apple-phone"], 2)
    found = {(p.vendor, p.depth) for p in tree}
    assert found == {("Apple", 0), ("Luxshare", 1), ("Qualcomm", 1), ("TSMC", 2)}
    tsmc = next(p for p in tree if p.vendor == "TSMC")
    assert tsmc.path == ("Test Phone", "Test Chip", "TSMC (foundry: Test Node)")
    assert {p.vendor for p in product_tree(world, world.catalog.products["apple-phone"], 1)} == {
        "Apple",
        "Luxshare",
        "Qualcomm",
    }


def event(
    i: int, kind: str, ago: float, title: str = "", sources: tuple[str, ...] = ("a",)
) -> EventItem:
    return EventItem(
        event_id=i,
        vendor="Flex",
        type=kind,
        at=days_ago(ago),
        article_id=i,
        title=title or f"story {i}",
        url=f"https://news.example/{i}",
        evidence=title or f"Something happened to Flex ({i}).",
        sources=sources,
    )


def test_the_explanation_says_which_events_how_recent_how_many_sources() -> None:
    window = make_window(NOW, None, SETTINGS)
    events = [
        event(1, "disruption", 3, "A fire halted the Kunshan plant of Flex on Monday.", ("x", "y")),
        event(2, "disruption", 10, sources=("z",)),
        event(3, "export_control", 6, "New export rules cover Flex's Penang lines.", ("w",)),
        event(4, "earnings", 1),
    ]
    news = summarize_news("Flex", 5, 4, events, window, NOW, SETTINGS)
    assert list(news.events_by_type()) == ["disruption", "export_control", "earnings"]
    text = explain_news(news, NOW)
    assert text.startswith(
        "2 disruptions (A fire halted the Kunshan plant of Flex on Monday., 3 days ago)"
    )
    assert (
        "1 export-control event (New export rules cover Flex's Penang lines., 6 days ago)" in text
    )
    assert "and 1 earnings report in the last 30 days, reported by 5 sources" in text
    assert "5 mentions (1.2/week) vs 0.3/week usual, up 3.8x" in text
    quiet = summarize_news("Flex", 0, 0, [], window, NOW, SETTINGS)
    assert explain_news(quiet, NOW).startswith("no events in the last 30 days; 0 mentions")
    assert quiet.risk == 0.0
    assert news.risk > summarize_news("Flex", 5, 4, events[3:], window, NOW, SETTINGS).risk


def test_one_article_counts_once_per_event_type() -> None:
    window = make_window(NOW, None, SETTINGS)
    twice = [event(1, "shortage", 2), replace_id(event(1, "shortage", 2), 2)]
    news = summarize_news("Flex", 1, 0, twice, window, NOW, SETTINGS)
    assert news.events_by_type() == {"shortage": 1}


def replace_id(item: EventItem, event_id: int) -> EventItem:
    return item._replace(event_id=event_id)


def test_windows_and_ages() -> None:
    window = make_window(NOW, None, SETTINGS)
    assert window.start == days_ago(30)
    assert window.baseline_start == days_ago(120)
    since = make_window(NOW, datetime(2026, 11, 1, tzinfo=UTC), SETTINGS)
    assert since.label == "since 2026-11-01"
    assert age_words(days_ago(0.5), NOW) == "today"
    assert age_words(days_ago(3.2), NOW) == "3 days ago"
    assert age_words(days_ago(20), NOW) == "2 weeks ago"
    assert age_words(days_ago(400), NOW) == "13 months ago"


def test_graphml_is_well_formed_and_typed() -> None:
    nodes = [{"id": "TSMC", "kind": "foundry"}, {"id": "Apple", "kind": "oem"}]
    links = [
        {
            "source": "TSMC",
            "target": "Apple",
            "kind": "both",
            "is_current": True,
            "reported_articles": 3,
            "weight": 0.75,
            "last_seen": NOW,
            "confidence": None,
        }
    ]
    root = ET.fromstring(to_graphml(nodes, links))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {
        k.get("attr.name"): (k.get("for"), k.get("attr.type")) for k in root.findall("g:key", ns)
    }
    assert keys["kind"] in {("node", "string"), ("edge", "string")}
    assert keys["is_current"] == ("edge", "boolean")
    assert keys["reported_articles"] == ("edge", "long")
    assert keys["weight"] == ("edge", "double")
    assert "confidence" not in keys  # absent values are left out
    graph = root.find("g:graph", ns)
    assert graph is not None
    assert graph.get("edgedefault") == "directed"
    (edge,) = graph.findall("g:edge", ns)
    assert (edge.get("source"), edge.get("target")) == ("TSMC", "Apple")
    values = {d.get("key"): d.text for d in edge.findall("g:data", ns)}
    assert "2026-11-26T12:00:00Z" in values.values()


def test_a_technology_is_made_by_the_vendors_of_its_members(gazetteer: Gazetteer) -> None:
    catalog = catalog_of(
        {"id": "hbm9", "name": "HBM9", "vendor": "", "category": "memory"},
        {"id": "sk-hynix-hbm9", "name": "SK hynix HBM9", "vendor": "SK hynix",
         "category": "memory", "parent": "hbm9"},
        {"id": "micron-hbm9", "name": "Micron HBM9", "vendor": "Micron", "category": "memory",
         "parent": "hbm9"},
    )  # fmt: skip
    world = World.build(gazetteer, catalog)
    tree = product_tree(world, catalog.products["hbm9"], 1)
    assert {(p.vendor, p.role, p.depth) for p in tree} == {
        ("SK hynix", "maker", 1),
        ("Micron", "maker", 1),
    }


def test_watchlists_and_exposure_settings_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "tracker.toml"
    path.write_text(
        '[exposure]\nhalf_life_days = 30\n\n[[watchlists]]\nname = "phones"\n'
        'vendors = ["Luxshare"]\nproducts = ["SM8750"]\n',
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert settings.exposure.half_life_days == 30.0
    assert settings.exposure.window_days == 30
    (phones,) = settings.watchlists
    assert (phones.name, phones.vendors, phones.products) == ("phones", ("Luxshare",), ("SM8750",))
    for text, message in (
        (
            '[[watchlists]]\nname = "x"\nvendor = ["TSMC"]\n',
            "[[watchlists]] 'x' vendor: unknown key (did you mean vendors?)",
        ),
        ('[[watchlists]]\nvendors = ["TSMC"]\n', "[[watchlists]]: watchlist #1 needs a name"),
        ('[[watchlists]]\nname = "x"\nvendors = [1]\n', "vendors: expected a string, got 1"),
        (
            "[exposure]\nhalf_life = 30\n",
            "[exposure] half_life: unknown key (did you mean half_life_days?)",
        ),
        ("[exposure]\nhalf_life_days = 0\n", "half_life_days: must be a finite number > 0, got 0"),
    ):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as raised:
            load_settings(path)
        assert message in str(raised.value)
