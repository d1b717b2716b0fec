"""Product mentions linked to the hardware catalog.

Linking, in order: exact alias or part number, compared on normalised tokens ("8 Gen 3",
"8Gen3" and "8 gen3" are one form); short names (A18, N3, H20, M4) only with their vendor in
the same sentence, or their vendor in the article and their category named in the sentence;
then product-like phrases of a known family ("Dimensity 9500") linked by fuzzy matching
(rapidfuzz) when the model numbers agree, else kept as unlinked product mentions.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

import ahocorasick
from rapidfuzz import fuzz, process

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import Catalog, Product
from tracker.extract.vendors import lower_same_length, sentence_at
from tracker.models import ProductMention, VendorMention

# Word characters; a trailing "+" belongs to the token ("8+ Gen 1" is not "8 Gen 1").
_TOKEN = re.compile(r"[^\W_]+\+*")
_TOKEN_SPLIT = re.compile(r"([^\W_]+\+*)")
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
    "device": ("phone", "smartphone", "handset", "device", "model", "laptop", "headset"),
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
# Model tokens after a family name: numbers and letter-number codes, single capitals, and the
# usual tier words; "Snapdragon chips" or "Tensor Processing Units" are not products.
_MODEL_TOKEN = (
    r"(?:[A-Za-z]{0,3}\d[\w.+]*|[A-Z](?![\w-])|Pro|Max|Ultra|Plus|Elite|Gen|mini|Air|Lite"
    r"|Edge|Fold|Flip|XL)"
)


# A model number after a known name ("Core Ultra" + " 7 258V", "Cortex" + "-X925"): the
# phrase names a more specific product than the catalog entry.
_EXTENSION = re.compile(
    r"(?:[ -](?:[A-Za-z]{0,3}\d{1,4}[A-Za-z]{0,2}|[A-Z]{1,2}(?![\w-])|Pro|Max|Ultra|Plus|Elite"
    r"|Gen|mini|Lite|XL))"
    r"{1,3}(?![\w-])"
)
_MODEL_LETTERS = re.compile(r"^[A-Z]{1,2}$")
_UNIT_OR_YEAR = re.compile(
    r"^(?:\d+(?:GB|TB|MB|nm|mm|W|kW|GHz|MHz|Hz|mAh|K|k|x|X|fps|p|in)|(?:19|20)\d\d)$"
)


@dataclass(frozen=True, slots=True)
class _Form:
    product: Product
    key: str
    is_short: bool
    form: str = ""


# Between the tokens of a match only spaces and hyphens may stand, unless the catalog's own
# spelling has the mark ("EXE:5000"): "makes sense. I" is not "Sense.i", "z.B. 300" not B300.
_GAP_MARKS = re.compile(r"[^\w\s+\-]")
_MARK_SPACE = re.compile(r"([^\w\s+\-])\s")


def _crosses_punctuation(found: str, form: str) -> bool:
    """Whether a match spans a mark that breaks a token and the catalog form lacks."""
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

    def __init__(self, text: str) -> None:
        # Gaps and tokens alternate in the split: their lengths give every offset, without a
        # match object per token.
        pieces = _TOKEN_SPLIT.split(lower_same_length(text))
        offsets = list(itertools.accumulate(map(len, pieces), initial=0))
        tokens = pieces[1::2]
        self.starts = offsets[1:-1:2]
        self.ends = offsets[2:-1:2]
        norm_offsets = list(itertools.accumulate(map(len, tokens), initial=0))
        self.norm_starts = norm_offsets[:-1]
        norm_ends = norm_offsets[1:]
        self.joined = "".join(tokens)
        self.norm_start_set = dict(zip(self.norm_starts, range(len(tokens)), strict=True))
        self.norm_end_set = dict(zip(norm_ends, range(len(tokens)), strict=True))

    def span(self, norm_start: int, norm_end: int) -> tuple[int, int] | None:
        """Character span of a normalised match, if it starts and ends on token edges
        (a plural "s" may follow: "H20s")."""
        first = self.norm_start_set.get(norm_start)
        last = self.norm_end_set.get(norm_end)
        if last is None and self.joined[norm_end : norm_end + 1] == "s":
            plural = self.norm_end_set.get(norm_end + 1)
            if plural is not None:
                return (self.starts[first], self.ends[plural] - 1) if first is not None else None
        if first is None or last is None or last < first:
            return None
        return self.starts[first], self.ends[last]

    def token_index(self, offset: int) -> int:
        """Index of the token at or after a character offset."""
        return bisect.bisect_left(self.starts, offset)


class ProductMatcher:
    """Finds product mentions and links them to catalog entries."""

    def __init__(self, catalog: Catalog, gazetteer: Gazetteer) -> None:
        self.catalog = catalog
        self._automaton = ahocorasick.Automaton()
        families: dict[str, list[Product]] = {}
        for product in catalog.products.values():
            for form in product.long_forms():
                self._add(form, product, is_short=False)
            for form in product.short_names:
                self._add(form, product, is_short=True)
            head = product.name.split()[0] if product.name.split() else ""
            if head[:1].isalpha() and len(head) >= 3:
                families.setdefault(head, []).append(product)
        if len(self._automaton) == 0:
            self._automaton.add_word("\x00", None)
        self._automaton.make_automaton()
        self._by_form = {
            normalise(form): product
            for product in catalog.products.values()
            for form in product.long_forms()
        }
        # Families named by at least two entries ("Snapdragon", "Dimensity", "iPhone").
        self._families = {head: items for head, items in families.items() if len(items) >= 2}
        self._family_forms = {
            head: {normalise(f): p for p in items for f in p.long_forms()}
            for head, items in self._families.items()
        }
        names = "|".join(re.escape(h) for h in sorted(self._families, key=len, reverse=True))
        self._family_re = (
            re.compile(rf"(?<![\w-])(?:{names})(?:\s+{_MODEL_TOKEN}){{1,4}}") if names else None
        )
        self._vendor_names = {v.name for v in gazetteer.vendors.values()}
        self._parents = {v.name: v.parent for v in gazetteer.vendors.values() if v.parent}

    def _add(self, form: str, product: Product, *, is_short: bool) -> None:
        key = normalise(form)
        if len(key) < 2:
            return
        existing = self._automaton.get(key, None)
        if existing is not None and (not existing.is_short or is_short):
            return  # first long form wins; a long form beats a short one
        self._automaton.add_word(key, _Form(product, key, is_short, form))

    def find(
        self,
        text: str,
        spans: list[tuple[int, int]],
        vendors: list[VendorMention],
    ) -> list[ProductMention]:
        """Product mentions in ``text`` given its sentences and vendor mentions."""
        tokens = _Tokens(text)
        article_vendors = {m.vendor for m in vendors}
        article_vendors |= {self._parents[v] for v in article_vendors if v in self._parents}
        found: list[tuple[int, int, Product]] = []
        linked: set[str] = set()
        for last, form in self._automaton.iter(tokens.joined):
            if form is None:
                continue
            span = tokens.span(last - len(form.key) + 1, last + 1)
            if span is None:
                continue
            found_text = text[span[0] : span[1]]
            if _crosses_punctuation(found_text, form.form) or _case_breaks(found_text, form.form):
                continue
            # A short name, once linked in an article, stays linked further on.
            if (
                form.is_short
                and form.product.id not in linked
                and not self._short_name_ok(
                    form.product, text, spans, span, vendors, article_vendors
                )
            ):
                continue
            linked.add(form.product.id)
            found.append((span[0], span[1], form.product))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        mentions: list[ProductMention] = []
        reach = -1
        for start, end, product in found:
            if start < reach:
                continue
            extended = self._extended(text, spans, start, end, product)
            if extended is not None and any(end <= s < extended.end for s, _, _ in found):
                continue  # "AMD Instinct MI355X": the specific entry inside wins
            if extended is not None:
                reach = extended.end
                mentions.append(extended)
                continue
            reach = end
            if not product.is_generic:
                mentions.append(self._mention(text, spans, start, end, product))
        mentions.extend(self._family_mentions(text, spans, [(m.start, m.end) for m in mentions]))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _extended(
        self, text: str, spans: list[tuple[int, int]], start: int, end: int, product: Product
    ) -> ProductMention | None:
        """A more specific product than ``product``, when a model number follows its name."""
        match = _EXTENSION.match(text, end)
        if match is None:
            return None
        tokens = re.split(r"[ -]+", match.group().strip(" -"))
        kept: list[str] = []
        for token in tokens:
            if _UNIT_OR_YEAR.match(token):
                break
            kept.append(token)
        # A model number, or model letters after a device line ("iPhone XS", "iPhone SE").
        letters = bool(kept) and product.category == "device" and _MODEL_LETTERS.match(kept[0])
        if not any(_DIGITS.search(t) for t in kept) and not letters:
            return None
        phrase_end = end + match.group().index(kept[-1]) + len(kept[-1])
        phrase = text[start:phrase_end]
        s_start, s_end = sentence_at(text, spans, start)
        name = " ".join(phrase.split())
        if product.vendor and name.lower().startswith(product.vendor.lower() + " "):
            name = name[len(product.vendor) + 1 :]  # "Intel Core Ultra 7 258V" -> "Core Ultra..."
        known = self._by_form.get(normalise(name))
        if known is not None:
            return self._mention(text, spans, start, phrase_end, known)
        return ProductMention(
            name=name,
            catalog_id=None,
            vendor=product.vendor or None,
            category=product.category,
            surface=phrase,
            start=start,
            end=phrase_end,
            sentence=text[s_start:s_end],
        )

    def _short_name_ok(
        self,
        product: Product,
        text: str,
        spans: list[tuple[int, int]],
        span: tuple[int, int],
        vendors: list[VendorMention],
        article_vendors: set[str],
    ) -> bool:
        owners = {product.vendor} | {m.vendor for m in product.makers if m.role == "foundry"}
        s_start, s_end = sentence_at(text, spans, span[0])
        in_sentence = {m.vendor for m in vendors if s_start <= m.start < s_end}
        in_sentence |= {self._parents[v] for v in in_sentence if v in self._parents}
        if owners & in_sentence:
            return True
        category = _CATEGORY_RES.get(product.category)
        return bool(owners & article_vendors and category and category.search(text, s_start, s_end))

    def _mention(
        self, text: str, spans: list[tuple[int, int]], start: int, end: int, product: Product
    ) -> ProductMention:
        s_start, s_end = sentence_at(text, spans, start)
        return ProductMention(
            name=product.name,
            catalog_id=product.id,
            vendor=product.vendor or None,
            category=product.category,
            surface=text[start:end],
            start=start,
            end=end,
            sentence=text[s_start:s_end],
        )

    def _family_mentions(
        self, text: str, spans: list[tuple[int, int]], taken: list[tuple[int, int]]
    ) -> list[ProductMention]:
        if self._family_re is None:
            return []
        mentions: list[ProductMention] = []
        for match in self._family_re.finditer(text):
            start, end = match.span()
            phrase = match.group()
            if not _DIGITS.search(phrase) or any(s < end and start < e for s, e in taken):
                continue
            head = phrase.split()[0]
            product = self._fuzzy(head, phrase)
            if product is not None:
                mentions.append(self._mention(text, spans, start, end, product))
                continue
            family = self._families[head]
            vendors = {p.vendor for p in family}
            s_start, s_end = sentence_at(text, spans, start)
            mentions.append(
                ProductMention(
                    name=" ".join(phrase.split()),
                    catalog_id=None,
                    vendor=vendors.pop() if len(vendors) == 1 else None,
                    category=family[0].category,
                    surface=phrase,
                    start=start,
                    end=end,
                    sentence=text[s_start:s_end],
                )
            )
        return mentions

    def _fuzzy(self, head: str, phrase: str) -> Product | None:
        forms = self._family_forms[head]
        key = normalise(phrase)
        digits = _DIGITS.findall(key)
        choices = [f for f in forms if _DIGITS.findall(f) == digits]
        if not choices:
            return None
        best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return forms[best[0]] if best else None
