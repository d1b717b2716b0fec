"""Vendor mentions: one multi-pattern pass over every alias, then context rules.

Names that are also ordinary words (Apple, Arm, Micron, Delta...) are marked ``ambiguous``
in the gazetteer; they count only with company evidence (see ``_has_company_evidence``).
Outlets, research firms and brokerages share the automaton so that the longest name wins
("Samsung Securities" is a brokerage, not Samsung); they become attributions, not vendors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from tracker.catalog.attributions import AttributionSource
from tracker.catalog.gazetteer import Gazetteer, Vendor
from tracker.extract.sentences import sentence_spans
from tracker.extract.vocabulary import (
    ARCHITECTURE_SUFFIXES,
    COMPANY_SUFFIXES,
    SUPPLY_CHAIN_RE,
    word_pattern,
)
from tracker.models import VendorMention

_WORD_CHAR = re.compile(r"[A-Za-z0-9_\u00C0-\u024F]")
_ACRONYM = re.compile(r"^[A-Z0-9&.\-]{2,6}$")
_SUFFIX_RE = re.compile(
    r"^,?\s+(?:" + "|".join(re.escape(s) for s in COMPANY_SUFFIXES) + r")(?![A-Za-z])"
)
# Lower-case spellings of acronyms this long are taken too ("tsmc" in a casual blog post).
_LOWERCASE_ACRONYM_MIN = 4


@dataclass(frozen=True, slots=True)
class _Alias:
    form: str
    is_case_sensitive: bool
    vendor: Vendor | None = None
    attribution: AttributionSource | None = None


@dataclass(frozen=True, slots=True)
class AttributionHit:
    """An outlet or analyst named in a text."""

    name: str
    kind: str
    start: int
    end: int


@dataclass(slots=True)
class _VendorContext:
    context: re.Pattern[str] | None
    negative: re.Pattern[str] | None


def lower_same_length(text: str) -> str:
    """``text.lower()``, except characters whose lower case changes the length."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


Candidate = tuple[int, int, _Alias]


class VendorMatcher:
    """Finds vendor mentions in text. Build once per gazetteer; ``find`` is pure."""

    def __init__(
        self, gazetteer: Gazetteer, attributions: Sequence[AttributionSource] = ()
    ) -> None:
        self.gazetteer = gazetteer
        self.attributions = list(attributions)
        self._automaton = ahocorasick.Automaton()
        self._contexts: dict[str, _VendorContext] = {}
        for vendor in gazetteer.vendors.values():
            for form in vendor.surface_forms():
                is_acronym = bool(_ACRONYM.match(form))
                self._add(form, _Alias(form, vendor.is_ambiguous or is_acronym, vendor=vendor))
                if (
                    is_acronym
                    and form.isalpha()
                    and not vendor.is_ambiguous
                    and len(form) >= _LOWERCASE_ACRONYM_MIN
                ):
                    self._add(form.lower(), _Alias(form.lower(), True, vendor=vendor))
            self._contexts[vendor.name] = _VendorContext(
                context=word_pattern(list(vendor.context)),
                negative=word_pattern(list(vendor.negative)),
            )
        for source in self.attributions:
            for form in source.surface_forms():
                self._add(form, _Alias(form, bool(_ACRONYM.match(form)), attribution=source))
        if len(self._automaton) == 0:
            self._automaton.add_word("\x00", None)
        self._automaton.make_automaton()

    def _add(self, form: str, alias: _Alias) -> None:
        key = lower_same_length(form)
        existing = self._automaton.get(key, None)
        if existing is not None and existing.vendor is not None:
            return  # a vendor's own name wins over an outlet's alias
        self._automaton.add_word(key, alias)

    def find(self, text: str, spans: list[tuple[int, int]] | None = None) -> list[VendorMention]:
        """Every vendor mention in ``text``, in order, each with its sentence."""
        return self.scan(text, spans)[0]

    def scan(
        self, text: str, spans: list[tuple[int, int]] | None = None
    ) -> tuple[list[VendorMention], list[AttributionHit]]:
        """Vendor mentions and attribution sources (outlets, analysts) in ``text``."""
        candidates = self._candidates(text)
        if not candidates:
            return [], []
        if spans is None:
            spans = sentence_spans(text)
        mentions: list[VendorMention] = []
        hits: list[AttributionHit] = []
        document: dict[tuple[str, str], bool] = {}  # (vendor, "context"|"negative") -> found
        for start, end, alias in candidates:
            if alias.attribution is not None:
                source = alias.attribution
                hits.append(AttributionHit(source.name, source.kind, start, end))
                continue
            vendor = alias.vendor
            assert vendor is not None
            sentence = sentence_at(text, spans, start)
            # "Amazon Web Services" or "Apple Inc." is no fruit: only the bare name needs proof.
            is_bare = alias.form.casefold() == vendor.name.casefold() or " " not in alias.form
            if (
                vendor.is_ambiguous
                and is_bare
                and not self._has_company_evidence(
                    text, sentence, start, end, vendor, candidates, document
                )
            ):
                continue
            mentions.append(
                VendorMention(
                    vendor=vendor.name,
                    surface=text[start:end],
                    start=start,
                    end=end,
                    sentence=text[sentence[0] : sentence[1]],
                )
            )
        return mentions, hits

    def _candidates(self, text: str) -> list[Candidate]:
        lowered = lower_same_length(text)
        found: list[Candidate] = []
        for last, alias in self._automaton.iter(lowered):
            if alias is None:
                continue
            start = last - len(alias.form) + 1
            end = last + 1
            if _WORD_CHAR.match(alias.form[0]) and start > 0 and _WORD_CHAR.match(text[start - 1]):
                continue
            if _WORD_CHAR.match(alias.form[-1]) and end < len(text) and _WORD_CHAR.match(text[end]):
                continue
            if alias.is_case_sensitive and text[start:end] != alias.form:
                continue
            found.append((start, end, alias))
        # Longest match wins where matches overlap ("Samsung Display" over "Samsung").
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        kept: list[Candidate] = []
        reach = -1
        for start, end, alias in found:
            if start >= reach:
                kept.append((start, end, alias))
                reach = end
        return kept

    def _has_company_evidence(
        self,
        text: str,
        sentence: tuple[int, int],
        start: int,
        end: int,
        vendor: Vendor,
        candidates: list[Candidate],
        document: dict[tuple[str, str], bool],
    ) -> bool:
        ctx = self._contexts[vendor.name]

        def in_document(kind: str, pattern: re.Pattern[str] | None) -> bool:
            key = (vendor.name, kind)
            if key not in document:
                document[key] = bool(pattern and pattern.search(text))
            return document[key]

        s_start, s_end = sentence
        sentence_text = text[s_start:s_end]
        after = text[end : end + 24]
        if vendor.kind == "ip" and after.startswith(ARCHITECTURE_SUFFIXES):
            return False
        if ctx.negative and ctx.negative.search(sentence_text):
            return False
        if _SUFFIX_RE.match(after):
            return True
        if any(ticker in text for ticker in vendor.tickers):
            return True
        if ctx.context and ctx.context.search(sentence_text):
            return True
        # The other sense elsewhere in the article (airline, orchard...): only the vendor's
        # own products or places anywhere in the text can outweigh it.
        if in_document("negative", ctx.negative):
            return in_document("context", ctx.context)
        others = any(
            s_start <= c_start < s_end
            and c_alias.vendor is not None
            and not c_alias.vendor.is_ambiguous
            for c_start, _, c_alias in candidates
        )
        if others:
            return True
        if SUPPLY_CHAIN_RE and SUPPLY_CHAIN_RE.search(sentence_text):
            return True
        # Elsewhere in the article: the vendor's own products or places.
        return in_document("context", ctx.context)


def sentence_at(text: str, spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding ``offset``."""
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = spans[mid]
        if offset < s:
            hi = mid - 1
        elif offset >= e:
            lo = mid + 1
        else:
            return s, e
    return (0, len(text))
