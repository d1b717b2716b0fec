"""The pattern prefilter skips only patterns that cannot match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tracker.extract import grammar_en
from tracker.extract.grammar_intl import GRAMMARS
from tracker.extract.prefilter import Prefilter, first_chars, least_count, required_factors
from tracker.extract.sentences import sentence_spans

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("pattern", "factors"),
    [
        ("supply", {"supply"}),
        (r"\badd", {"add"}),
        (r"\bused\b", {"used"}),
        ("mak(?:e|es|ing)|made", {"make", "making", "made"}),  # "makes" holds "make"
        ("w[oi]n", {"won", "win"}),
        ("ab?c", {"ac", "abc"}),
        (r"[^a]bc", {"bc"}),
        (r"order\w* [^x]{0,60}?\bfrom", {"order"}),  # the longer of two required words
        (r"(?:mov|shift)\w* to", {"mov", "shift"}),  # the longer strings win a tie
        (r"x(?:ab)+y", {"ab"}),
    ],
)
def test_required_factors(pattern: str, factors: set[str]) -> None:
    assert required_factors(pattern) == (factors, False)


def test_case_insensitive_patterns_are_run_on_text_that_folds_beyond_lower_case() -> None:
    assert required_factors(re.compile("Supplied BY", re.IGNORECASE)) == ({"supplied by"}, True)
    prefilter = Prefilter([re.compile("supplied", re.IGNORECASE), "made"])
    assert prefilter.candidates("it was supplied") == {0}
    assert prefilter.candidates("it was made") == {1}
    # the long s matches "s" case-insensitively but does not lower-case to it
    assert re.search("supplied", "ſupplied", re.IGNORECASE)
    assert prefilter.candidates("ſupplied") == {0}
    assert prefilter.ends("ſupplied") is None
    # the dotted capital I lower-cases to "i" and a combining dot; re folds it to "i"
    assert re.search("supplied", "suppl\u0130ed", re.IGNORECASE)
    assert prefilter.candidates("suppl\u0130ed".lower()) == {0}
    # other letters and marks outside ASCII fold as they lower-case: the test stands
    assert prefilter.candidates("“it was made” in zürich") == {1}
    assert prefilter.ends("“it was made”") == [11]


def test_a_literal_that_folds_beyond_lower_case_is_always_run() -> None:
    prefilter = Prefilter([re.compile("5µm", re.IGNORECASE), "made"])
    assert re.search("5µm", "5\u039cm".lower(), re.IGNORECASE)  # capital mu, micro sign
    assert prefilter.candidates("5\u039cm".lower()) == {0}


def test_opaque_characters_are_never_required() -> None:
    # a template's slot markers: the pattern matches them, the searched sentence has none
    slot = re.compile(r"\x03(?P<s>\d+)\x04 supplies", re.IGNORECASE)
    assert required_factors(slot, opaque="\x03\x04") == ({" supplies"}, True)
    assert required_factors(r"\x03\x04", opaque="\x03\x04") is None


def test_ends_are_where_factors_end() -> None:
    prefilter = Prefilter(["recall(?:ed|s)?", "strike"])
    text = "no news. a recall. then a strike."
    assert prefilter.ends(text) == [text.index("recall") + 5, text.index("strike") + 5]
    assert Prefilter([r"\w+"]).ends(text) is None


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?i:supply)",  # a flag inside the pattern: not read, always run
        r"(?x)supply",
        r"\w+",
        r"a|\d",  # one alternative without a literal
        r"(?:supply)?",
        "unbalanced(",
    ],
)
def test_patterns_without_usable_factors_are_always_run(pattern: str) -> None:
    assert required_factors(pattern) is None
    prefilter = Prefilter([pattern, "supply"])
    assert prefilter.candidates("nothing here") == {0}
    assert prefilter.candidates("supply") == {0, 1}


def _sentences() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "fixtures" / "gold").glob("*.jsonl")]
    found: list[str] = []
    for blob in texts:
        for line in blob.splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                found.extend(text[s:e].lower() for s, e in sentence_spans(text))
    return found


def test_the_relation_tests_are_never_skipped_when_they_would_pass() -> None:
    sentences = _sentences()
    assert len(sentences) > 200
    grammars = (grammar_en.GRAMMAR, *GRAMMARS.values())
    needs = list(dict.fromkeys(r.need for g in grammars for r in g.rules))
    prefilter = Prefilter(needs)
    compiled = [re.compile(n) for n in needs]
    skipped = 0
    for sentence in sentences:
        maybe = prefilter.candidates(sentence)
        for index, pattern in enumerate(compiled):
            if pattern.search(sentence):
                assert index in maybe, (needs[index], sentence)
            elif index not in maybe:
                skipped += 1
    # and it does rule most of them out without running them
    assert skipped > len(sentences) * len(needs) // 2


def test_a_factor_within_a_range() -> None:
    prefilter = Prefilter([r"(?<![\w-])strike"])
    text = "a strike. then calm. strikes again"
    assert not prefilter.runs_everywhere(text)
    assert prefilter.has_factor(text, 0, 9)
    assert not prefilter.has_factor(text, 10, 20)
    assert not prefilter.has_factor(text, 4, 20)  # a factor cut by the range's start
    assert Prefilter([r"\w+"]).runs_everywhere(text)


@pytest.mark.parametrize(
    ("pattern", "least"),
    [
        (r"\x03\d+\x04 supplies \x03\d+\x04", 2),
        (r"(?:\x03\d+\x04|\x05\d+\x06) to (?:\x03\d+\x04|\x05\d+\x06)", 2),
        (r"\x03\d+\x04(?: and \x03\d+\x04)?", 1),
        (r"(?:\x03\d+\x04,\s*){2,}", 2),
        (r"[\x03\x05]\d+ (?=\x03)", 0),  # classes and look-arounds count for nothing
    ],
)
def test_least_slot_count(pattern: str, least: int) -> None:
    assert least_count(re.compile(pattern, re.IGNORECASE), "\x03\x05") == least


@pytest.mark.parametrize(
    ("pattern", "chars"),
    [
        ("supply|make", "ms"),
        (r"(?<![\w-])(?:ab|[cd]e)", "acd"),  # a look-around takes no character
        ("(?:the )?chip", "ct"),  # an optional part: its letters or the next one's
        ("x*y", "xy"),
        (r"\w+", None),  # a category is not listed
        ("[^a]b", None),
        ("a?", None),  # a match may be empty
        ("(?i:a)b", None),  # an inline flag
    ],
)
def test_first_chars(pattern: str, chars: str | None) -> None:
    assert first_chars(pattern) == chars


def test_a_guard_of_first_chars_changes_no_match() -> None:
    words = r"(?<![\w-])(?:suppl(?:y|ies)|mak(?:e|es)|in charge of)"
    plain = re.compile(words, re.IGNORECASE)
    chars = first_chars(words)
    assert chars == "ims"
    guarded = re.compile(f"(?=[{chars}])" + words, re.IGNORECASE)
    text = "Supplies MAKES ſupply in Charge of xmake makes"  # the long s folds to "s"
    assert [m.span() for m in guarded.finditer(text)] == [m.span() for m in plain.finditer(text)]
