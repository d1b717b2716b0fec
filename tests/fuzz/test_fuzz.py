"""Hostile input, generated: feed documents, entry fields, config values and CLI strings.

Each property holds for every example Hypothesis makes: no exception but the tracker's own
(a TrackerError, one line), no ``internal`` class, a bounded article, nothing stored half.
`make test` runs a few examples of each (seeded, so a run repeats); `make fuzz` runs many
(TRACKER_FUZZ_EXAMPLES) and prints the worst CPU time and memory per article it met.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, Cli, write_config
from tracker.catalog.gazetteer import Gazetteer, plan_addition, with_user_vendors
from tracker.config import load_settings
from tracker.errors import ConfigError, ParseError, TrackerError, UsageError
from tracker.extract import Extractor, load_extractor
from tracker.ingest.work import PageJob, extract_article
from tracker.models import ArticleRecord
from tracker.parse.feed import parse_feed
from tracker.parse.text import MAX_ARTICLE_CHARS
from tracker.query import parse_query
from tracker.store import Store
from tracker.store import sources as store_sources
from tracker.store.identity import save_entry, sync_vendor_ids
from tracker.store.reports import article_detail

EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # machine speed is no property; the bounds below are on sizes
    derandomize=EXAMPLES <= 50,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
# Repeats of a run of names without a sentence end: up to ~30 KB in `make test`, ~300 KB
# (past the article bound) in `make fuzz`.
LONGEST = 600 if EXAMPLES <= 50 else 6000
WORST: dict[str, tuple[float, str]] = {}

VENDORS = ["TSMC", "Nvidia", "Apple", "Arm", "Intel", "Foxconn", "Luxshare", "LG", "Dr Ford"]
NASTY = ["\x00", "\x01", "\x1b[31m", "\r\n", "\u202e", "&", "<", "]]>", '"', "'", "\ufeff", " "]
WORDS = st.sampled_from(
    [*VENDORS, *NASTY, "supplies", "chips", "to", "Inc.", "Co., Ltd.", "OLED", "iPhone", "."]
)
TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(WORDS, max_size=300).map(" ".join),
    # a long run without a sentence end: the shape that made extraction quadratic
    st.tuples(st.lists(WORDS, min_size=1, max_size=8), st.integers(1, LONGEST)).map(
        lambda unit_count: " ".join(unit_count[0]) * unit_count[1]
    ),
)
LINKS = st.one_of(
    st.just("https://news.example/a"),
    st.text(max_size=40).map(lambda t: "https://news.example/" + t),
    st.sampled_from(
        [
            "http://127.0.0.1:99999/x",
            "http://[::1/x",
            "javascript:alert(1)",
            "//news.example/b",
            "https://news.example/a\x00b",
            "",
            "   ",
            "https://user:pw@news.example:0/",
        ]
    ),
    st.integers(),
    st.none(),
)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    config = ROOT / "config"
    return load_extractor(config / "vendors.toml", config / "catalog", config / "attributions.toml")


def _note(what: str, seconds: float, example: str) -> None:
    if seconds > WORST.get(what, (-1.0, ""))[0]:
        WORST[what] = (seconds, example[:80])


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def feed_documents(draw: st.DrawFn) -> bytes:
    """RSS, Atom or JSON Feed documents with hostile fields, sometimes damaged."""
    kind = draw(st.sampled_from(["rss", "atom", "json", "bytes"]))
    entries = draw(
        st.lists(st.tuples(TEXT, LINKS, TEXT, st.text(max_size=30)), min_size=0, max_size=4)
    )
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    if kind == "json":
        items: list[Any] = [
            {"id": guid, "url": link, "title": title, "content_text": body}
            for title, link, body, guid in entries
        ]
        items += draw(st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=2))
        document: Any = {"version": "https://jsonfeed.org/version/1.1", "items": items}
        return json.dumps(document).encode()
    parts = []
    for title, link, body, guid in entries:
        link_text = _xml(str(link)) if link is not None else ""
        if kind == "rss":
            parts.append(
                f"<item><title>{_xml(title)}</title><link>{link_text}</link>"
                f"<guid>{_xml(guid)}</guid><description>{_xml(body)}</description></item>"
            )
        else:
            parts.append(
                f'<entry><title>{_xml(title)}</title><link href="{link_text}"/>'
                f"<id>{_xml(guid)}</id><summary>{_xml(body)}</summary></entry>"
            )
    prolog = draw(st.sampled_from(["", '<!DOCTYPE rss [ <!-- <x --> <!ENTITY e "x"> ]>']))
    if kind == "rss":
        body = f'<rss version="2.0"><channel><title>t</title>{"".join(parts)}</channel></rss>'
    else:
        body = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{"".join(parts)}</feed>'
    document_text = f'<?xml version="1.0" encoding="utf-8"?>{prolog}{body}'
    cut = draw(st.one_of(st.none(), st.integers(0, len(document_text))))
    raw = document_text.encode("utf-8", "surrogatepass")
    return raw if cut is None else raw[:cut]


def _record(extractor: Extractor, title: str, url: str | None, summary: str) -> ArticleRecord:
    job = PageJob(
        canonical_url=url or "urn:fuzz",
        title=title,
        summary=summary,
        published_at=None,
        fallback_label="fuzz",
    )
    started = time.thread_time()
    record: ArticleRecord = extract_article(job, extractor).value
    _note("article", time.thread_time() - started, f"{len(summary)} chars")
    return record


def _bounded(record: ArticleRecord) -> None:
    assert len(record.text) <= MAX_ARTICLE_CHARS
    assert len(record.summary) <= MAX_ARTICLE_CHARS
    assert all(len(m.sentence) <= 1000 for m in record.extraction.mentions)
    assert len(record.extraction.candidates) <= 100


@FUZZ
@seed(20)
@given(document=feed_documents())
def test_any_feed_parses_or_fails_as_a_parse_error(extractor: Extractor, document: bytes) -> None:
    started = time.thread_time()
    failure: ParseError | None = None
    try:
        parsed = parse_feed(document, "https://news.example/feed")
    except ParseError as exc:
        failure = exc
    _note("feed document", time.thread_time() - started, f"{len(document)} bytes")
    if failure is not None:
        assert failure.error_class in ("parse", "unsafe_xml")
        assert "\n" not in str(failure)
        return
    for entry in parsed.entries:
        assert isinstance(entry.url, str | None)
        _bounded(_record(extractor, entry.title, entry.url, entry.summary))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Iterator[Store]:
    db = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    store = Store(f"sqlite:///{db}")
    with store.session() as session:
        store_sources.add_source(session, "fuzz", "https://news.example/feed")
    yield store
    store.close()


@FUZZ
@seed(21)
@given(title=TEXT, summary=TEXT, link=LINKS, guid=st.text(min_size=1, max_size=40))
def test_any_entry_is_stored_whole_or_not_at_all(
    extractor: Extractor, store: Store, title: str, summary: str, link: object, guid: str
) -> None:
    url = link if isinstance(link, str) and link.strip() else None
    record = _record(extractor, title, url, summary)
    _bounded(record)
    vendor_ids = sync_vendor_ids(store, extractor.gazetteer)
    with store.session() as session:
        source = store_sources.source_by_name(session, "fuzz")
        assert source is not None
        assert source.id is not None
        try:
            with session.begin_nested():
                outcome, article_id = save_entry(
                    session,
                    record,
                    source_id=source.id,
                    guid=guid,
                    entry_url=url,
                    vendor_ids=vendor_ids,
                )
        except TrackerError:
            return
    assert article_id is not None
    with store.session() as session:
        stored = article_detail(session, article_id)
    assert stored is not None
    if outcome != "new":
        return  # an article stored before under this URL or text: linked, not stored again
    # Whole: the article came with its text and every finding.
    assert stored["text"] in (record.text, record.text.replace("\x00", ""))
    assert sum(v["mentions"] for v in stored["vendors"]) == len(record.extraction.mentions)


CONFIG_VALUES = st.one_of(
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.booleans(),
    st.sampled_from(['"/tmp"', '"/dev/null"', "[1, 2]", "{a = 1}", '""', '"nan"']),
)
CONFIG_KEYS = st.sampled_from(
    [
        ("fetch", "timeout_s"),
        ("fetch", "per_host_delay_s"),
        ("fetch", "max_body_bytes"),
        ("fetch", "workers"),
        ("fetch", "allow_private_hosts"),
        ("extract", "vendors_file"),
        ("extract", "catalog_dir"),
        ("display", "timezone"),
        ("schedule", "interval_minutes"),
        ("fecth", "timeout_s"),
    ]
)


def _toml(value: object) -> str:
    if isinstance(value, str) and value[:1] in '"[{':
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(value), repr(value))
    return json.dumps(value)


@FUZZ
@seed(22)
@given(key=CONFIG_KEYS, value=CONFIG_VALUES)
def test_any_config_value_is_read_or_refused_in_one_line(
    tmp_path_factory: pytest.TempPathFactory, key: tuple[str, str], value: object
) -> None:
    path = tmp_path_factory.mktemp("config") / "tracker.toml"
    path.write_text(f"[{key[0]}]\n{key[1]} = {_toml(value)}\n", encoding="utf-8")
    failure: ConfigError | None = None
    try:
        load_settings(path, required=True)
    except ConfigError as exc:
        failure = exc
    assert failure is None or "\n" not in str(failure).strip()


CLI_STRINGS = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(["(", ")", "a*", "OR", "NOT", '"', "-", "AND", "TSMC"]), max_size=40
    ).map(" ".join),
    st.sampled_from(["(" * 300 + "a" + ")" * 300, "a* " * 400, "\x00", "http://[::1/x"]),
)


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    folder = tmp_path_factory.mktemp("cli")
    cli = Cli(write_config(folder / "c.toml", {}), f"sqlite:///{folder / 'cli.db'}")
    assert cli("init").exit_code == 0
    return cli


@FUZZ
@seed(23)
@given(text=CLI_STRINGS.filter(lambda s: "\x00" not in s))
def test_any_cli_string_is_answered_or_refused_in_one_line(cli: Cli, text: str) -> None:
    failure: TrackerError | None = None
    try:
        parse_query(text)
    except TrackerError as exc:
        failure = exc
    assert failure is None or "\n" not in str(failure)
    for args in (["search", text], ["sources", "add", text], ["sources", "remove", text]):
        result = cli(*args)  # an exception other than the tracker's own fails the test here
        assert result.exit_code in (0, 1, 2), (args, result.output)
        if result.exit_code:
            assert "Traceback" not in result.output
            assert "internal" not in result.stderr
            if result.stderr.startswith("Usage:"):
                continue  # the command line itself (a query that looks like an option: "-0")
            assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)


@FUZZ
@seed(24)
@given(name=CLI_STRINGS, alias=st.one_of(st.none(), CLI_STRINGS))
def test_any_vendor_name_is_added_or_refused_before_it_is_written(
    gazetteer: Gazetteer, name: str, alias: str | None
) -> None:
    failure: UsageError | None = None
    try:
        addition = plan_addition(gazetteer, name, kind="oem", aliases=[alias] if alias else [])
    except UsageError as exc:
        failure = exc
    if failure is not None:
        assert "\n" not in str(failure)
        return
    # What is written is what the gazetteer can read back.
    with_user_vendors(gazetteer, [addition.row])


def test_the_fuzz_examples_stay_few_in_make_test() -> None:
    assert EXAMPLES <= 1000
    assert Path(__file__).name == "test_fuzz.py"
