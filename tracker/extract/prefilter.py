"""Which of many regular expressions can match a text, from one pass over it.

A pattern such as ``suppl(?:y|ies)|mak(?:e|es|ing)|made`` cannot match a text that contains
none of "suppl", "mak" and "made". ``required_factors`` reads those strings off the pattern's
parse tree; ``Prefilter`` finds every factor of every pattern in one Aho-Corasick pass and
says which patterns are worth running. It only ever skips a pattern that could not match:
a pattern it cannot read (no usable literal, an inline flag) is always run.

Case-insensitive patterns get lower-cased factors and are looked up in lower-cased text.
For ASCII text that is exact; outside ASCII a few characters match case-insensitively
without lower-casing to the same letter (the long s matches "s"), so for a text that holds
one of them (``FOLD_UNSAFE``) those patterns are always run.
"""

from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

import ahocorasick

_c: Any
_p: Any
try:  # the standard library's own parser; private, so any surprise means "no prefilter"
    _c = importlib.import_module("re._constants")
    _p = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - a Python without them runs every pattern
    _p = _c = None

# Finite sets of strings are multiplied out up to this size ("mak(?:e|es|ing)" gives three).
_CAP = 32
_Item = tuple[Any, Any]


class _Reader:
    """Factors of one parse tree; ``opaque`` characters never count as text (the slot
    markers a pattern matches in a template but the searched text does not hold)."""

    def __init__(self, opaque: str) -> None:
        self.opaque = {ord(c) for c in opaque}

    def exact(self, item: _Item) -> set[str] | None:
        """Every string ``item`` matches, when that is a small finite set."""
        op, av = item
        if op is _c.LITERAL:
            return None if av in self.opaque else {chr(av)}
        if op is _c.AT:
            return {""}
        if op is _c.IN:
            if len(av) <= 8 and all(k is _c.LITERAL and v not in self.opaque for k, v in av):
                return {chr(code) for _, code in av}
            return None
        if op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, body = av
            return None if add_flags else self.exact_seq(body)
        if op is _c.BRANCH:
            found = _union(map(self.exact_seq, av[1]))
            return found if found is not None and len(found) <= _CAP else None
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            low, high, body = av
            strings = self.exact_seq(body)
            if strings is None or high > 2:
                return None
            repeated: set[str] = set()
            for count in range(low, high + 1):
                repeated |= {"".join(p) for p in itertools.product(strings, repeat=count)}
            return repeated if len(repeated) <= _CAP else None
        return None

    def exact_seq(self, items: Sequence[_Item]) -> set[str] | None:
        product = {""}
        for item in items:
            strings = self.exact(item)
            if strings is None or len(product) * len(strings) > _CAP:
                return None
            product = {a + b for a in product for b in strings}
        return product

    def required_item(self, item: _Item) -> set[str] | None:
        op, av = item
        if op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, body = av
            return None if add_flags else self.required_seq(body)
        if op is _c.BRANCH:
            return _union(map(self.required_seq, av[1]))
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            return self.required_seq(av[2])
        return None

    def required_seq(self, items: Sequence[_Item]) -> set[str] | None:
        """Strings one of which every match of the sequence contains."""
        best: set[str] | None = None
        run = {""}  # the exact strings of the current stretch of finite items
        for item in items:
            strings = self.exact(item)
            if strings is not None and len(run) * len(strings) <= _CAP:
                run = {a + b for a in run for b in strings}
                continue
            best = _better(best, run)
            run = strings if strings is not None else {""}
            if strings is None:
                best = _better(best, self.required_item(item))
        return _better(best, run)


def _union(alternatives: Iterable[set[str] | None]) -> set[str] | None:
    """The strings of a branch: every alternative's, or None when one has none."""
    found: set[str] = set()
    for strings in alternatives:
        if strings is None:
            return None
        found |= strings
    return found


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more selective of two factor sets: longer shortest string, then longer strings."""
    usable = [s for s in (a, b) if s and min(map(len, s)) > 0]
    if not usable:
        return None
    return max(usable, key=lambda s: (min(map(len, s)), sum(map(len, s)) / len(s)))


def required_factors(
    pattern: str | re.Pattern[str], opaque: str = ""
) -> tuple[frozenset[str], bool] | None:
    """Strings one of which every match of ``pattern`` contains, and whether the pattern is
    case-insensitive (the strings are then lower-cased); None when the pattern has no such
    set we can read, so it must always be run."""
    if _p is None:
        return None  # pragma: no cover
    source, flags = (
        (pattern.pattern, pattern.flags) if isinstance(pattern, re.Pattern) else (pattern, 0)
    )
    try:
        parsed = _p.parse(source, flags)
    except Exception:  # an unreadable pattern is simply not prefiltered
        return None
    flags = parsed.state.flags
    if flags & _c.SRE_FLAG_VERBOSE:
        return None
    found = _Reader(opaque).required_seq(list(parsed))
    if not found:
        return None
    ignore_case = bool(flags & _c.SRE_FLAG_IGNORECASE)
    if ignore_case:
        found = {f.lower() for f in found}
    # "build" covers "building": a text holding the longer one holds the shorter.
    kept = frozenset(f for f in found if not any(o != f and o in f for o in found))
    return kept, ignore_case


def _fold_unsafe() -> re.Pattern[str] | None:
    """The characters for which lower-casing does not tell what a case-insensitive pattern
    matches: those ``re`` folds together beyond lower case ("ı" and "i", "ſ" and "s"), and
    those ``str.lower`` maps otherwise than ``re`` does ("İ" to "i" and a combining dot, a
    final "Σ" to "ς"). None when the table is not there: then every pattern is run."""
    try:  # private to the standard library, like re._parser above
        extra: dict[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES
    except (ImportError, AttributeError):  # pragma: no cover
        return None
    chars = {chr(c) for key, others in extra.items() for c in (key, *others) if c > 0x7F}
    chars |= {"\u0130", "\u0307", "\u03a3"}  # "i" and "s" are safe without "ı", "İ", "ſ"
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


# A text (or its lower case) without these characters holds a case-insensitive pattern's
# lower-cased literal wherever the pattern matches, as ASCII text does.
FOLD_UNSAFE = _fold_unsafe()


def is_fold_safe(text: str) -> bool:
    """Whether lower-cased literals tell where case-insensitive patterns may match in
    ``text`` (ASCII, or no character ``FOLD_UNSAFE`` names)."""
    return text.isascii() or (FOLD_UNSAFE is not None and not FOLD_UNSAFE.search(text))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Beyond this many stretches where a key outside ASCII may start, the whole text is searched.
_MAX_STRETCHES = 32


class AsciiFirst:
    """Many keys found in a text as one pyahocorasick automaton finds them (``hits``: the
    end offset and value of each, by end, the longest first), with two.

    pyahocorasick looks a character up among a node's children one by one, and the root has
    a child for each first character of a key: hundreds with names in Chinese, Japanese or
    Korean, each compared with every character of an English text. The keys that start with
    an ASCII character have an automaton of their own (a few dozen children at its root);
    the others are searched for only over the stretches of text where one may start (a key's
    length from each of their first characters), and not at all in a text without those.
    """

    def __init__(self, items: Iterable[tuple[str, Any]]) -> None:
        """``items``: (key, value), one value object per key (it tells the key's length)."""
        self._items = list(items)  # to pickle: a copy rebuilds its automata (ids change)
        self._ascii = ahocorasick.Automaton()
        self._other = ahocorasick.Automaton()
        self._lengths: dict[int, int] = {}  # id of a value -> its key's length
        longest = 1
        initials: set[str] = set()
        for key, value in self._items:
            if id(value) in self._lengths:
                raise ValueError(f"AsciiFirst: one value for two keys ({key!r})")
            self._lengths[id(value)] = len(key)
            if key[:1].isascii():
                self._ascii.add_word(key, value)
            else:
                self._other.add_word(key, value)
                longest = max(longest, len(key))
                initials.add(key[0])
        self._initials = frozenset(initials)
        self._longest = longest
        for automaton in (self._ascii, self._other):
            if len(automaton) == 0:
                automaton.add_word("\x00", None)  # never in a text searched
            automaton.make_automaton()

    def __reduce__(self) -> tuple[type[AsciiFirst], tuple[list[tuple[str, Any]]]]:
        return AsciiFirst, (self._items,)

    def hits(self, text: str) -> Iterable[tuple[int, Any]]:
        """(end offset, value) of every key in ``text``, in pyahocorasick's order."""
        found: Iterable[tuple[int, Any]] = self._ascii.iter(text)
        if text.isascii() or not self._initials:
            return found
        others = [hit for search in self._other_searches(text) for hit in search]
        if not others:
            return found
        lengths = self._lengths
        return sorted([*found, *others], key=lambda hit: (hit[0], -lengths[id(hit[1])]))

    def _other_searches(self, text: str) -> list[Iterable[tuple[int, Any]]]:
        stretches: list[tuple[int, int]] = []
        for match in _NON_ASCII.finditer(text):
            if match.group() not in self._initials:
                continue
            if len(stretches) == _MAX_STRETCHES:
                return [self._other.iter(text)]
            start = match.start()
            end = start + self._longest
            if stretches and start <= stretches[-1][1]:
                stretches[-1] = (stretches[-1][0], end)
            else:
                stretches.append((start, end))
        return [self._other.iter(text, a, min(b, len(text))) for a, b in stretches]


class Prefilter:
    """One Aho-Corasick pass tells which of ``patterns`` may match a text.

    Give it the text lower-cased when any pattern is case-insensitive. ``opaque``: characters
    the patterns match in a text derived from the searched one (template slot markers).
    """

    def __init__(self, patterns: Iterable[str | re.Pattern[str]], opaque: str = "") -> None:
        owners: dict[str, set[int]] = {}
        always: set[int] = set()
        folded: set[int] = set()
        for index, pattern in enumerate(patterns):
            factors = required_factors(pattern, opaque)
            if factors is None:
                always.add(index)
                continue
            strings, ignore_case = factors
            if ignore_case and FOLD_UNSAFE is not None and any(map(FOLD_UNSAFE.search, strings)):
                always.add(index)  # a literal that folds beyond lower case: always run
                continue
            if ignore_case:
                folded.add(index)
            for factor in strings:
                owners.setdefault(factor, set()).add(index)
        self._always = frozenset(always)
        self._unless_ascii = frozenset(always | folded)
        self._automaton = ahocorasick.Automaton()
        for factor, indices in owners.items():
            self._automaton.add_word(factor, frozenset(indices))
        self._empty = not owners
        if not self._empty:
            self._automaton.make_automaton()

    def ends(self, text: str) -> list[int] | None:
        """Where factors end in ``text`` (sorted offsets of their last characters): a match
        of any pattern holds one of them. None when some pattern may match anywhere."""
        if self._always or (self._unless_ascii and not is_fold_safe(text)):
            return None
        if self._empty:
            return []
        return [end for end, _ in self._automaton.iter(text)]

    def runs_everywhere(self, text: str) -> bool:
        """Whether some pattern may match ``text`` anywhere (``ends`` gives None)."""
        return bool(self._always or (self._unless_ascii and not is_fold_safe(text)))

    def has_factor(self, text: str, start: int, end: int) -> bool:
        """Whether a factor lies wholly within ``text[start:end]``: a match there of any
        pattern holds one (unless ``runs_everywhere``). Stops at the first."""
        if self._empty:
            return False
        return next(self._automaton.iter(text, start, end), None) is not None

    def candidates(self, text: str) -> set[int]:
        """Indices of the patterns that may match ``text`` (the others cannot)."""
        found = set(self._always if is_fold_safe(text) else self._unless_ascii)
        if not self._empty:
            for _, indices in self._automaton.iter(text):
                found |= indices
        return found


def first_chars(pattern: str, flags: int = 0) -> str | None:
    """The characters, as written, one of which every match of ``pattern`` starts with; None
    when the pattern does not say (a class or category it cannot list, an inline flag, a
    match that may be empty). Compiled with the same flags, ``(?=[...])`` of them before the
    pattern changes none of its matches; it fails at once where none of them stands, which an
    alternation under IGNORECASE cannot (it tries each of its branches)."""
    if _p is None:
        return None  # pragma: no cover
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:
        return None
    if parsed.state.flags & _c.SRE_FLAG_VERBOSE:
        return None
    found, nullable = _first(list(parsed))
    if found is None or nullable or not found:
        return None
    return "".join(sorted(found))


# At most this many characters in a first-character set (beyond it, no guard is worth it).
_FIRST_CAP = 64


def _first(items: Sequence[_Item]) -> tuple[set[str] | None, bool]:
    """The first characters of a sequence's matches (None: not known) and whether a match
    may be empty."""
    found: set[str] = set()
    for item in items:
        chars, nullable = _first_item(item)
        if chars is None:
            return None, False
        found |= chars
        if len(found) > _FIRST_CAP:
            return None, False
        if not nullable:
            return found, False
    return found, True


def _first_item(item: _Item) -> tuple[set[str] | None, bool]:
    op, av = item
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _c.LITERAL:
                chars.add(chr(value))
            elif kind is _c.RANGE and value[1] - value[0] < _FIRST_CAP:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:
                return None, False  # NEGATE, CATEGORY, a long range
        return chars, False
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return set(), True  # zero-width: the next item matches the first character
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            return None, False
        return _first(body)
    if op is _c.ATOMIC_GROUP:
        return _first(av)
    if op is _c.BRANCH:
        found: set[str] = set()
        nullable = False
        for branch in av[1]:
            chars_, empty = _first(branch)
            if chars_ is None:
                return None, False
            found |= chars_
            nullable = nullable or empty
        return found, nullable
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, high, body = av
        if high == 0:
            return set(), True
        chars_, empty = _first(body)
        return chars_, empty or low == 0
    return None, False


def least_count(pattern: str | re.Pattern[str], chars: str) -> int:
    """The fewest of ``chars`` every match of ``pattern`` holds as literal characters (0
    when the pattern cannot be read): a text holding fewer cannot match. Only literals count,
    so the figure is never more than the truth."""
    if _p is None:
        return 0  # pragma: no cover
    source, flags = (
        (pattern.pattern, pattern.flags) if isinstance(pattern, re.Pattern) else (pattern, 0)
    )
    try:
        parsed = _p.parse(source, flags)
    except Exception:
        return 0
    codes = {ord(c) for c in chars}
    if parsed.state.flags & _c.SRE_FLAG_IGNORECASE and any(
        chr(c).lower() != chr(c).upper() for c in codes
    ):
        return 0  # a letter may match in the other case
    return _least(list(parsed), codes)


def _least(items: Sequence[_Item], codes: set[int]) -> int:
    total = 0
    for op, av in items:
        if op is _c.LITERAL:
            total += av in codes
        elif op is _c.SUBPATTERN:
            total += _least(av[3], codes)
        elif op is _c.BRANCH:
            total += min(_least(branch, codes) for branch in av[1])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            total += av[0] * _least(av[2], codes)
        # classes, look-arounds, anchors and the rest: nothing for sure
    return total
