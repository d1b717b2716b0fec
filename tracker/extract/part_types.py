"""Part-type noun phrases: a head noun of the part vocabulary and the technical words before it.

"6.1-inch LTPS-TFT OLED panel", "7P wide-angle lens modules", "SiC-Wafer", "4,7-Zoll-
Bildschirme", "有機ELパネル", "1.5K柔性直屏", "듀얼카메라 모듈". The phrase is the head and the
modifiers right before it: words of the vocabulary ("dual", "OLED", "柔性"), sizes ("6.1-inch",
"150mm", "4,7-Zoll", "4.7インチの"), codes ("LTPS-TFT", "7P", "46-series", "A-series"), and
other heads used as nouns before it ("camera" in "camera PCBs"). Anything else ends it: an
ordinary adjective, a number of units, a company or a product name, a purpose ("AI chips").

A head that needs a modifier ("chips", "wafers", "batteries") is not a part type alone; one
that names a part by itself ("modems", "image sensors", "MLCCs") is, unless it is only the
first half of a compound such as "camera module supplier" or "notebook ODMs". A size alone
does not make a part type ("300mm wafers" are every wafer). The mention's name is English and
singular ("OLED panel" for "有機ELパネル"), so one part is one name in any language; a phrase
that is a catalog entry ("ABF substrate", "LFP battery") links to it.

The heads are found in the product matcher's one pass over the text's tokens (``heads``
gives it their normalised forms); this module reads the words before each.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from tracker.catalog.part_types import PartType, PartVocabulary, english_plurals
from tracker.catalog.products import Product
from tracker.extract.sentences import quote
from tracker.models import ProductMention

# Letters of Chinese, Japanese (kana, half-width kana) and Korean: written without spaces.
CJK_RANGES = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff66-\uff9f"
_CJK = re.compile(f"[{CJK_RANGES}]")
_TWO_CAPITALS = re.compile(r"[A-Z].*[A-Z]")
_CJK_REACH = 30  # characters before a head that its modifiers in CJK script may take
_SPAN_BREAK = re.compile(r"[^\w\s\-]|\n")
# Sizes: inches, millimetres, display resolutions; the unit may follow a hyphen or space.
_SIZE = re.compile(
    r"^(\d+(?:[.,]\d+)?)[- ]?"
    r"(inch|in\.|\"|″|”|mm|millimetre|millimeter|cm|Zoll|K|MP|インチ|英寸|吋|型)$"
)
_SIZE_UNITS = {"inch": "-inch", "in.": "-inch", '"': "-inch", "″": "-inch", "”": "-inch"}
_SIZE_UNITS |= {"zoll": "-inch", "インチ": "-inch", "英寸": "-inch", "吋": "-inch", "型": "-inch"}
# Codes: "7P" (lens elements), "3D", "46-series", "A-series", and acronyms with two capitals
# ("LTPS-TFT", "SiC", "CDMA-compatible"); a plain number or a node ("2nm") is no code.
_CODE = re.compile(r"^(?:\d+[A-Z]|[A-Z]-series|\d+-series|[A-Z0-9][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)$")
_PAREN_ACRONYM = re.compile(r"^\([A-Z][A-Za-z]{1,6}s?\)$")
_COORDINATION = frozenset({"and", "or", "und", "oder", "&"})
_WORD = re.compile(f"[^\\s{CJK_RANGES}]+")
# The last letter of Chinese, Japanese or Korean, or the last line break, in a word.
_LAST_CJK = re.compile(f"[\\s{CJK_RANGES}](?![^\\s{CJK_RANGES}]*[\\s{CJK_RANGES}])")
_LATIN_BEFORE = re.compile(r"([A-Za-z0-9][A-Za-z0-9.,\-]*[A-Za-z0-9]|[A-Za-z0-9])(\s?)$")
_CJK_SIZE_BEFORE = re.compile(r"(\d+(?:[.,]\d+)?)(インチ|英寸|吋|型)(の)?$")
# After a head with nothing before it, these make it the first half of a compound ("camera
# module supplier", "notebook ODMs", "Wafer-Kapazität"): the business, not the part.
_COMPOUND_WORDS = (
    "supplier", "suppliers", "maker", "makers", "manufacturer", "manufacturers", "vendor",
    "vendors", "producer", "producers", "business", "businesses", "market", "markets",
    "industry", "shipments", "shipment", "orders", "order", "production", "plant", "plants",
    "factory", "factories", "fab", "fabs", "capacity", "capacities", "price", "prices",
    "pricing", "demand", "supply", "sales", "revenue", "revenues", "line", "lines", "segment",
    "division", "odm", "odms", "oem", "oems", "assembly", "share", "output", "volume",
    "volumes", "inventory", "inventories", "technology", "technologies", "contract",
    "contracts", "deal", "deals", "agreement", "agreements", "cost", "costs", "company",
    "companies", "firm", "firms", "giant", "giants", "leader", "leaders", "unit", "units",
    "team", "teams", "program", "programs", "programme", "spending", "exports", "system",
    "systems", "imports", "shortage", "shortages", "hersteller", "lieferant", "lieferanten",
    "markt", "geschäft", "produktion", "werk", "fabrik", "kapazität", "kapazitäten", "preise",
    "nachfrage", "sparte",
)  # fmt: skip
_COMPOUND_NEXT = frozenset(_COMPOUND_WORDS)
_NON_MODIFIER_HEADS = frozenset({"device", "server"})  # "notebook computers" is no part type


@dataclass(frozen=True, slots=True)
class Head:
    part: PartType
    key: str  # lower-case form
    exact: str  # the form as written, for acronyms matched case-sensitively
    cjk: bool
    acronym: bool  # written in capitals ("MLCC", "SoC"): matched in that case only


def _key(words: str) -> str:
    """Lookup key of a modifier: lower case, hyphens as spaces."""
    return " ".join(words.replace("-", " ").split()).casefold()


def size_name(match: re.Match[str]) -> str:
    """ "4,7-Zoll" -> "4.7-inch", "150mm" -> "150mm", "1.5K" -> "1.5K"."""
    number, unit = match.group(1).replace(",", "."), match.group(2)
    return number + _SIZE_UNITS.get(unit.casefold(), unit)


class PartTypeMatcher:
    """Finds part-type phrases; built once per vocabulary."""

    def __init__(
        self,
        vocabulary: PartVocabulary,
        link: Callable[[str], Product | None],
        key: Callable[[str], str],
    ) -> None:
        """``key`` normalises a head's form the way the caller's matcher writes the text it
        matches against (the product matcher's joined tokens): heads are found in that pass,
        and given to ``find``."""
        self._link = link
        self._not_modifiers = vocabulary.not_modifiers
        self.heads: dict[str, Head] = {}  # normalised form -> head, for the caller's matcher
        self._purpose: set[str] = set()  # names of modifiers that say what a part is for
        self._head_names: set[str] = set()  # part types that stand before another ("camera")
        self._head_words: set[str] = set()  # heads in lower case, to tell a compound
        self._words: dict[str, str] = {}  # modifier key -> canonical name (any case)
        self._exact: dict[str, str] = {}  # acronym-like modifier, as written -> name
        self._cjk: dict[str, str] = {}  # modifier in CJK script -> name
        for modifier in vocabulary.modifiers:
            if modifier.purpose:
                self._purpose.add(modifier.name)
            for form in modifier.forms:
                self._add_modifier(form, modifier.name)
        for part in vocabulary.part_types:
            forms = list(part.forms)
            forms += [p for f in part.forms for p in english_plurals(f)]
            for form in forms:
                normalised = key(form)
                self._head_words.add(form.casefold())
                if normalised and normalised not in self.heads:
                    cjk = bool(_CJK.search(form))
                    acronym = bool(_TWO_CAPITALS.search(form))
                    self.heads[normalised] = Head(part, normalised, form, cjk, acronym)
            if part.category not in _NON_MODIFIER_HEADS and part.category != "device":
                self._head_names.add(part.name)
                for form in part.forms:
                    self._add_modifier(form, part.name)
        self._cjk_longest = max(map(len, self._cjk), default=0)
        # Last words of the vocabulary's modifiers ("carbide" of "silicon carbide").
        self._last_words = {key.rsplit(" ", 1)[-1] for key in self._words}
        self._last_words |= {key.rsplit(" ", 1)[-1].casefold() for key in self._exact}

    def _add_modifier(self, form: str, name: str) -> None:
        if _CJK.search(form):
            self._cjk.setdefault(form, name)
        elif _TWO_CAPITALS.search(form):
            self._exact.setdefault(" ".join(form.replace("-", " ").split()), name)
        else:
            self._words.setdefault(_key(form), name)

    def find(
        self,
        text: str,
        spans: list[tuple[int, int]],
        taken: list[tuple[int, int]],
        hits: list[tuple[int, int, Head]],
    ) -> list[ProductMention]:
        """Part-type phrases around the heads found in ``text`` (``hits``: their character
        spans, the longest head ending at a place only), outside the ``taken`` spans of
        companies and products."""
        taken = sorted(taken)
        starts = [s for s, _ in taken]
        sentence_starts = [s for s, _ in spans]
        found: list[tuple[int, int, str, PartType]] = []
        for start, end, head in hits:
            phrase = self._phrase(text, head, start, end, taken, starts, sentence_starts)
            if phrase is not None:
                found.append(phrase)
        found.sort(key=lambda f: (f[0], f[0] - f[1]))
        mentions: list[ProductMention] = []
        reach = -1
        for start, end, name, part in found:
            if start < reach:
                continue
            reach = end
            mentions.append(self._mention(text, spans, sentence_starts, start, end, name, part))
        return mentions

    def _phrase(
        self,
        text: str,
        head: Head,
        start: int,
        end: int,
        taken: list[tuple[int, int]],
        starts: list[int],
        sentence_starts: list[int],
    ) -> tuple[int, int, str, PartType] | None:
        if _SPAN_BREAK.search(text, start, end):
            return None  # "camera. Module": the head's words run across a mark
        if not head.cjk:
            if end < len(text) and text[end].isalnum() and not _CJK.match(text[end]):
                return None  # inside a longer word
            if head.acronym and text[start:end] != head.exact:
                return None  # "Ecu", "soc": acronyms are written in capitals
            if not head.part.bare and not self._modifier_before(text, start):
                return None  # the common case, told cheaply: "chips" with no word before
        if _overlaps(taken, starts, start, end):
            return None
        floor = (
            sentence_starts[bisect.bisect_right(sentence_starts, start) - 1]
            if (sentence_starts and sentence_starts[0] <= start)
            else 0
        )
        names: list[str] = []
        begin = start
        if head.cjk:
            begin = self._cjk_modifiers(text, start, floor, taken, starts, names)
        else:
            if start > floor and text[start - 1].isalpha():
                # The end of a compound: "Kameramodule", "Siliziumkarbidwafer".
                word_start = start
                while word_start > floor and text[word_start - 1].isalpha():
                    word_start -= 1
                name = self._words.get(text[word_start:start].casefold())
                if name is None:
                    return None
                names.append(name)
                begin = word_start
            begin = self._latin_modifiers(text, begin, floor, taken, starts, names)
        names.reverse()
        # A size says what a part is only for screens ("6.1-inch"); "300mm wafers" are all.
        strong = [n for n in names if n and (n.endswith("-inch") or not _SIZE.match(n))]
        if head.part.technical:
            strong = [n for n in strong if n not in self._purpose]
        if not head.part.bare and not strong:
            return None
        if not head.cjk and self._compound_next(text, end, modified=bool(names)):
            return None
        name = " ".join(n for n in [*names, head.part.name] if n)
        return begin, end, name, head.part

    def _latin_modifiers(
        self,
        text: str,
        begin: int,
        floor: int,
        taken: list[tuple[int, int]],
        starts: list[int],
        names: list[str],
    ) -> int:
        """Walk left over the technical words before ``begin``; returns the phrase start."""
        if begin <= floor or text[begin - 1] not in " -" or not self._modifier_before(text, begin):
            return begin  # most heads: the word before is no technical word
        words = _words_before(text, begin - 1, max(floor, begin - 100))
        i = len(words) - 1
        adjective = False  # the word just taken is a lower-case word of the vocabulary
        while i >= 0:
            w_start, w_end, word = words[i]
            if w_end != begin and text[w_end:begin] not in (" ", "-"):
                break  # only a space or a hyphen between the words of a phrase
            if _overlaps(taken, starts, w_start, w_end):
                break
            if word.casefold() in _COORDINATION and adjective and i > 0:
                # "bare and epitaxial wafers": two adjectives of the vocabulary, one phrase.
                other = self._modifier_words(words, i - 1)
                if (
                    other is None
                    or not other[2]
                    or not words[i - 1][2].islower()
                    or other[0] in self._head_names
                    or other[0] in self._purpose
                ):
                    break
                names[-1] = f"{other[0]} and {names[-1]}"
                begin = words[i - other[1]][0]
                i -= 1 + other[1]
                adjective = False
                continue
            accepted = self._modifier_words(words, i)
            if accepted is None:
                break
            name, used, lexical = accepted
            names.append(name)
            adjective = lexical and word.islower() and name not in self._purpose
            begin = words[i - used + 1][0]
            i -= used
        return begin

    def _modifier_before(self, text: str, start: int) -> bool:
        """Whether a modifier may end right before ``start``: a compound's first half, or a
        word that could end one after a space or a hyphen."""
        before = text[start - 1 : start]
        if before.isalpha():
            return True
        if before not in (" ", "-") or start < 2:
            return False
        space = text.rfind(" ", max(0, start - 40), start - 1)
        return self._may_modify(text[space + 1 : start - 1])

    def _may_modify(self, word: str) -> bool:
        """A cheap first look at the word before a head: could a modifier end with it?"""
        folded = word.casefold().replace("-", " ")
        last = folded.rsplit(" ", 1)[-1]
        return (
            folded in self._words
            or last in self._last_words
            or any(c.isdigit() or c.isupper() for c in word)
        )

    def _modifier_words(
        self, words: list[tuple[int, int, str]], i: int
    ) -> tuple[str, int, bool] | None:
        """The modifier ending at word ``i``: (canonical name, words used, from the lexicon)."""
        for used in (3, 2, 1):
            if i - used + 1 < 0:
                continue
            phrase = " ".join(w for _, _, w in words[i - used + 1 : i + 1])
            if used > 1 and any(p in phrase for p in ",;:()"):
                continue
            exact = self._exact.get(" ".join(phrase.replace("-", " ").split()))
            if exact is not None:
                return exact, used, True
            name = self._words.get(_key(phrase))
            if name is not None and phrase[-1:].isalnum():
                return name, used, True
        word = words[i][2]
        if word in self._not_modifiers or word.rstrip("s") in self._not_modifiers:
            return None
        size = _SIZE.match(word)
        if size is not None:
            return size_name(size), 1, False
        if (
            _PAREN_ACRONYM.match(word)
            and i > 0
            and word[1:-1].rstrip("s") not in self._not_modifiers
        ):
            return "", 1, False  # "lithium iron phosphate (LFP) batteries": in the span only
        first = word.split("-")[0]
        if _CODE.match(word) and (_TWO_CAPITALS.search(first) or re.match(r"^\d+[A-Z]$", word)):
            if first in self._not_modifiers:
                return None
            return word, 1, False
        if re.match(r"^(?:[A-Z]|\d+)-series$", word):
            return word, 1, False
        return None

    def _cjk_modifiers(
        self,
        text: str,
        begin: int,
        floor: int,
        taken: list[tuple[int, int]],
        starts: list[int],
        names: list[str],
    ) -> int:
        """Walk left over modifiers written in CJK script, sizes and Latin codes glued to the
        head or one space before it (Korean, "OLED 面板")."""
        floor = max(floor, begin - _CJK_REACH)  # a phrase is short; the scan stays linear
        while begin > floor:
            found = None
            for length in range(min(self._cjk_longest, begin - floor), 0, -1):
                name = self._cjk.get(text[begin - length : begin])
                if name is not None:
                    found = (begin - length, name)
                    break
            if found is None:
                size = _CJK_SIZE_BEFORE.search(text, max(floor, begin - 12), begin)
                if size is not None:
                    found = (size.start(), size.group(1).replace(",", ".") + "-inch")
            if found is None:
                latin = _LATIN_BEFORE.search(text, max(floor, begin - 40), begin)
                if latin is not None:
                    word = latin.group(1)
                    name = self._exact.get(word) or self._words.get(_key(word))
                    size = _SIZE.match(word)
                    if name is None and size is not None:
                        name = size_name(size)
                    if name is None and (
                        _TWO_CAPITALS.search(word) or re.match(r"^\d+(?:\.\d+)?[A-Z]$", word)
                    ):
                        name = word if word not in self._not_modifiers else None
                    if name is not None:
                        found = (latin.start(), name)
            if found is None and text[begin - 1 : begin] == " ":
                # Korean spaces its words: "듀얼 카메라 모듈", "모바일 D램".
                for length in range(min(self._cjk_longest, begin - 1 - floor), 0, -1):
                    name = self._cjk.get(text[begin - 1 - length : begin - 1])
                    if name is not None:
                        found = (begin - 1 - length, name)
                        break
            if found is None or _overlaps(taken, starts, found[0], begin):
                break
            begin, name = found
            names.append(name)
        return begin

    def _compound_next(self, text: str, end: int, *, modified: bool) -> bool:
        """Whether the head is the first half of a compound: "camera module supplier",
        "notebook computers", "dual camera system". With technical words before it, only
        another part or a system makes it one ("ABF substrate suppliers" names a part)."""
        match = _WORD.match(text, end + 1) if text[end : end + 1] in (" ", "-") else None
        if match is None:
            return False
        word = match.group().rstrip(".,;:").casefold()
        if word in ("system", "systems") or word in self._head_words:
            return True
        return not modified and word in _COMPOUND_NEXT

    def _mention(
        self,
        text: str,
        spans: list[tuple[int, int]],
        sentence_starts: list[int],
        start: int,
        end: int,
        name: str,
        part: PartType,
    ) -> ProductMention:
        index = bisect.bisect_right(sentence_starts, start) - 1
        s_start, s_end = spans[index] if index >= 0 else (0, len(text))
        product = self._link(name)
        if product is None and part.catalog and name == part.name:
            product = self._link(part.name)
        return ProductMention(
            name=product.name if product else name,
            catalog_id=product.id if product else None,
            vendor=(product.vendor or None) if product else None,
            category=product.category if product else part.category,
            surface=text[start:end],
            start=start,
            end=end,
            sentence=quote(text, (s_start, s_end), start, end),
        )


def _words_before(text: str, end: int, floor: int) -> list[tuple[int, int, str]]:
    """The space-separated words of ``text[floor:end]``, with their offsets; a word glued to
    a letter of Chinese, Japanese or Korean starts after it ("onsemiのEliteSiC")."""
    words: list[tuple[int, int, str]] = []
    position = end
    for piece in reversed(text[floor:end].split(" ")):
        start = position - len(piece)
        cjk = _LAST_CJK.search(piece)
        if cjk is not None:
            if cjk.end() < len(piece):
                words.append((start + cjk.end(), position, piece[cjk.end() :]))
            break
        if piece:
            words.append((start, position, piece))
        position = start - 1
    words.reverse()
    return words


def _overlaps(taken: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether ``start:end`` overlaps one of the sorted ``taken`` spans."""
    i = bisect.bisect_left(starts, end)
    return any(taken[j][1] > start for j in range(max(0, i - 3), i))
