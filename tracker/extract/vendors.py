"""Vendor mentions: a multi-pattern match over every alias, then context rules.

Names that are also ordinary words (Apple, Arm, Micron, Delta...) are marked ``ambiguous``
in the gazetteer; they count only with company evidence (see ``_has_company_evidence``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

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


@dataclass(frozen=True, slots=True)
class _Alias:
    vendor: Vendor
    form: str
    is_case_sensitive: bool


@dataclass(slots=True)
class _VendorContext:
    context: re.Pattern[str] | None
    negative: re.Pattern[str] | None


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class VendorMatcher:
    """Finds vendor mentions in text. Build once per gazetteer; ``find`` is pure."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._automaton = ahocorasick.Automaton()
        self._contexts: dict[str, _VendorContext] = {}
        for vendor in gazetteer.vendors.values():
            for form in vendor.surface_forms():
                case_sensitive = vendor.is_ambiguous or bool(_ACRONYM.match(form))
                key = _lower_same_length(form)
                self._automaton.add_word(key, _Alias(vendor, form, case_sensitive))
            self._contexts[vendor.name] = _VendorContext(
                context=word_pattern(list(vendor.context)),
                negative=word_pattern(list(vendor.negative)),
            )
        if len(self._automaton) == 0:
            self._automaton.add_word("\x00", None)
        self._automaton.make_automaton()

    def find(self, text: str) -> list[VendorMention]:
        """Every vendor mention in ``text``, in order, each with its sentence."""
        candidates = self._candidates(text)
        if not candidates:
            return []
        spans = sentence_spans(text)
        mentions: list[VendorMention] = []
        for start, end, alias in candidates:
            sentence = _sentence_at(text, spans, start)
            if alias.vendor.is_ambiguous and not self._has_company_evidence(
                text, sentence, start, end, alias, candidates
            ):
                continue
            mentions.append(
                VendorMention(
                    vendor=alias.vendor.name,
                    surface=text[start:end],
                    start=start,
                    end=end,
                    sentence=text[sentence[0] : sentence[1]],
                )
            )
        return mentions

    def _candidates(self, text: str) -> list[tuple[int, int, _Alias]]:
        lowered = _lower_same_length(text)
        found: list[tuple[int, int, _Alias]] = []
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
        kept: list[tuple[int, int, _Alias]] = []
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
        alias: _Alias,
        candidates: list[tuple[int, int, _Alias]],
    ) -> bool:
        vendor = alias.vendor
        ctx = self._contexts[vendor.name]
        s_start, s_end = sentence
        sentence_text = text[s_start:s_end]
        after = text[end : end + 24]
        if (
            any(after.startswith(suffix) for suffix in ARCHITECTURE_SUFFIXES)
            and vendor.kind == "ip"
        ):
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
        if ctx.negative and ctx.negative.search(text):
            return bool(ctx.context and ctx.context.search(text))
        others = any(
            s_start <= c_start < s_end and not c_alias.vendor.is_ambiguous
            for c_start, _, c_alias in candidates
        )
        if others:
            return True
        if SUPPLY_CHAIN_RE and SUPPLY_CHAIN_RE.search(sentence_text):
            return True
        # Elsewhere in the article: the vendor's own products or places.
        return bool(ctx.context and ctx.context.search(text))


def _sentence_at(text: str, spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
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
