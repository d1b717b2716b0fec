"""Vendor mentions: one multi-pattern pass over every alias, then a policy for case and sense.

Case. Names written like words ("Apple", "Roku", "Linde", "Dell") match only as the
gazetteer writes them or in capitals: "roku", "alphabet" or "dell'" are words. Invented names
("Nvidia", "Samsung", "Jabil") match in any case, as casual writing has them. Acronyms match
as written; a pronounceable one of three letters or more also in title case ("Asus" for
ASUS, "Nio" for NIO), which then needs evidence.

Sense. A mention needs company evidence near it (``_has_evidence``: within its sentence and
``WINDOW`` characters either side) when
- the gazetteer marks the name ambiguous,
- the name is short (three letters or fewer: "LG", "HP", "TI", "GM", "AWS"),
- the name is a word in the page's language (``tracker.catalog.lexicon``: "Linde" on a German
  page, "Honor" on an English one), the language told by ``detect_language``,
- a capitalised word stands right before it, so it may be part of a longer name ("Gerald
  Ford", "Robert Largan", "LG Nord" the athletics club).
Evidence is the vendor's own context words, business words of the page's language (English
context words do not confirm a name on a Polish page), another company named nearby, a
company suffix or a ticker. A name that needs evidence because it is a word, short or
ambiguous counts without it once the same vendor is confirmed elsewhere in the article.
Never a company: a name after an initial or a title ("Richard T. Ford", "Dr Ford"), before
"MP" or in a reference ("Bosch, Laura"); a word-name after a number ("16 Gigabyte"); a name
inside a web address or e-mail.

Subsidiaries: a bare parent name resolves to the subsidiary whose ``topics`` the sentence
is about near the mention ("Samsung" supplying OLED panels is Samsung Display).

Outlets, research firms and brokerages share the automaton so that the longest name wins
("Samsung Securities" is a brokerage, not Samsung); they become attributions, not vendors.

Every step is linear in the text: each mention looks at a bounded window, and mentions of one
sentence share one copy of it.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from tracker.catalog.attributions import AttributionSource
from tracker.catalog.gazetteer import Gazetteer, Vendor
from tracker.catalog.lexicon import vendor_words
from tracker.extract.language import detect_language
from tracker.extract.prefilter import FOLD_UNSAFE as _FOLD_UNSAFE
from tracker.extract.prefilter import AsciiFirst
from tracker.extract.sentences import evidence_span, sentence_spans
from tracker.extract.vocabulary import (
    ARCHITECTURE_SUFFIXES,
    BUSINESS_SUBSTRINGS,
    BUSINESS_WORDS,
    COMPANY_SUFFIXES,
    SUPPLY_CHAIN_RE,
    word_pattern,
)
from tracker.models import VendorMention

_WORD_CHAR = re.compile(r"[A-Za-z0-9_\u00C0-\u024F]")
# The same characters as a set: a membership test is cheaper than a match, per alias hit.
_WORD_CHARS = frozenset(chr(c) for c in range(0x250) if _WORD_CHAR.match(chr(c)))
_ACRONYM = re.compile(r"^[A-Z0-9&.\-]{2,6}$")
_SUFFIX_RE = re.compile(
    r",?\s+(?:" + "|".join(re.escape(s) for s in COMPANY_SUFFIXES) + r")(?![A-Za-z])"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Lower-case spellings of acronyms this long are taken too ("tsmc" in a casual blog post).
_LOWERCASE_ACRONYM_MIN = 4
SHORT_NAME = 3  # letters; a name this short needs evidence
WINDOW = 120  # characters either side of a mention where evidence counts

_INITIAL_BEFORE = re.compile(r"(?:^|[\s(])[A-Z]\.\s+\Z")
_TITLES = (
    "Mr|Mrs|Ms|Dr|Prof|Sir|Lord|Lady|Dame|Rev|Gen|Sen|Rep|President|Senator"
    "|Governor|Judge|Herr|Frau|Mme|Mlle|Sr|Sra"
)
_TITLE_BEFORE = re.compile(rf"(?:^|\s)(?:{_TITLES})\.?\s+\Z")
# What the text before an initial or a title ends with, white space aside.
_TITLE_ENDS = (".", *_TITLES.split("|"))
_PERSON_AFTER = re.compile(r"^\s+(?:MP|MdB|MEP|Jr\b|Sr\b|III\b|II\b)")
_REFERENCE_AFTER = re.compile(r"^,\s*([A-Z][a-z]+)(?:[.,;]|\s+\d|\s+[A-Z]\.)")
# A capitalised word in Latin letters right before a name (Korean or Japanese words glued to
# a company's name with their particles are not names).
_NAME_BEFORE = re.compile(
    r"(?:^|[ (\[\"“])([A-Z][A-Za-z0-9\u00C0-\u024F’'\-]*[A-Za-z\u00C0-\u024F]) \Z"
)
# Words of four letters or more, for telling a headline in title case.
_LONG_WORD = re.compile(r"(?<![\w-])[^\W\d_]{4,}")
# The same where no letter or digit is outside ASCII, and those of them that start in capitals.
_ASCII_LONG_WORD = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z]{4,}")
_ASCII_CAPITAL_WORD = re.compile(r"(?<![A-Za-z0-9_-])[A-Z][A-Za-z]{3,}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
TITLE_SAMPLE = 300
# Languages that capitalise every noun: a capital word before a name is no sign of a person.
_NOUNS_CAPITALISED = frozenset({"de", "lb"})
_NUMBER_BEFORE = re.compile(
    r"(?:\d(?:[.,]?\d)*[ \u00a0]?|(?<![\w-])(?:one|two|three|four|five|six|seven|eight|nine|ten"
    r"|hundred|thousand|million|billion|ein|eine|zwei|drei|vier|fünf|sechs|sieben|acht|neun"
    r"|zehn|hundert|tausend|deux|trois|quatre|cinq|dos|tres|cuatro|cinco|several|mehrere)\s)\Z",
    re.IGNORECASE,
)
_ADDRESS_BEFORE = re.compile(r"(?:[\w-][.@]|/[\w.-]*/|://|www\.)\Z")
# An elided article or preposition ("dell'alta", "l'Apple" is fine: the name comes after).
_ELISION_AFTER = re.compile(r"^['’][^\W\d_]")
# A title-case spelling of an acronym inside a hyphenated or longer word ("Jae-sung").
_JOINED_AFTER = re.compile(r"[-'’][^\W\d_]")
TOPIC_WINDOW = 60  # characters either side where a subsidiary's topic resolves a group name
_ADDRESS_AFTER = re.compile(r"^(?:\.(?:com|net|org|de|io|co|cn|jp|kr|tw|uk|fr|html?)\b|@)")


@dataclass(frozen=True, slots=True)
class _Alias:
    form: str
    is_case_sensitive: bool
    vendor: Vendor | None = None
    attribution: AttributionSource | None = None
    # Needs company evidence wherever it appears (ambiguous, short, a title-case variant).
    is_weak: bool = False
    # Languages in which the name is an ordinary word.
    word_languages: frozenset[str] = frozenset()
    # The title-case spelling of an acronym ("Asus" for "ASUS") is also accepted.
    title_form: str = ""
    # Found in lower case though the name is a word ("vivo", "roku").
    is_lower: bool = False


@dataclass(frozen=True, slots=True)
class AttributionHit:
    """An outlet or analyst named in a text."""

    name: str
    kind: str
    start: int
    end: int


@dataclass(slots=True)
class _VendorContext:
    names: re.Pattern[str] | None  # context words that are names: count on any page
    words: re.Pattern[str] | None  # context words that are English words: English pages only
    negative: re.Pattern[str] | None
    topics: re.Pattern[str] | None
    # The negative words lower-cased, when a text without them cannot match ``negative``
    # (see ``_fold_safe``); None when the pattern must always be run.
    negative_words: tuple[str, ...] | None = None


def lower_same_length(text: str) -> str:
    """``text.lower()``, except characters whose lower case changes the length."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


Candidate = tuple[int, int, _Alias]


def _is_lower_acronym(alias: _Alias, surface: str) -> bool:
    """Lower-case spellings of long acronyms are taken ("tsmc" in a casual blog post)."""
    return (
        surface.islower()
        and alias.form.isupper()
        and alias.form.isalpha()
        and len(alias.form) >= _LOWERCASE_ACRONYM_MIN
        and not alias.word_languages
        and alias.vendor is not None
        and not alias.vendor.is_ambiguous
    )


def _is_pronounceable(form: str) -> bool:
    letters = form.lower()
    return (
        form.isalpha()
        and len(form) >= SHORT_NAME
        and any(c in "aeiou" for c in letters)
        and any(c not in "aeiou" for c in letters)
    )


class VendorMatcher:
    """Finds vendor mentions in text. Build once per gazetteer; ``find`` is pure."""

    def __init__(
        self, gazetteer: Gazetteer, attributions: Sequence[AttributionSource] = ()
    ) -> None:
        self.gazetteer = gazetteer
        self.attributions = list(attributions)
        self._automaton = ahocorasick.Automaton()
        self._contexts: dict[str, _VendorContext] = {}
        self._children: dict[str, list[Vendor]] = {}
        words = vendor_words()
        bare = {
            form.casefold(): v.name for v in gazetteer.vendors.values() for form in _bare_forms(v)
        }
        for vendor in gazetteer.vendors.values():
            group = vendor.parent or bare.get(vendor.name.split()[0].casefold(), "")
            if vendor.topics and group and group != vendor.name:
                self._children.setdefault(group, []).append(vendor)
            for form in vendor.surface_forms():
                self._add_vendor_form(vendor, form, words)
            names = [w for w in vendor.context if not w.islower()]
            english = [w for w in vendor.context if w.islower()]
            self._contexts[vendor.name] = _VendorContext(
                names=word_pattern(names),
                words=word_pattern(english),
                negative=word_pattern(list(vendor.negative)),
                topics=word_pattern(list(vendor.topics)),
                negative_words=_fold_safe(vendor.negative),
            )
        for source in self.attributions:
            for form in source.surface_forms():
                self._add(form, _Alias(form, bool(_ACRONYM.match(form)), attribution=source))
        if len(self._automaton) == 0:
            self._automaton.add_word("\x00", None)
        self._automaton.make_automaton()
        # the search: the same hits, faster (see AsciiFirst)
        self._search = AsciiFirst(self._automaton.items())
        # Whether each form starts and ends with a word character (then a word character
        # next to it in the text means the form is inside a longer word).
        self._word_edges = {
            alias.form: (
                bool(_WORD_CHAR.match(alias.form[0])),
                bool(_WORD_CHAR.match(alias.form[-1])),
            )
            for alias in self._automaton.values()
            if alias is not None
        }
        self._business = {
            lang: word_pattern(list(words_)) for lang, words_ in BUSINESS_WORDS.items()
        }

    def _add_vendor_form(self, vendor: Vendor, form: str, words: dict[str, frozenset[str]]) -> None:
        is_acronym = bool(_ACRONYM.match(form))
        languages = words.get(form.lower(), frozenset()) if " " not in form else frozenset()
        letters = sum(c.isalpha() for c in form)
        is_cjk = bool(_CJK.search(form))
        is_short = not is_cjk and letters <= SHORT_NAME and " " not in form
        is_weak = vendor.is_ambiguous or is_short
        is_case_sensitive = vendor.is_ambiguous or is_acronym or bool(languages)
        title = form.title() if is_acronym and _is_pronounceable(form) else ""
        self._add(
            form,
            _Alias(
                form,
                is_case_sensitive,
                vendor=vendor,
                is_weak=is_weak,
                word_languages=languages,
                title_form=title if title != form else "",
            ),
        )

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
        self, text: str, spans: list[tuple[int, int]] | None = None, language: str | None = None
    ) -> tuple[list[VendorMention], list[AttributionHit]]:
        """Vendor mentions and attribution sources (outlets, analysts) in ``text``, written in
        ``language`` (told from the text when not given; see ``detect_language``)."""
        lowered = lower_same_length(text)
        candidates = self._candidates(text, lowered)
        if not candidates:
            return [], []
        if spans is None:
            spans = sentence_spans(text)
        if language is None:
            language = detect_language(text)
        page = _Page(text, spans, candidates, language, lowered)
        hits: list[AttributionHit] = []
        verdicts: dict[int, str] = {}
        for index, (start, end, alias) in enumerate(candidates):
            if alias.attribution is not None:
                source = alias.attribution
                hits.append(AttributionHit(source.name, source.kind, start, end))
                continue
            verdicts[index] = self._verdict(page, index)
        # A name still in doubt is a company when a company confirmed on its own stands
        # near it ("Anthropic ... Google TPUs"), or when its vendor is confirmed elsewhere.
        for index, verdict in list(verdicts.items()):
            if verdict == "weak" and page.confirmed_near(index, verdicts):
                verdicts[index] = "near"
        confirmed = {
            alias.vendor.name
            for index, (_, _, alias) in enumerate(candidates)
            if alias.vendor is not None and verdicts.get(index) in ("yes", "near")
        }
        decided = [
            (start, end, alias, alias.vendor, verdicts[index])
            for index, (start, end, alias) in enumerate(candidates)
            if alias.vendor is not None
        ]
        mentions: list[VendorMention] = []
        for start, end, alias, vendor, verdict in decided:
            assert vendor is not None
            if verdict == "no" or (verdict == "weak" and vendor.name not in confirmed):
                continue
            name = self._resolve(page, start, end, alias, vendor)
            mentions.append(
                VendorMention(
                    vendor=name,
                    surface=text[start:end],
                    start=start,
                    end=end,
                    sentence=page.evidence(start, end),
                )
            )
        return mentions, hits

    def _candidates(self, text: str, lowered: str) -> list[Candidate]:
        found: list[Candidate] = []
        for last, alias in self._search.hits(lowered):
            if alias is None:
                continue
            start = last - len(alias.form) + 1
            end = last + 1
            word_start, word_end = self._word_edges[alias.form]
            if word_start and start > 0 and text[start - 1] in _WORD_CHARS:
                continue
            if word_end and end < len(text) and text[end] in _WORD_CHARS:
                continue
            if alias.is_case_sensitive:
                surface = text[start:end]
                if surface == alias.title_form and alias.title_form:
                    if _JOINED_AFTER.match(text, end) or text.startswith(".", end):
                        continue  # "Jae-sung", "Abb." (an abbreviation)
                    alias = _Alias(
                        alias.form,
                        True,
                        vendor=alias.vendor,
                        is_weak=True,
                        word_languages=alias.word_languages,
                    )
                elif alias.word_languages and alias.vendor is not None and surface.islower():
                    # A word-name in lower case may still be the brand ("vivo") on a page in
                    # another language; ``_verdict`` decides, with evidence.
                    alias = _Alias(
                        alias.form,
                        True,
                        vendor=alias.vendor,
                        is_weak=True,
                        word_languages=alias.word_languages,
                        is_lower=True,
                    )
                elif surface != alias.form and not (
                    alias.vendor is not None
                    and (surface == alias.form.upper() or _is_lower_acronym(alias, surface))
                ):
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

    def _verdict(self, page: _Page, index: int) -> str:
        """ "yes" (a company), "no", or "weak" (a company if confirmed elsewhere)."""
        start, end, alias = page.candidates[index]
        vendor = alias.vendor
        assert vendor is not None
        text = page.text
        before = text[max(0, start - 40) : start]
        after = text[end : end + 40]
        # The patterns on ``before`` end at its end: the last characters rule most out.
        if (before.endswith((".", "@", "/")) and _ADDRESS_BEFORE.search(before)) or (
            _ADDRESS_AFTER.match(after)
        ):
            return "no"
        if vendor.kind == "ip" and after.startswith(ARCHITECTURE_SUFFIXES):
            return "no"
        if _ELISION_AFTER.match(after) and after[1:2] != "s":
            return "no"  # "dell'alta pressione"
        if alias.is_lower and (page.language in alias.word_languages or not page.language):
            return "no"  # "w 1965 roku", "the alphabet"
        lower_acronym = alias.form.isupper() and text[start:end].islower()
        if lower_acronym and not page.language:
            return "no"  # "amat" on a page in a language we cannot tell
        # "Amazon Web Services" or "Apple Inc." is no fruit: only the bare name needs proof.
        is_bare = " " not in alias.form or alias.form.casefold() == vendor.name.casefold()
        if not is_bare:
            return "yes"
        if (
            before[-1:].isspace()
            and before.rstrip().endswith(_TITLE_ENDS)
            and (_INITIAL_BEFORE.search(before) or _TITLE_BEFORE.search(before))
        ):
            return "no"
        if _PERSON_AFTER.match(after):
            return "no"
        reference = _REFERENCE_AFTER.match(after)
        if reference and not page.candidate_at(end + reference.start(1)):
            return "no"
        is_word = page.language in alias.word_languages or (
            bool(alias.word_languages) and not page.language
        )
        if (
            alias.word_languages
            and len(alias.form) > SHORT_NAME
            and (page.language in alias.word_languages or "en" in alias.word_languages)
            and _NUMBER_BEFORE.search(before)
        ):
            return "no"  # "16 Gigabyte", "3 Tesla": a unit
        name_before = (
            _NAME_BEFORE.search(before)
            if before.endswith(" ")
            and " " not in alias.form
            and page.language not in _NOUNS_CAPITALISED
            else None
        )
        # a headline in title case says nothing of a longer name (asked only when it matters)
        if name_before is not None and page.is_title_case(start):
            name_before = None
        is_in_longer_name = bool(
            name_before
            and not page.candidate_ending(start - 1)
            and not name_before.group(1).endswith(("'s", "’s"))
            and name_before.group(1).lower() not in _FUNCTION_WORDS
        )
        if not (alias.is_weak or is_word or is_in_longer_name or lower_acronym):
            return "yes"
        evidence = self._has_evidence(page, index, strong_only=is_in_longer_name)
        if evidence is None:
            return "no"
        if evidence:
            return "yes"
        return "no" if is_in_longer_name else "weak"

    def _has_evidence(self, page: _Page, index: int, strong_only: bool = False) -> bool | None:
        """Company evidence near a mention: True, False, or None when the words near it
        say it is the other sense (the vendor's negative words). ``strong_only``: only what
        names this company (suffix, ticker, its own context words), not business words or
        other companies nearby ("Gerald Ford" next to "Chrysler" is still a person)."""
        start, end, alias = page.candidates[index]
        vendor = alias.vendor
        assert vendor is not None
        ctx = self._contexts[vendor.name]
        text = page.text
        w_start, w_end = page.window(start, end)
        if ctx.negative and ctx.negative.search(text, w_start, w_end):
            return None
        if _SUFFIX_RE.match(text, end, min(len(text), end + 24)):
            return True
        if page.has_ticker(vendor):
            return True
        if ctx.names and ctx.names.search(text, w_start, w_end):
            return True
        english = page.language in ("en", "")
        if english and ctx.words and ctx.words.search(text, w_start, w_end):
            return True
        # The other sense elsewhere in the article (an airline, a river): only what names
        # this company near the mention, above, outweighs it.
        if strong_only or page.has_pattern(vendor.name, ctx.negative, ctx.negative_words):
            return False
        if self._business_near(page, w_start, w_end):
            return True
        return page.other_company_near(index, w_start, w_end)

    def _business_near(self, page: _Page, w_start: int, w_end: int) -> bool:
        language = page.language
        text = page.text
        english = language in ("en", "", "zh", "ja", "ko")
        if english and SUPPLY_CHAIN_RE and SUPPLY_CHAIN_RE.search(text, w_start, w_end):
            return True
        pattern = self._business.get(language)
        if pattern is not None and pattern.search(text, w_start, w_end):
            return True
        window = text[w_start:w_end] if language in BUSINESS_SUBSTRINGS else ""
        return any(word in window for word in BUSINESS_SUBSTRINGS.get(language, ()))

    def _resolve(self, page: _Page, start: int, end: int, alias: _Alias, vendor: Vendor) -> str:
        """The subsidiary a bare parent name means, by what the words near it are about."""
        children = self._children.get(vendor.name)
        if not children or alias.form.casefold() not in _bare_forms(vendor):
            return vendor.name
        if page.text.startswith(("'s", "’s"), end):
            return vendor.name  # "Samsung's display unit" names the group
        w_start, w_end = page.window(start, end, TOPIC_WINDOW)
        best: tuple[int, str] | None = None
        for child in children:
            topics = self._contexts[child.name].topics
            if topics is None:
                continue
            for match in topics.finditer(page.text, w_start, w_end):
                distance = match.start() - end if match.start() >= end else start - match.end()
                if best is None or distance < best[0]:
                    best = (distance, child.name)
        return best[1] if best else vendor.name


def _bare_forms(vendor: Vendor) -> set[str]:
    """The one-word forms of a group's name ("Samsung", "LG", "삼성전자")."""
    return {f.casefold() for f in (vendor.name, *vendor.aliases) if " " not in f}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that begin sentences and lists but are not part of a name.
_FUNCTION_WORDS = _words(
    "the a an and or but in on at for with from by as of to its their our this that these "
    "those both rival shares analysts while when after before since unlike like than "
    "der die das den dem des ein eine und oder bei mit von für auch wie le la les un une et "
    "de du des el los las y con para il lo gli i w z na do"
)


def _fold_safe(words: Sequence[str]) -> tuple[str, ...] | None:
    """``words`` lower-cased, as ``word_pattern`` matches them, for a test before the
    pattern runs; None when one of them holds a character ``_FOLD_UNSAFE`` names."""
    cleaned = tuple(sorted({w.strip().lower() for w in words if w.strip()}))
    if not cleaned or _FOLD_UNSAFE is None:
        return None
    if any(_FOLD_UNSAFE.search(w) for w in cleaned):
        return None
    return cleaned


class _Page:
    """One text under scan: its sentences, language and candidates, with lookups that cost
    a bounded amount per mention."""

    def __init__(
        self,
        text: str,
        spans: list[tuple[int, int]],
        candidates: list[Candidate],
        language: str,
        lowered: str | None = None,
    ) -> None:
        self.text = text
        self.lowered = lowered if lowered is not None else lower_same_length(text)
        self._is_fold_safe: bool | None = None
        self.spans = spans
        self.candidates = candidates
        self.language = language
        self.starts = [c[0] for c in candidates]
        self._span_starts = [s for s, _ in spans]
        self.ends = {c[1] for c in candidates}
        self._sentences: dict[int, str] = {}
        self._windows: dict[tuple[int, int], str] = {}
        self._tickers: dict[str, bool] = {}
        self._patterns: dict[str, bool] = {}
        self._title_case: dict[int, bool] = {}

    def sentence_span(self, offset: int) -> tuple[int, int]:
        """``sentence_at``, by a bisection in C over the sentences' starts."""
        i = bisect.bisect_right(self._span_starts, offset) - 1
        if i >= 0 and offset < self.spans[i][1]:
            return self.spans[i]
        return (0, len(self.text))

    def sentence(self, offset: int) -> str:
        """The sentence holding ``offset``; mentions of one sentence share one string."""
        return self._sentence(self.sentence_span(offset))

    def _sentence(self, span: tuple[int, int]) -> str:
        s_start, s_end = span
        found = self._sentences.get(s_start)
        if found is None:
            found = self._sentences[s_start] = self.text[s_start:s_end]
        return found

    def evidence(self, start: int, end: int) -> str:
        """The evidence quoted for a mention: its sentence (shared by the mentions of one
        sentence) or, in a long one, a bounded window around it."""
        span = self.sentence_span(start)
        window = evidence_span(self.text, span, start, end)
        if window == span:
            return self._sentence(span)
        found = self._windows.get(window)
        if found is None:
            found = self._windows[window] = self.text[window[0] : window[1]]
        return found

    def is_title_case(self, offset: int) -> bool:
        """Whether the sentence holding ``offset`` capitalises its words, as headlines do
        ("OpenAI Reportedly Taps Apple Suppliers MediaTek"): there a capital word before a
        name says nothing of a longer name. Looked at once per sentence, its first
        ``TITLE_SAMPLE`` characters."""
        s_start, s_end = self.sentence_span(offset)
        found = self._title_case.get(s_start)
        if found is None:
            end = min(s_end, s_start + TITLE_SAMPLE)
            others = _NON_ASCII.findall(self.text, max(0, s_start - 1), end)
            if not any(c.isalnum() for c in others):  # letters are A-Z and a-z: count in C
                count = len(_ASCII_LONG_WORD.findall(self.text, s_start, end))
                capitals = len(_ASCII_CAPITAL_WORD.findall(self.text, s_start, end))
            else:
                words = _LONG_WORD.findall(self.text, s_start, end)
                count, capitals = len(words), sum(1 for w in words if w[0].isupper())
            found = self._title_case[s_start] = count >= 3 and capitals >= 0.7 * count
        return found

    def window(self, start: int, end: int, reach: int = WINDOW) -> tuple[int, int]:
        s_start, s_end = self.sentence_span(start)
        return max(s_start, start - reach), min(s_end, end + reach)

    def candidate_at(self, offset: int) -> bool:
        i = bisect.bisect_left(self.starts, offset)
        return i < len(self.starts) and self.starts[i] == offset

    def candidate_ending(self, offset: int) -> bool:
        """Whether a candidate ends at ``offset`` (or right before the space there)."""
        return offset in self.ends or offset + 1 in self.ends

    def has_pattern(
        self, key: str, pattern: re.Pattern[str] | None, words: tuple[str, ...] | None = None
    ) -> bool:
        """Whether ``pattern`` occurs anywhere in the text (one search per vendor).
        ``words``: strings one of which (lower-cased) every match holds, from ``_fold_safe``;
        when the lower-cased text holds none, the pattern cannot match and is not run."""
        if pattern is None:
            return False
        if key not in self._patterns:
            if (
                words is not None
                and self.is_fold_safe()
                and not any(w in self.lowered for w in words)
            ):
                self._patterns[key] = False
            else:
                self._patterns[key] = pattern.search(self.text) is not None
        return self._patterns[key]

    def is_fold_safe(self) -> bool:
        """Whether a case-insensitive pattern matches the text only where the lower-cased
        text holds its lower-cased words (no character ``_FOLD_UNSAFE`` names)."""
        if self._is_fold_safe is None:
            self._is_fold_safe = _FOLD_UNSAFE is not None and not _FOLD_UNSAFE.search(self.text)
        return self._is_fold_safe

    def has_ticker(self, vendor: Vendor) -> bool:
        if vendor.name not in self._tickers:
            self._tickers[vendor.name] = any(t in self.text for t in vendor.tickers)
        return self._tickers[vendor.name]

    def other_company_near(self, index: int, w_start: int, w_end: int) -> bool:
        """Another company named in the window, by a name that needs no evidence itself."""
        lo = bisect.bisect_left(self.starts, w_start)
        hi = bisect.bisect_left(self.starts, w_end)
        own = self.candidates[index][2].vendor
        for i in range(lo, hi):
            alias = self.candidates[i][2]
            if (
                i != index
                and alias.vendor is not None
                and alias.vendor is not own
                and not alias.vendor.is_ambiguous
                and not alias.is_weak
                and self.language not in alias.word_languages
            ):
                return True
        return False

    def confirmed_near(self, index: int, verdicts: dict[int, str]) -> bool:
        """Another company confirmed on its own ("yes") in the mention's window."""
        start, end, alias = self.candidates[index]
        w_start, w_end = self.window(start, end)
        lo = bisect.bisect_left(self.starts, w_start)
        hi = bisect.bisect_left(self.starts, w_end)
        return any(
            verdicts.get(i) == "yes" and self.candidates[i][2].vendor is not alias.vendor
            for i in range(lo, hi)
        )


def sentence_at(text: str, spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding ``offset`` (``spans`` sorted, apart)."""
    i = bisect.bisect_right(spans, offset, key=_START) - 1
    if i >= 0 and offset < spans[i][1]:
        return spans[i]
    return (0, len(text))


_START = operator.itemgetter(0)
