"""Product lines and the model numbers written after them: "Galaxy S24 Ultra", "Radeon RX 7000",
"Snapdragon 8 Gen 3", "Cortex-X4", "Xiaomi 14", "iPhone 15 Pro Max", "骁龙8Gen3".

A line is learnt from the catalog, not listed: the words of an entry's name before its first
token with a digit ("Radeon RX" of "Radeon RX 9070 XT", "Cortex" of "Cortex-X925") when two
entries share them, and every family entry ("iPhone", "EPYC") with its aliases ("骁龙" for
Snapdragon). A line whose words start with its vendor's name also counts without it ("Pixel"
of "Google Pixel 9"), then only on a page that names the vendor. A line that is a vendor's
name ("Xiaomi") is one only for devices: "Xiaomi 14" is a phone, "TSMC 3" nothing.

After a line, a model is a token with a digit ("14", "S24", "9800X3D", "8Gen3"), or for a
device two capitals ("iPhone XS"), then up to three more digits, tier words (Pro, Max,
Ultra, Plus, Air...) or "Gen N". Years ("Horizon 2020"), units ("128GB"), quantities
("15%", "300 million") and a mark that ends a sentence stop it. Coordinated models borrow the
line: "iPhone XS and XR", "Galaxy S24 and S24 Plus", "Ryzen 5000/6000".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import Catalog, Product
from tracker.extract.part_types import CJK_RANGES

_NAME_TOKENS = re.compile(r" |-(?=[A-Za-z]{0,3}\d)")
_CJK = re.compile(f"[{CJK_RANGES}]")
# A line is a name: a capital ("Galaxy", "EPYC"), a brand's small letter and a capital
# ("iPhone", "eMMC"), or letters of other scripts ("骁龙").
_LINE_FORM = re.compile(f"^(?:[A-Z]|[a-z][A-Z]|[{CJK_RANGES}])")
_DIGIT = re.compile(r"\d")
_TITLE_WORD = re.compile(r"^[A-Z][a-z]+$")
# A model token: letters, a number, then letter-number groups ("9800X3D", "MI300X", "8Gen3",
# "4A"); not a number glued to a word ("X4ALU").
_CODE = re.compile(r"^[A-Za-z]{0,4}\d+(?:\.\d+)?(?:Gen\d+|[A-Za-z]{1,2}\d+)*[A-Za-z]{0,2}\+?$")
_GLUED = re.compile(r"^[A-Z]?\d")
_LETTERS = re.compile(r"^(?:[A-Z]{2}|[B-HJ-Z])$")
_SERIES = re.compile(r"^[A-Z]{1,3}$")
_TIER_WORDS = (
    "Pro", "Max", "Ultra", "Plus", "Mini", "mini", "Air", "Lite", "Edge", "XL", "SE", "FE",
    "Ti", "Super", "XT", "XTX", "Neo", "Prime", "e",
)  # fmt: skip
_TIERS = frozenset(_TIER_WORDS)
_YEAR = re.compile(r"^(?:19[89]\d|20[0-4]\d)$")
_UNIT = re.compile(
    r"^\d+(?:\.\d+)?(?:GB|TB|MB|nm|mm|cm|W|kW|V|GHz|MHz|Hz|mAh|Wh|K|k|x|X|fps|p|in|MP|mp|GW|MW"
    r"|B|M|T|bn|mn|th|st|nd|rd|s)$"
)
_QUANTITY_AFTER = re.compile(
    r"\s*(?:%|％|percent\b|per cent\b|million\b|billion\b|trillion\b|units?\b|yuan\b|dollars?\b"
    r"|euros?\b|pieces\b|Prozent\b|Millionen\b|Milliarden\b|Stück\b|[万億亿元台片个個%대개])"
)
_MEASURE_AFTER = re.compile(
    r"-(?:cores?|inch|in|layers?|bits?|nm|mm|cm|years?|months?|weeks?|days?|hours?|watts?|W|GB"
    r"|TB|MB|megapixels?|MP|way|stack|high|hi|Hi|percent|fold|times|x|V|volt)\b"
)
_RUN = re.compile(r"[A-Za-z0-9.+]+")
_LEADING_LETTERS = re.compile(r"^([A-Z]{1,2})\d")
_SEPARATOR = re.compile(r"[ \u00a0]|-(?=[A-Za-z0-9])")
_EDITION = re.compile(r" for Galaxy\b")
# Another model of the same line: "XS and XR", "S24 and S24 Plus", "5000/6000", "5、6".
_COORDINATED = re.compile(r"(?:\s*/\s*|\s*,\s*|\s+(?:and|or|und|oder|et|&)\s+|\s*[、和与及與]\s*)")


@dataclass(frozen=True, slots=True)
class ProductLine:
    """A name that model numbers follow."""

    name: str  # as written in the catalog: "Radeon RX", "iPhone", "Snapdragon"
    prefix: str  # what a model is appended to for the full name: "Google Pixel" for "Pixel"
    vendor: str
    category: str
    device: bool
    needs_vendor: bool  # a word ("Pixel", "Mate", "Model"): only on a page naming the vendor
    family: str = ""  # id of the family entry the line is, if any
    joiner: str = " "  # between line and model in the catalog's names: "Cortex-X925"
    lead: int = 0  # characters of a vendor's name written before it ("Qualcomm Snapdragon")
    vendor_named: bool = False  # the line is its maker's name ("Xiaomi" 14)


@dataclass(frozen=True, slots=True)
class Model:
    """A model written after a line: its text, where it ends, its first token."""

    text: str
    end: int
    first: str


def _shape(token: str) -> str:
    return re.sub(r"[A-Za-z]", "a", re.sub(r"\d", "9", token))


def _vendor_forms(gazetteer: Gazetteer) -> dict[str, str]:
    """Each vendor name and alias -> the vendor's name."""
    forms: dict[str, str] = {}
    for vendor in gazetteer.vendors.values():
        for form in (vendor.name, *vendor.aliases):
            forms.setdefault(form, vendor.name)
    return forms


def derive_lines(catalog: Catalog, gazetteer: Gazetteer) -> dict[str, ProductLine]:
    """Every product line of the catalog, by the form it is written in."""
    vendor_forms = _vendor_forms(gazetteer)
    parents = {p.parent for p in catalog.products.values() if p.parent}
    members: dict[str, list[Product]] = {}
    for product in catalog.products.values():
        tokens = _NAME_TOKENS.split(product.name)
        first = next((i for i, t in enumerate(tokens) if _DIGIT.search(t)), 0)
        if first > 0:
            members.setdefault(" ".join(tokens[:first]), []).append(product)
    lines: dict[str, ProductLine] = {}
    for prefix, items in sorted(members.items()):
        family = catalog.get(prefix)
        if len(items) < 2 and family is None:
            continue
        _add_line(lines, prefix, prefix, items, vendor_forms, family)
    for product in catalog.products.values():
        declared = product.id in parents or product.family == product.name
        if not declared or _DIGIT.search(product.name) or product.is_generic:
            continue
        children = [p for p in catalog.products.values() if p.parent == product.id]
        # The family's names, not its descriptions ("Pixel smartphones", "Ada Lovelace GPU").
        forms = [product.name, *product.short_names]
        forms += [a for a in product.aliases if " " not in a or _CJK.search(a)]
        for form in forms:
            if form not in lines and _LINE_FORM.match(form) and not form.endswith("s"):
                _add_line(lines, form, product.name, children or [product], vendor_forms, product)
    return lines


def _add_line(
    lines: dict[str, ProductLine],
    form: str,
    prefix: str,
    items: list[Product],
    vendor_forms: dict[str, str],
    family: Product | None,
) -> None:
    vendor = Counter(p.vendor for p in items).most_common(1)[0][0]
    if not vendor:
        return  # a standard ("Wi-Fi 6", "PCIe 6"): no product of anyone's
    category = Counter(p.category for p in items).most_common(1)[0][0]
    device = category == "device"
    owner = vendor_forms.get(form)
    if owner is not None and not device:
        return  # "TSMC 3", "Intel 2024": a company, not a line
    hyphenated = sum(p.name.startswith(prefix + "-") for p in items)
    line = ProductLine(
        name=form,
        prefix=prefix,
        vendor=vendor,
        category=category,
        device=device,
        needs_vendor=False,
        family=family.id if family is not None else "",
        joiner="-" if hyphenated * 2 > len(items) else " ",
        vendor_named=owner is not None,
    )
    lines.setdefault(form, line)
    if owner is None:
        # "Qualcomm Snapdragon 425", "AMD Radeon RX 7000": the vendor's name before the line.
        for alias, name in vendor_forms.items():
            if name == vendor and " " not in alias and _LINE_FORM.match(alias):
                written = f"{alias} {form}"
                lines.setdefault(written, replace(line, name=written, lead=len(alias) + 1))
    if owner is not None:
        # A phone line named after its maker: its other names are lines too ("小米" 14).
        for alias, name in vendor_forms.items():
            plain = " " not in alias and "." not in alias
            if name == owner and alias != form and plain and _LINE_FORM.match(alias):
                lines.setdefault(alias, replace(line, name=alias))
        return
    words = form.split(" ")
    for cut in range(1, len(words)):
        head = " ".join(words[:cut])
        if vendor_forms.get(head) is not None:
            rest = " ".join(words[cut:])
            if not _LINE_FORM.match(rest):
                break
            word_like = bool(_TITLE_WORD.match(rest))
            lines.setdefault(rest, replace(line, name=rest, needs_vendor=word_like))
            break


def bare_models(
    text: str, hits: list[tuple[ProductLine, Model]]
) -> Iterable[tuple[int, ProductLine, Model]]:
    """Models written again without their line after a page named it: "Galaxy S25 Edge ...
    the S25 Ultra". Only models that start with letters ("S25", "XS") are taken alone."""
    prefixes: dict[str, tuple[int, ProductLine, Model]] = {}
    for line, model in hits:
        letters = _LEADING_LETTERS.match(model.first)
        if letters is not None and line.device:
            prefixes.setdefault(letters.group(1), (model.end, line, model))
    if not prefixes:
        return
    pattern = re.compile(
        r"(?<![\w\-/])(?:" + "|".join(sorted(map(re.escape, prefixes))) + r")\d{1,3}(?![\w\-])"
    )
    for match in pattern.finditer(text):
        after, line, seen = prefixes[match.group().rstrip("0123456789")]
        if match.start() < after:
            continue
        again = _model(text, match.start(), line, False)
        if again is not None and _shape(again.first) == _shape(seen.first):
            yield match.start(), line, again


def line_case_ok(surface: str, line: ProductLine) -> bool:
    """The line as written: its own case ("Galaxy", not "galaxy"), or an all-capital name in
    title case ("Epyc" for "EPYC")."""
    if surface == line.name:
        return True
    if surface[:1] != line.name[:1]:
        return False
    written = re.sub(r"[\s\-]+", "", surface)
    own = re.sub(r"[\s\-]+", "", line.name)
    if written == own:
        return True
    return own.isupper() and len(own) > 2 and written == own[0] + own[1:].lower()


def model_at(text: str, pos: int, line: ProductLine) -> Model | None:
    """The model written at ``pos`` right after a line, if any."""
    glued = pos < len(text) and _SEPARATOR.match(text, pos) is None
    return _model(text, pos if glued else pos + 1, line, glued)


def _model(text: str, start: int, line: ProductLine, glued: bool) -> Model | None:
    tokens: list[tuple[int, int, str]] = []
    cursor = start
    while len(tokens) < 5:
        match = _RUN.match(text, cursor)
        if match is None:
            break
        token = match.group().rstrip(".")
        tokens.append((match.start(), match.start() + len(token), token))
        cursor = match.start() + len(token)
        if text[cursor : cursor + 1] != " ":
            break
        cursor += 1
    if not tokens:
        return None
    kept: list[tuple[int, int, str]] = []
    i = 0
    first = tokens[0][2]
    if glued and not _GLUED.match(first):
        return None
    if _SERIES.match(first) and len(tokens) > 1 and _CODE.match(tokens[1][2]):
        kept.append(tokens[0])  # "RX 7000", "Z Fold7", "HX 370"
        i = 1
        first = tokens[1][2]
    if _CODE.match(first) and _DIGIT.search(first) and not _YEAR.match(first):
        if _UNIT.match(first):
            return None
        kept.append(tokens[i])
    elif line.device and not kept and _LETTERS.match(first) and not line.vendor_named:
        kept.append(tokens[i])  # "iPhone XS", "iPhone SE"; not "Volkswagen AG"
    else:
        return None
    i += 1
    while i < len(tokens):
        token = tokens[i][2]
        if token == "Gen" and i + 1 < len(tokens) and tokens[i + 1][2].isdigit():
            kept.extend(tokens[i : i + 2])
            i += 2
            continue
        numbered = _CODE.match(token) and _DIGIT.search(token)
        if token in _TIERS or (numbered and not _UNIT.match(token) and not _YEAR.match(token)):
            kept.append(tokens[i])
            i += 1
            continue
        break
    # A number followed by a quantity is no model: "iPhone 15 Pro 12%", "Xiaomi 300 million",
    # "Ryzen 16-core".
    while (
        kept
        and _DIGIT.search(kept[-1][2])
        and (_QUANTITY_AFTER.match(text, kept[-1][1]) or _MEASURE_AFTER.match(text, kept[-1][1]))
    ):
        kept.pop()
    if not kept or not any(_DIGIT.search(t) or _LETTERS.match(t) for _, _, t in kept):
        return None
    if len(kept) == 1 and _SERIES.match(kept[0][2]) and not line.device:
        return None
    end = kept[-1][1]
    edition = _EDITION.match(text, end)
    if edition is not None:
        end = edition.end()
    return Model(text[start:end], end, first)


def coordinated(text: str, end: int, previous: Model, line: ProductLine) -> Iterable[Model]:
    """Models after ``end`` that share the line of ``previous``: "XS and XR", "5000/6000"."""
    while True:
        joint = _COORDINATED.match(text, end)
        if joint is None:
            return
        model = _model(text, joint.end(), line, False) if joint.end() > end else None
        if model is None or _shape(model.first) != _shape(previous.first):
            return
        yield model
        end = model.end
