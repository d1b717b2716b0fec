"""Product mentions linked to the hardware catalog.

Three kinds, in one pass over the text's tokens:

- Catalog forms: a name, alias or part number, compared on normalised tokens ("8 Gen 3",
  "8Gen3" and "8 gen3" are one form). Short names (A18, N3, H20, M4) count only with their
  vendor in the sentence, or their vendor in the article and their category named in the
  sentence; a code such as "A100" needs its vendor in the article or its category in the
  sentence, and is not one when glued into a word ("Anti-A100-Aktivist").
- Product lines and their models ("Radeon RX 7000", "Xiaomi 14", "Galaxy S24 and S24 Plus"),
  see ``product_lines``; linked to the catalog when the catalog has the model, by name or
  by fuzzy matching (rapidfuzz) when the model numbers agree.
- Part types ("OLED panels", "camera modules", "SiC-Wafer"), see ``part_types``.

No match runs across a sentence end or a mark that breaks a token. A product's name written
after its vendor's ("AMD MI300", "Google TPU") is the product's span, the vendor a mention
of its own. Chinese, Japanese and Korean letters are tokens of their own, so a name glued to
them ("iPhone15系列", "骁龙8Gen3") is found.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import ahocorasick
from rapidfuzz import fuzz, process

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import Catalog, Product
from tracker.extract.part_types import CJK_RANGES, Head, PartTypeMatcher
from tracker.extract.product_lines import (
    Model,
    ProductLine,
    bare_models,
    coordinated,
    derive_lines,
    line_case_ok,
    model_at,
)
from tracker.extract.sentences import quote
from tracker.extract.vendors import lower_same_length, sentence_at
from tracker.models import ProductMention, VendorMention

# Word characters; a trailing "+" belongs to the token ("8+ Gen 1" is not "8 Gen 1"). Each
# Chinese, Japanese or Korean letter is a token of its own.
_TOKEN = re.compile(rf"[^\W_{CJK_RANGES}]+\+*|[{CJK_RANGES}]")
_TOKEN_SPLIT = re.compile(rf"([^\W_{CJK_RANGES}]+\+*|[{CJK_RANGES}])")
_LATIN_TOKEN_SPLIT = re.compile(r"([^\W_]+\+*)")
# The same on lower-cased ASCII text, where a character class is cheaper than a category.
_ASCII_TOKEN_SPLIT = re.compile(r"([0-9a-z]+\+*)")
# After a line a model may follow: a separator and a letter or digit, or a glued digit.
_MODEL_MAY_FOLLOW = re.compile(r"[ \u00a0-][A-Za-z0-9]|[A-Z]?\d")
_CJK_LETTER = re.compile(f"[{CJK_RANGES}]")
_DIGITS = re.compile(r"\d+")
FUZZY_CUTOFF = 90.0

CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "soc": ("chip", "chipset", "processor", "soc", "silicon", "system-on-chip"),
    "modem": ("modem", "chip", "5g"),
    "rf": ("rf", "chip", "front-end"),
    "cpu": ("cpu", "processor", "chip", "core"),
    "gpu": ("gpu", "graphics", "chip", "accelerator"),
    "accelerator": ("accelerator", "gpu", "chip", "ai chip", "processor"),
    "memory": ("memory", "dram", "hbm", "stack", "bandwidth"),
    "storage": ("nand", "ssd", "flash", "storage"),
    "packaging": ("packaging", "package", "substrate", "interposer"),
    "process_node": ("process", "node", "nm", "nanometre", "nanometer", "wafer", "fab"),
    "device": ("phone", "smartphone", "handset", "device", "model", "laptop", "headset", "console"),
    "server": ("server", "rack", "system", "cluster"),
    "display": ("display", "panel", "screen", "oled"),
    "component": ("component", "module", "sensor", "chip"),
    "networking": ("switch", "network", "optical", "transceiver", "nic"),
    "equipment": ("tool", "system", "scanner", "etch", "deposition", "lithography", "tester"),
    "eda": ("software", "tool", "flow", "design", "eda", "verification", "simulation"),
}
_CATEGORY_RES = {
    category: re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")s?(?!\w)", re.IGNORECASE
    )
    for category, words in CATEGORY_WORDS.items()
}
# A code that is also a road, a form or a grade ("A100", "B300", "H20"): its vendor or its
# category must be near before it counts.
_CODE = re.compile(r"^(?=.{2,4}$)[A-Z]{1,2}\d{1,3}[A-Z]?$")
# "GB200/300": the second is "GB300".
_VARIANT = re.compile(r"/(\d+)(?![\w/])")
_TRAILING_DIGITS = re.compile(r"(\d+)$")


@dataclass(frozen=True, slots=True)
class _Form:
    product: Product
    key: str
    is_short: bool
    form: str = ""


@dataclass(frozen=True, slots=True)
class _Entry:
    """What a normalised key of the automaton stands for: a catalog form, a line, or both."""

    key: str
    form: _Form | None
    lines: tuple[ProductLine, ...]  # lines written with this key, in their own case
    head: Head | None  # a part type's head noun


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    product: Product | None
    name: str = ""
    line: ProductLine | None = None
    exact: bool = True
    lead: int = 0  # a vendor's name and a space before the product, not part of its span
    model: Model | None = None


# Between the tokens of a match only spaces and hyphens may stand, unless the catalog's own
# spelling has the mark ("EXE:5000"): "makes sense. I" is not "Sense.i", "z.B. 300" not B300.
_GAP_MARKS = re.compile(r"[^\w\s+\-]")
_MARK_SPACE = re.compile(r"([^\w\s+\-])\s")


def _crosses_punctuation(found: str, form: str) -> bool:
    """Whether a match spans a mark that breaks a token and the catalog form lacks."""
    if _GAP_MARKS.search(found) is None:
        return False
    marks = set(_GAP_MARKS.findall(found))
    if marks - set(_GAP_MARKS.findall(form)):
        return True
    # A mark before a space ends a sentence or a clause, unless the form is written so.
    return bool(set(_MARK_SPACE.findall(found)) - set(_MARK_SPACE.findall(form)))


def _case_breaks(found: str, form: str) -> bool:
    """A one-letter token written in the other case than the form ("a 100-day" is no A100)."""
    first = found.split()[0] if found.split() else ""
    return len(first) == 1 and first.isalpha() and form[:1].isalpha() and first != form[:1]


def normalise(text: str) -> str:
    """Lower-case word characters only: "Snapdragon 8 Gen 3" -> "snapdragon8gen3"."""
    return "".join(_TOKEN.findall(text)).lower()


class _Tokens:
    """The text's word tokens, joined, with a map back to character offsets."""

    def __init__(self, lowered: str) -> None:
        # Gaps and tokens alternate in the split: their lengths give every offset, without a
        # match object per token. Letters of Chinese, Japanese and Korean are split one by
        # one only on a page that has them.
        if lowered.isascii():  # most pages: the letters and digits are a-z and 0-9
            split = _ASCII_TOKEN_SPLIT
        else:
            split = _TOKEN_SPLIT if _CJK_LETTER.search(lowered) else _LATIN_TOKEN_SPLIT
        pieces = split.split(lowered)
        offsets = list(itertools.accumulate(map(len, pieces), initial=0))
        tokens = pieces[1::2]
        self.starts = offsets[1:-1:2]
        self.ends = offsets[2:-1:2]
        norm_offsets = list(itertools.accumulate(map(len, tokens), initial=0))
        self.norm_starts = norm_offsets[:-1]
        self.norm_ends = norm_offsets[1:]
        self.joined = "".join(tokens)

    def first_at(self, norm: int) -> int | None:
        """Index of the token that starts at a normalised offset."""
        i = bisect.bisect_left(self.norm_starts, norm)
        return i if i < len(self.norm_starts) and self.norm_starts[i] == norm else None

    def last_at(self, norm: int) -> int | None:
        """Index of the token that ends at a normalised offset."""
        i = bisect.bisect_left(self.norm_ends, norm)
        return i if i < len(self.norm_ends) and self.norm_ends[i] == norm else None

    def span(self, norm_start: int, norm_end: int) -> tuple[int, int] | None:
        """Character span of a normalised match, if it starts and ends on token edges
        (a plural "s" may follow: "H20s")."""
        first = self.first_at(norm_start)
        if first is None:
            return None
        last = self.last_at(norm_end)
        if last is None and self.joined[norm_end : norm_end + 1] == "s":
            plural = self.last_at(norm_end + 1)
            if plural is not None:
                return self.starts[first], self.ends[plural] - 1
        if last is None or last < first:
            return None
        return self.starts[first], self.ends[last]

    def char_at(self, norm: int) -> int:
        """Character offset of a normalised offset, inside a token or at its end."""
        last = self.last_at(norm)
        if last is not None:
            return self.ends[last]
        j = bisect.bisect_right(self.norm_starts, norm) - 1
        return self.starts[j] + (norm - self.norm_starts[j])


class ProductMatcher:
    """Finds product mentions and links them to catalog entries."""

    def __init__(self, catalog: Catalog, gazetteer: Gazetteer) -> None:
        self.catalog = catalog
        self._forms: dict[str, _Form] = {}
        for product in catalog.products.values():
            for form in product.long_forms():
                self._add(form, product, is_short=False)
            for form in product.short_names:
                self._add(form, product, is_short=True)
        self._lines = derive_lines(catalog, gazetteer)
        lines: dict[str, tuple[ProductLine, ...]] = {}
        for form, line in self._lines.items():
            if normalise(form):
                lines[normalise(form)] = (*lines.get(normalise(form), ()), line)
        self._by_form = {
            normalise(form): product
            for product in catalog.products.values()
            for form in product.long_forms()
        }
        self._parts = PartTypeMatcher(catalog.parts, self._entry_named, normalise)
        heads = self._parts.heads
        self._automaton = ahocorasick.Automaton()
        for key in sorted(self._forms.keys() | lines.keys() | heads.keys()):
            entry = _Entry(key, self._forms.get(key), lines.get(key, ()), heads.get(key))
            self._automaton.add_word(key, entry)
        if len(self._automaton) == 0:
            self._automaton.add_word("\x00", None)
        self._automaton.make_automaton()
        self._any_form = {normalise(f): p for p in catalog.products.values() for f in p.short_names}
        self._any_form.update(self._by_form)
        # Fuzzy linking looks among the entries of the line's vendor and category.
        self._line_forms: dict[tuple[str, str], dict[str, Product]] = {}
        for product in catalog.products.values():
            forms = self._line_forms.setdefault((product.vendor, product.category), {})
            forms.update((normalise(f), product) for f in product.long_forms())
        self._parents = {v.name: v.parent for v in gazetteer.vendors.values() if v.parent}

    def _entry_named(self, name: str) -> Product | None:
        """The catalog entry one of whose long forms is ``name`` (a method, not a lambda:
        the matcher is pickled into worker processes)."""
        return self._by_form.get(normalise(name))

    def _add(self, form: str, product: Product, *, is_short: bool) -> None:
        key = normalise(form)
        if len(key) < 2:
            return
        existing = self._forms.get(key)
        if existing is not None and (not existing.is_short or is_short):
            return  # first long form wins; a long form beats a short one
        self._forms[key] = _Form(product, key, is_short, form)

    def find(
        self,
        text: str,
        spans: list[tuple[int, int]],
        vendors: list[VendorMention],
    ) -> list[ProductMention]:
        """Product mentions in ``text`` given its sentences and vendor mentions."""
        lowered = lower_same_length(text)
        tokens = _Tokens(lowered)
        article_vendors = {m.vendor for m in vendors}
        article_vendors |= {self._parents[v] for v in article_vendors if v in self._parents}
        vendor_ends = {m.end: m for m in vendors}
        found: list[_Found] = []
        linked: set[str] = set()
        heads: list[tuple[int, int, Head]] = []
        head_end = -1
        for last, entry in self._automaton.iter(tokens.joined):
            if entry is None:
                continue
            norm_start = last - len(entry.key) + 1
            if entry.head is not None and last != head_end:
                # The longest head ending here comes first: "camera module", not "module".
                head_end = last
                head = self._head_span(tokens, norm_start, last + 1, entry.head)
                if head is not None:
                    heads.append(head)
            first = tokens.first_at(norm_start)
            if first is None:
                continue  # inside a word: "n3" in "un3..."
            if entry.form is not None:
                hit = self._form_hit(
                    text, tokens, spans, vendors, article_vendors, vendor_ends, linked,
                    entry.form, norm_start, last + 1,
                )  # fmt: skip
                if hit is not None:
                    found.append(hit)
            if entry.lines:
                start = tokens.starts[first]
                end = tokens.char_at(last + 1)
                if not _MODEL_MAY_FOLLOW.match(text, end):
                    continue
                line = next((x for x in entry.lines if line_case_ok(text[start:end], x)), None)
                if line is not None:
                    found.extend(self._line_hits(text, start, end, line, article_vendors))
        line_models = [(f.line, f.model) for f in found if f.line is not None and f.model]
        for start, line, model in bare_models(text, line_models):
            found.append(replace(self._line_hit(start, model, line), lead=0))
        found.sort(key=lambda f: (f.start, f.start - f.end, not f.exact))
        mentions: list[ProductMention] = []
        reach = -1
        for hit in found:
            if hit.start < reach:
                continue
            if hit.product is not None and hit.product.is_generic:
                reach = hit.end
                continue
            reach = hit.end
            mentions.append(self._mention(text, spans, hit))
            if hit.exact and hit.product is not None:
                variant = self._variant(text, spans, hit)
                if variant is not None:
                    mentions.append(variant)
                    reach = variant.end
        vendor_starts = {m.start: m for m in vendors}
        mentions = [
            self._without_vendor(m, vendor_starts[m.start]) if m.start in vendor_starts else m
            for m in mentions
        ]
        taken = [(m.start, m.end) for m in mentions] + [(m.start, m.end) for m in vendors]
        mentions.extend(self._parts.find(text, spans, taken, heads))
        mentions.sort(key=lambda m: m.start)
        return mentions

    @staticmethod
    def _head_span(
        tokens: _Tokens, norm_start: int, norm_end: int, head: Head
    ) -> tuple[int, int, Head] | None:
        """A head's character span: it ends where a token ends, and starts at a token or,
        at the end of a compound or among Chinese, Japanese and Korean letters, inside one."""
        last = tokens.last_at(norm_end)
        if last is None:
            return None
        first = tokens.first_at(norm_start)
        start = tokens.starts[first] if first is not None else tokens.char_at(norm_start)
        return start, tokens.ends[last], head

    def _form_hit(
        self,
        text: str,
        tokens: _Tokens,
        spans: list[tuple[int, int]],
        vendors: list[VendorMention],
        article_vendors: set[str],
        vendor_ends: dict[int, VendorMention],
        linked: set[str],
        form: _Form,
        norm_start: int,
        norm_end: int,
    ) -> _Found | None:
        span = tokens.span(norm_start, norm_end)
        if span is None:
            return None
        found_text = text[span[0] : span[1]]
        if _crosses_punctuation(found_text, form.form) or _case_breaks(found_text, form.form):
            return None
        if form.is_short and form.form.isalpha() and found_text.islower():
            return None  # a short name that is a word, written as the word: "switch", "pixel"
        product = form.product
        code = not form.is_short and product.vendor != "" and _CODE.match(form.form) is not None
        if code and self._glued_into_word(text, span, vendor_ends):
            return None
        # A short name or a code, once linked in an article, stays linked further on.
        if (
            (form.is_short or code)
            and product.id not in linked
            and not self._short_name_ok(
                product, text, spans, span, vendors, article_vendors, in_article=code
            )
        ):
            return None
        linked.add(product.id)
        return _Found(span[0], span[1], product, product.name)

    @staticmethod
    def _glued_into_word(
        text: str, span: tuple[int, int], vendor_ends: dict[int, VendorMention]
    ) -> bool:
        """A code hyphenated to a word that is no company: "Anti-A100-Aktivist"."""
        start = span[0]
        if start < 2 or text[start - 1] != "-" or not text[start - 2].isalpha():
            return False
        return (start - 1) not in vendor_ends

    def _line_hits(
        self, text: str, start: int, end: int, line: ProductLine, article_vendors: set[str]
    ) -> list[_Found]:
        if _crosses_punctuation(text[start:end], line.name):
            return []
        if line.needs_vendor and line.vendor not in article_vendors:
            return []
        model = model_at(text, end, line)
        if model is None:
            return []
        hits = [self._line_hit(start, model, line)]
        for more in coordinated(text, model.end, model, line):
            hits.append(replace(self._line_hit(more.end - len(more.text), more, line), lead=0))
        return hits

    def _line_hit(self, start: int, model: Model, line: ProductLine) -> _Found:
        name = f"{line.prefix}{line.joiner}{' '.join(model.text.split())}"
        product = self._line_product(line, model, name)
        found_name = product.name if product else name
        return _Found(start, model.end, product, found_name, line, False, line.lead, model)

    def _line_product(self, line: ProductLine, model: Model, name: str) -> Product | None:
        for form in (name, f"{line.name} {model.text}", f"{line.prefix}{model.text}"):
            product = self._by_form.get(normalise(form))
            if product is not None:
                return product
        alone = self._any_form.get(normalise(model.text))
        if alone is not None and alone.vendor == line.vendor and _DIGITS.search(model.text):
            return alone  # "AMD Instinct MI355X": the model is an entry of its own
        forms = self._line_forms.get((line.vendor, line.category), {})
        key = normalise(name)
        digits = _DIGITS.findall(key)
        if not digits:
            return None
        choices = [f for f in forms if _DIGITS.findall(f) == digits]
        if not choices:
            return None
        best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return forms[best[0]] if best else None

    def _variant(
        self, text: str, spans: list[tuple[int, int]], hit: _Found
    ) -> ProductMention | None:
        """ "GB200/300": the catalog's GB300 after a slash."""
        match = _VARIANT.match(text, hit.end)
        digits = _TRAILING_DIGITS.search(text[hit.start : hit.end])
        if match is None or digits is None or len(match.group(1)) != len(digits.group(1)):
            return None
        name = text[hit.start : hit.end - len(digits.group(1))] + match.group(1)
        product = self._by_form.get(normalise(name))
        if product is None or product.vendor != (hit.product.vendor if hit.product else ""):
            return None
        return self._mention(text, spans, _Found(match.start(1), match.end(1), product))

    def _short_name_ok(
        self,
        product: Product,
        text: str,
        spans: list[tuple[int, int]],
        span: tuple[int, int],
        vendors: list[VendorMention],
        article_vendors: set[str],
        *,
        in_article: bool = False,
    ) -> bool:
        """A short name needs its vendor (or the vendor's parent, or the foundry that makes
        it) in the sentence, or in the article with its category in the sentence; a code
        needs its vendor in the article or its category in the sentence."""
        owners = {product.vendor} | {m.vendor for m in product.makers if m.role == "foundry"}
        owners |= {self._parents[o] for o in owners if o in self._parents}
        s_start, s_end = sentence_at(text, spans, span[0])
        category = _CATEGORY_RES.get(product.category)
        named = category is not None and category.search(text, s_start, s_end) is not None
        if in_article:
            return bool(owners & article_vendors) or named
        in_sentence = {m.vendor for m in vendors if s_start <= m.start < s_end}
        in_sentence |= {self._parents[v] for v in in_sentence if v in self._parents}
        if owners & in_sentence:
            return True
        return bool(owners & article_vendors and named)

    def _without_vendor(self, mention: ProductMention, vendor: VendorMention) -> ProductMention:
        """ "AMD MI300" -> "MI300": the vendor's name before a product's is the vendor's
        mention, when what follows is a name of the same product on its own."""
        if mention.catalog_id is None or vendor.end >= mention.end:
            return mention
        rest_start = vendor.end
        while mention.surface[rest_start - mention.start] in " -\u00a0":
            rest_start += 1
            if rest_start >= mention.end:
                return mention
        rest = mention.surface[rest_start - mention.start :]
        product = self._any_form.get(normalise(rest))
        if product is None or product.id != mention.catalog_id:
            return mention
        return replace(mention, surface=rest, start=rest_start)

    def _mention(self, text: str, spans: list[tuple[int, int]], hit: _Found) -> ProductMention:
        if hit.lead:
            hit = replace(hit, start=hit.start + hit.lead, lead=0)
        s_start, s_end = sentence_at(text, spans, hit.start)
        product = hit.product
        line = hit.line
        return ProductMention(
            name=product.name if product else hit.name,
            catalog_id=product.id if product else None,
            vendor=(product.vendor or None) if product else (line.vendor or None if line else None),
            category=product.category if product else (line.category if line else None),
            surface=text[hit.start : hit.end],
            start=hit.start,
            end=hit.end,
            sentence=quote(text, (s_start, s_end), hit.start, hit.end),
        )


def reported(mentions: Iterable[ProductMention], catalog: Catalog) -> list[ProductMention]:
    """The mentions an article reports: a product line named alongside one of its models
    ("iPhone" beside "iPhone 15 Pro", "Exynos" beside "Exynos 2400") is reported through the
    model, which links to it. Only a line whose name the model's name carries counts: GB300
    does not stand for the Blackwell Ultra architecture."""
    mentions = list(mentions)
    covered: set[str] = set()
    linked = {m.catalog_id for m in mentions if m.catalog_id}
    # A model the catalog lacks ("iPhone 13") reports its line by its name.
    unlinked = {m.name for m in mentions if m.catalog_id is None}
    for line_id in linked if unlinked else ():
        line = catalog.products.get(line_id)
        if (
            line is not None
            and not _DIGITS.search(line.name)
            and any(_carries(name, line) for name in unlinked)
        ):
            covered.add(line_id)
    for product_id in linked:
        if product_id in covered:
            continue
        product = catalog.products.get(product_id)
        seen: set[str] = set()
        while product is not None and product.parent and product.parent not in seen:
            seen.add(product.parent)
            parent = catalog.products.get(product.parent)
            if (
                parent is not None
                and not _DIGITS.search(parent.name)
                and _carries(product.name, parent)
            ):
                covered.add(parent.id)
            product = parent
    return [m for m in mentions if m.catalog_id is None or m.catalog_id not in covered]


def _carries(name: str, line: Product) -> bool:
    """Whether a model's name starts with one of its line's names and goes on after it
    ("Cortex-X4" and "Cortex", "iPhone 13" and "iPhone"; not "semiconductor" and "Semi")."""
    folded = name.casefold()
    for form in (line.name, *line.aliases, *line.short_names):
        form = form.casefold()
        rest = folded[len(form) : len(form) + 1]
        if folded.startswith(form) and rest and (rest in " -" or rest.isdigit()):
            return True
    return False
