"""Unknown companies: names the gazetteer does not know, with company form ("Zhenhua
Precision Industry Co., Ltd.") or treated as companies by the sentence ("supplier Zhenhua",
"ordered from Zhenhua", "Zhenhua, a Taiwanese ODM")."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from tracker.extract.sentences import quote
from tracker.extract.vendors import sentence_at
from tracker.models import CandidateVendor

_FORM_WORDS = (
    r"Precision(?: Industry| Industrial| Machinery| Electronics)?|Electronics?|Technolog(?:y|ies)"
    r"|Semiconductors?|Microelectronics|Optoelectronics?|Materials|Industries|Industrial|Systems"
    r"|Devices|Components|Manufacturing|Photonics|Optical|Optics|Displays?|Circuits?|Instruments"
    r"|Holdings|Group|Electric|Chemicals?|Microsystems|Silicon|Microchip|Energy|Power"
)
_LEGAL = (
    r"Co\.,? Ltd\.?|Co\.|Ltd\.?|Inc\.?|Corp\.?|Corporation|Limited|PLC|plc|AG|GmbH|S\.A\.|KK|LLC"
)
_NAME_TOKEN = r"[A-Z][A-Za-z0-9&'’\-]*"


def _initials(*alternations: str) -> str:
    """The first letters of the top-level alternatives of some patterns (each alternative
    opens with a letter), for a look-ahead that skips positions no alternative can match."""
    letters: set[str] = set()
    for alternation in alternations:
        depth, at_start = 0, True
        for char in alternation:
            if at_start and depth == 0:
                assert char.isascii(), alternation
                assert char.isalpha(), alternation
                letters.add(char)
            at_start = False
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "|" and depth == 0:
                at_start = True
    return "".join(sorted(letters))


# A match opens with a capital, taken first so that the engine skips to the capitals in C
# (a pattern that opens with a look-around is tried at every position); the look-behind
# after it then says that no word character stands before. A name token and the spaces
# before it are never given back (possessive): what follows starts with a capital.
CANDIDATE_RE = re.compile(
    rf"([A-Z](?<![\w-][A-Z])[A-Za-z0-9&'’\-]*+(?:\s++{_NAME_TOKEN}+){{0,3}})\s++"
    rf"(?:(?:{_FORM_WORDS})(?:\s+(?:{_FORM_WORDS}))?(?:,?\s+(?:{_LEGAL}))?|(?:{_LEGAL}))(?![\w])"
)
_LEADING = re.compile(
    r"^(?:(?:The|A|An|Its|Their|Our|This|That|These|Shares|Shares of|Both|And|But|Rival|Peer"
    r"|Chinese|Taiwanese|Japanese|Korean|American|European|German|Indian|Vietnamese|Local"
    r"|State-owned|Smaller|Larger|Analysts|Officials|Executives|In|On|At|For|With|From|By|As"
    r"|After|Before|While|When|Meanwhile|However|Also|Then)\s+)+"
)
_GENERIC = frozenset(
    {"Advanced", "Global", "International", "General", "United", "National", "Asia", "China",
     "Taiwan", "Japan", "Korea", "Applied", "Integrated", "New", "First", "Key", "Top", "Major"}
)  # fmt: skip


_BRAND = r"[A-Z][\w&'’\-]*[A-Za-z0-9](?:\s+[A-Z][\w&'’\-]*[A-Za-z0-9]){0,2}"
_ROLE = (
    r"(?:supplier|maker|manufacturer|vendor|assembler|ODM|OEM|EMS provider|foundry|chipmaker"
    r"|contract manufacturer|firm|company)"
)
# Brand names with no company suffix that the sentence treats as companies: "supplier X",
# "ordered from X", "X, a Taiwanese ODM".
ROLE_RE = re.compile(
    rf"(?=[A-Zabmopsv])(?:(?:\b(?:supplier|suppliers|maker|vendor|assembler|partner)\s+|"
    rf"\b(?:ordered|sourced|bought|buys|orders|sources)\s+(?:\w+\s+){{0,3}}?from\s+)"
    rf"(?P<after>{_BRAND})"
    rf"|(?P<before>{_BRAND}),\s+an?\s+(?:[\w-]+\s+){{0,3}}?{_ROLE}\b)"
)
# What a match of each pattern cannot do without: a company-form word after a space; a list
# apposition (", a Taiwanese ODM"). Where it is missing, the pattern (or that half of ROLE_RE)
# cannot match and is not run.
_HAS_FORM_WORD = re.compile(
    rf"\s(?=[{_initials(_FORM_WORDS, _LEGAL)}])(?:{_FORM_WORDS}|{_LEGAL})(?![\w])"
)
_HAS_APPOSITION = re.compile(r",\s+an?\s")
# ROLE_RE's first half, its cue words grouped by first letter (in their order): each group
# opens with its letter, so the engine skips to those letters in C, and a look-behind after
# the letter stands for the word start ``\b``.
_FROM = r"\s+(?:\w+\s+){0,3}?from\s+"
ROLE_AFTER_RE = re.compile(
    rf"(?:s(?<!\ws)(?:upplier\s+|uppliers\s+|ourced{_FROM}|ources{_FROM})|m(?<!\wm)aker\s+"
    rf"|v(?<!\wv)endor\s+|a(?<!\wa)ssembler\s+|p(?<!\wp)artner\s+|o(?<!\wo)(?:rdered|rders){_FROM}"
    rf"|b(?<!\wb)(?:ought|uys){_FROM})(?P<after>{_BRAND})"
)
# What each of ROLE_AFTER_RE's cue words starts with.
_CUE_STEMS = (
    "supplier", "maker", "vendor", "assembler", "partner", "order", "source", "bought", "buys"
)  # fmt: skip
# Glued words ("SerbienBMW") and technical codes ("USB-C", "5G") are no company names.
_GLUED = re.compile(r"[a-z][A-Z]{2,}")
_CODE = re.compile(r"^[A-Z0-9]+(?:[-/][A-Z0-9]+)+$|^\d")


# Unknown names kept per article: a text that is nothing but names gives no more than this.
MAX_CANDIDATES = 100


def _is_junk(head: list[str]) -> bool:
    return any(_GLUED.search(t) for t in head) or (len(head) == 1 and bool(_CODE.match(head[0])))


def find_candidates(
    text: str, spans: list[tuple[int, int]], known: Iterable[tuple[int, int]]
) -> list[CandidateVendor]:
    """Company-form names not overlapping a known vendor or outlet, each with its sentence
    (at most ``MAX_CANDIDATES`` of them)."""
    taken = _Taken(known)
    found: dict[str, CandidateVendor] = {}
    for match in CANDIDATE_RE.finditer(text) if _HAS_FORM_WORD.search(text) else ():
        if len(found) >= MAX_CANDIDATES:
            return list(found.values())
        start, end = match.span()
        if taken.overlaps(start, end):
            continue
        name = _LEADING.sub("", match.group()).strip(" ,")
        head = _LEADING.sub("", match.group(1)).split()
        if not head or all(token in _GENERIC for token in head) or _is_junk(head):
            continue
        if name in found or len(name) < 4:
            continue
        found[name] = _candidate(text, spans, name, start, end)
    if _HAS_APPOSITION.search(text):
        role_matches = ROLE_RE.finditer(text)
    else:  # a match starts at a cue word: none before the first of them
        first = min((i for i in map(text.find, _CUE_STEMS) if i >= 0), default=-1)
        role_matches = ROLE_AFTER_RE.finditer(text, first) if first >= 0 else iter(())
    for match in role_matches:
        if len(found) >= MAX_CANDIDATES:
            break
        group = "after" if match.group("after") else "before"
        start, end = match.span(group)
        if taken.overlaps(start, end):
            continue
        name = _LEADING.sub("", match.group(group)).strip(" ,")
        head = name.split()
        if not head or all(t in _GENERIC for t in head) or _is_junk(head) or len(name) < 3:
            continue
        if name in found or any(name in other for other in found):
            continue
        found[name] = _candidate(text, spans, name, start, end)
    return list(found.values())


def _candidate(
    text: str, spans: list[tuple[int, int]], name: str, start: int, end: int
) -> CandidateVendor:
    return CandidateVendor(name, quote(text, sentence_at(text, spans, start), start, end))


class _Taken:
    """Spans of known names (vendors and outlets never overlap one another), sorted, for an
    overlap test in logarithmic time."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        # the furthest end reached by any span starting at or before each one
        self.reach: list[int] = []
        for _, e in self.spans:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.reach[i] > start
