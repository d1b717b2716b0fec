"""Selection: watchlist matching, one entry per story, grouping and order, what changed."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from tests.digest.stories import story
from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import Catalog, Product
from tracker.catalog.watch import WatchItem, watch_items
from tracker.config import Watchlist
from tracker.digest.records import DigestInput, Period, PriorStory
from tracker.digest.select import (
    TITLE_SIMILARITY,
    cluster_titles,
    mark_names,
    relevance,
    select_digest,
    title_words,
)
from tracker.digest.settings import DigestSpec, Thresholds
from tracker.errors import ConfigError
from tracker.models import RELATION_SHOWN, RELATION_SURE

END = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
PERIOD = Period("2026-11-26", END, END - timedelta(days=1), END, "Europe/Berlin")
T = END - timedelta(hours=6)


def spec(**thresholds: float) -> DigestSpec:
    return DigestSpec(
        "daily",
        ("a@example.com",),
        thresholds=Thresholds(**thresholds),  # type: ignore[arg-type]
    )


def vendor(name: str) -> WatchItem:
    return WatchItem("vendor", name, frozenset({name.casefold()}))


def test_relevance_scale() -> None:
    tsmc = vendor("TSMC")
    in_title = story("TSMC raises prices", T, vendors=["TSMC"])
    assert relevance(in_title, tsmc)[0] == 1.0
    event = story(
        "Quake halts fabs",
        T,
        vendors=["TSMC"],
        events=[("disruption", ["TSMC"], "The quake stopped TSMC tools.")],
    )
    assert relevance(event, tsmc) == (0.8, "The quake stopped TSMC tools.")
    passing = story("Memory prices climb", T, vendors=["TSMC"])
    assert relevance(passing, tsmc)[0] == 0.3
    assert relevance(story("Nothing here", T), tsmc)[0] == 0.0
    keyword = WatchItem("keyword", "CoWoS", frozenset({"cowos"}))
    in_text = story("Packaging news", T, text="Demand for CoWoS rose. Again, cowos!")
    score, sentence = relevance(in_text, keyword)
    assert score == pytest.approx(0.6)
    assert sentence == "Demand for CoWoS rose."
    assert relevance(story("Colossal news", T, text="no match"), keyword)[0] == 0.0


def test_headlines_of_one_story_cluster_and_others_do_not() -> None:
    titles = [
        "OpenAI taps Apple suppliers MediaTek, Qualcomm and Luxshare for first consumer AI device",
        "OpenAI taps MediaTek, Qualcomm and Luxshare for its first AI device",
        "TSMC raises prices for 2nm wafers",
        "TSMC raises 3nm output",
        "Kioxia raises NAND prices",
        "Reprint: totally different words",
    ]
    hashes = ["", "", "", "", "", "h1"]
    clusters = cluster_titles([*titles, "Something else entirely"], [*hashes, "h1"])
    assert clusters[0] == clusters[1]
    assert len({clusters[2], clusters[3], clusters[4], clusters[0]}) == 4
    assert clusters[5] == clusters[6]  # same text hash, whatever the headline


def test_prefix_filtering_finds_exactly_the_pairs_brute_force_finds() -> None:
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(14)]
    titles = [" ".join(rng.sample(vocabulary, rng.randint(2, 12))) for _ in range(400)]
    clusters = cluster_titles(titles, [""] * len(titles))
    expected = list(range(len(titles)))

    def find(i: int) -> int:
        while expected[i] != i:
            i = expected[i]
        return i

    words = [title_words(t) for t in titles]
    for i, j in itertools.combinations(range(len(titles)), 2):
        t = TITLE_SIMILARITY
        need = max(t if len(words[i]) >= 4 else 1.0, t if len(words[j]) >= 4 else 1.0)
        jaccard = len(words[i] & words[j]) / len(words[i] | words[j])
        if jaccard >= need:
            a, b = find(i), find(j)
            expected[max(a, b)] = min(a, b)
    assert [find(i) for i in range(len(titles))] == clusters
    assert len(set(clusters)) < len(titles) - 50  # plenty of similar pairs were there to find


def test_one_entry_per_story_links_the_earliest_and_counts_outlets() -> None:
    early = story(
        "Strike halts Flex plant in Malaysia as power cut hits Penang",
        T - timedelta(hours=3),
        vendors=["Flex"],
        sources=["componentwire"],
        url="https://componentwire.example/flex",
    )
    late = story(
        "Strike halts Flex plant in Malaysia after power cut hits Penang",
        T,
        vendors=["Flex"],
        sources=["fabledger", "supplyline"],  # one article carried by two feeds
        url="https://fabledger.example/flex",
    )
    reprint = story("Flex: a reprint", T, vendors=["Flex"], sources=["blog"], content_hash="same")
    original = story(
        "Flex plant news", T - timedelta(hours=1), vendors=["Flex"], content_hash="same"
    )
    digest = select_digest(
        spec(), PERIOD, [vendor("Flex")], DigestInput([late, reprint, early, original])
    )
    entries = digest.entries
    assert len(entries) == 2
    strike = next(e for e in entries if "Strike" in e.headline)
    assert strike.url == "https://componentwire.example/flex"
    assert strike.source == "componentwire"
    assert strike.sources == ("componentwire", "fabledger", "supplyline")
    assert strike.headline == early.title


def test_a_copy_of_a_story_from_before_the_period_is_not_new() -> None:
    copy = story("Magnitude 6.4 earthquake halts tools at TSMC and UMC fabs", T, vendors=["TSMC"])
    old = PriorStory("Magnitude 6.4 earthquake briefly halts tools at TSMC and UMC fabs")
    digest = select_digest(spec(), PERIOD, [vendor("TSMC")], DigestInput([copy], prior=[old]))
    assert digest.is_empty


def test_groups_follow_the_watchlist_and_urgency_orders_within_a_group() -> None:
    items = [vendor("TSMC"), vendor("Nvidia")]
    launch = story(
        "TSMC launches a node",
        T,
        vendors=["TSMC"],
        events=[("product_launch", ["TSMC"], "TSMC launched N2.")],
    )
    quake = story(
        "Quake stops TSMC",
        T - timedelta(hours=5),
        vendors=["TSMC"],
        events=[("disruption", ["TSMC"], "Tools stopped at TSMC.")],
    )
    export = story(
        "New export rules hit Nvidia",
        T,
        vendors=["Nvidia", "TSMC"],
        events=[("export_control", ["Nvidia"], "Rules bar Nvidia chips.")],
    )
    plain = story("TSMC opens an office", T, vendors=["TSMC"])
    digest = select_digest(spec(), PERIOD, items, DigestInput([launch, plain, export, quake]))
    assert [g.label for g in digest.groups] == ["TSMC", "Nvidia"]
    tsmc = digest.groups[0]
    assert [s.event_type for s in tsmc.sections] == ["disruption", "product_launch", None]
    assert [e.headline for e in tsmc.entries] == [quake.title, launch.title, plain.title]
    nvidia = digest.groups[1].entries[0]
    assert nvidia.headline == export.title  # its best item: Nvidia in the headline
    assert nvidia.event_type == "export_control"
    assert nvidia.also == ("TSMC",)
    assert digest.count_of("disruption") == 1


def test_thresholds_cut_passing_mentions_and_long_groups() -> None:
    topics = ["Memory prices", "Server racks", "Phone chips", "Car sensors", "Power shelves"]
    stories = [story(f"{topic} in the news", T, vendors=["AMD"]) for topic in topics]
    stories.append(story("AMD wins a deal", T, vendors=["AMD"]))
    strict = select_digest(spec(min_relevance=0.5), PERIOD, [vendor("AMD")], DigestInput(stories))
    assert [e.headline for e in strict.entries] == ["AMD wins a deal"]
    short = select_digest(spec(max_per_group=2), PERIOD, [vendor("AMD")], DigestInput(stories))
    assert len(short.entries) == 2
    assert short.groups[0].hidden == 4
    assert short.entries[0].headline == "AMD wins a deal"  # most relevant first


def test_an_empty_watchlist_follows_everything() -> None:
    items = watch_items(Watchlist(), Gazetteer(), Catalog())
    assert [i.kind for i in items] == ["all"]
    digest = select_digest(spec(), PERIOD, items, DigestInput([story("Anything", T)]))
    assert digest.story_count == 1


def test_new_relations_are_pairs_never_seen_before() -> None:
    stories = [
        story(
            "Deals",
            T,
            vendors=["Luxshare", "Apple", "OpenAI"],
            relations=[
                ("Luxshare", "Apple", "confirmed"),
                ("Luxshare", "OpenAI", "confirmed"),
                ("Foxconn", "OpenAI", "negated"),
            ],
        )
    ]
    data = DigestInput(stories, known_pairs=frozenset({("Luxshare", "Apple")}))
    digest = select_digest(spec(), PERIOD, [vendor("Luxshare")], data)
    assert [(r.supplier, r.customer) for r in digest.new_relations] == [("Luxshare", "OpenAI")]


def test_only_what_the_extraction_is_sure_of_shows_as_confirmed() -> None:
    stories = [
        story(
            "Deals",
            T,
            vendors=["Foxconn", "Nvidia", "Delta Electronics", "Microsoft", "Qualcomm"],
            relations=[
                ("Foxconn", "Nvidia", "confirmed", RELATION_SURE),
                ("Delta Electronics", "Nvidia", "confirmed", RELATION_SURE - 0.1),
                ("Microsoft", "Qualcomm", "confirmed", RELATION_SHOWN - 0.05),
            ],
        ),
        # the same pair, surer, in a later story: the surer report is the one shown
        story(
            "More deals",
            T + timedelta(hours=1),
            vendors=["Delta Electronics", "Nvidia"],
            relations=[("Delta Electronics", "Nvidia", "reported", 0.8)],
        ),
    ]
    items = [vendor("Nvidia"), vendor("Qualcomm")]
    digest = select_digest(spec(), PERIOD, items, DigestInput(stories))
    shown = {(r.supplier, r.customer): (r.status, r.confidence) for r in digest.new_relations}
    assert shown == {
        ("Foxconn", "Nvidia"): ("confirmed", RELATION_SURE),
        ("Delta Electronics", "Nvidia"): ("reported", 0.8),
    }


def test_spikes_against_the_vendor_s_own_baseline() -> None:
    stories = [story("TSMC news", T, vendors=["TSMC", "Nvidia"])]
    counts = {"TSMC": 9, "Nvidia": 4, "AMD": 1}
    baseline = {"TSMC": 14, "Nvidia": 28}  # 1 and 2 a day
    data = DigestInput(stories, vendor_articles=counts, baseline_articles=baseline)
    items = [vendor("TSMC"), vendor("Nvidia"), vendor("AMD")]
    assert select_digest(spec(), PERIOD, items, data).spikes == ()  # no baseline yet
    data = DigestInput(
        stories, vendor_articles=counts, baseline_articles=baseline, has_baseline=True
    )
    spikes = select_digest(spec(), PERIOD, items, data).spikes
    assert [(s.vendor, s.articles, s.expected) for s in spikes] == [("TSMC", 9, 1.0)]


def test_names_are_marked_in_the_evidence() -> None:
    segments = mark_names(
        "TSMC and TSMC Arizona ship to Apple; Applesauce is not", ["TSMC", "TSMC Arizona", "Apple"]
    )
    assert segments == (
        ("TSMC", True),
        (" and ", False),
        ("TSMC Arizona", True),
        (" ship to ", False),
        ("Apple", True),
        ("; Applesauce is not", False),
    )


def test_watch_items_resolve_aliases_and_say_what_is_unknown(gazetteer: Gazetteer) -> None:
    catalog = Catalog(
        {
            "hbm": Product("hbm", "HBM", "", "memory"),
            "hbm4": Product("hbm4", "HBM4", "", "memory", parent="hbm"),
        }
    )
    items = watch_items(Watchlist(vendors=("台積電",), products=("HBM",)), gazetteer, catalog)
    assert items[0] == WatchItem("vendor", "TSMC", frozenset({"tsmc"}), "TSMC")
    assert items[1].keys == frozenset({"hbm", "hbm4"})  # variants included
    with pytest.raises(ConfigError, match=r"'TMSC' is not in the gazetteer \(did you mean"):
        watch_items(Watchlist(vendors=("TMSC",)), gazetteer, catalog)
    with pytest.raises(ConfigError, match="'HBM9' is not in the catalog"):
        watch_items(Watchlist(products=("HBM9",)), gazetteer, catalog)
    with pytest.raises(ConfigError, match="'chips' is not a catalog category"):
        watch_items(Watchlist(categories=("chips",)), gazetteer, catalog)


def test_two_names_of_one_vendor_are_one_item(gazetteer: Gazetteer) -> None:
    watchlist = Watchlist(vendors=("TSMC", "台積電", "Taiwan Semiconductor", "Nvidia"))
    items = watch_items(watchlist, gazetteer, Catalog())
    assert [i.label for i in items] == ["TSMC", "Nvidia"]
    both = story(
        "Nvidia books more capacity",
        T,
        vendors=["Nvidia", "TSMC"],
        text="Nvidia booked more CoWoS capacity at TSMC.",
    )
    digest = select_digest(spec(), PERIOD, items, DigestInput([both]))
    (entry,) = digest.entries
    assert entry.also == ("TSMC",)
    repeated = [vendor("Nvidia"), vendor("TSMC"), vendor("TSMC")]  # however they were made
    (again,) = select_digest(spec(), PERIOD, repeated, DigestInput([both])).entries
    assert again.also == ("TSMC",)
