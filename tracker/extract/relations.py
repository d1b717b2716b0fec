"""Supplier relations: who supplies whom, read from the structure of each sentence.

Each sentence with two or more parties becomes a template (``tracker.extract.grammar``):
companies and coordinated lists of companies are slots, products stand for their vendors.
The grammar of the article's language (English, German, French, Chinese, Japanese, Korean)
then assigns roles: the rule that matches says which slot supplies and which buys, so
"C taps S1, S2 and S3", "S wins C order", "C picks S for ..." and "S's customers include C"
all come out the right way round whatever order the names are in.

A relation is then checked before it is kept:

- the words between its two parties do not make them rivals, litigants, owners or investors
  ("to compete with Amazon Web Services", "a lawsuit against", "invested in");
- the sentence does not speak of talks, bids, samples or tests only ("in talks with",
  "provided samples for verification") — unless a role noun states the relation itself;
- the companies' kinds allow goods to flow that way (``SupplyOrder``: a brand does not
  supply its foundry).

A sentence that opens with "The company" or "It" stands for the previous sentence's subject;
a supplier whose customer goes unnamed ("will be manufactured by TSMC") supplies the company
the passage is about. Each relation carries a confidence calibrated on labelled news
(``bench/relation_calibration.py``) and, when it is reported, who reports it: an outlet or
analyst in its sentence, else the nearest one the article names.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from tracker.extract import grammar_en
from tracker.extract.grammar import (
    LIST,
    SLOT_INDEX,
    SLOT_MARKS,
    SV,
    Cues,
    Grammar,
    Rule,
    guarded,
)
from tracker.extract.grammar_intl import GRAMMARS
from tracker.extract.prefilter import Prefilter, least_count
from tracker.extract.relation_confidence import relation_confidence
from tracker.extract.supply_order import SupplyOrder
from tracker.extract.vendors import AttributionHit
from tracker.models import ProductMention, Relation, VendorMention

Party = tuple[str, int, int]  # (vendor name, start, end)

_CONTROL = re.compile(r"[\x01-\x06]\d*|\d+[\x02\x04\x06]")
# How far before a rule's match negation and intent still apply ("denied that it ...").
_CLAUSE_LEAD = 50
# A preposition before a party makes it an object, not the subject of a rule.
_OBJECT_BEFORE = re.compile(r"\b(?:to|for|from|by|with|of|at|on|in|and also)\s*$", re.IGNORECASE)
# ... unless a clause makes it the subject again: "calls for S to provide", "for S, which".
_SUBJECT_AFTER = re.compile(
    r"(?:'s|’s)?\s*(?:to\s+[a-z]|(?:\s+(?-i:[A-Z])[\w-]*){0,2}(?:\s*,\s*(?:a|an|the)\b[^,;]{0,150}"
    r"(?=,))?\s*,\s*(?:(?:both|all|each|one|some|many|most|several) of )?(?:which|who|whom)\b)",
    re.IGNORECASE,
)
_DENIED_BREAKUP = re.compile(
    r"\bden(?:y|ies|ied|ying)\b.{0,60}\b(?:dropp\w*|end\w*|lost|replac\w*|cut|switch\w*"
    r"|remov\w*|kicked out)\b",
    re.IGNORECASE,
)
# "ditch a Chinese company and use LG Innotek": the relation is the new one.
_SWITCH_TO = re.compile(
    guarded(
        r"\b(?:and|to|in favou?r of|instead)\s+(?:\w+\s+)?(?:use|using|tap|tapping|pick|picking"
        r"|choose|choosing|select|turn to|switch to|go with|adopt|award|hand)\w*\b"
    ),
    re.IGNORECASE,
)
# Japanese and Korean name several suppliers each with its own subject particle.
_CO_SUBJECT_RULES = frozenset({"ja_s_ga_c_ni", "ja_c_ni_s_ga", "ko_s_ga_c_e", "ko_c_e_s_ga"})
_SUBJECT_SLOT = re.compile(r"\x03(\d+)\x04(?:の\d社)?\s*(?:が|は|も|가|이|은|는|도)")
# Some of the work moved, not all of it: the old supplier still supplies.
_PARTIAL = re.compile(
    guarded(r"\b(?:some|part|portion|share|half|a third|percent|per cent|a few|several)\b|%"), re.I
)


def _grammars(language: str) -> tuple[Grammar, ...]:
    """English always, except on German and French pages, plus the page's own language."""
    own = GRAMMARS.get(language)
    if own is None:
        return (grammar_en.GRAMMAR,)
    if language in ("de", "fr"):
        return (own,)
    return (own, grammar_en.GRAMMAR)


def relation_status(
    clause: str, sentence: str, has_attribution: bool, cues: Cues, marks: int = 0b1111
) -> str:
    """negated, reported, planned or confirmed, in that order of precedence: negation and
    intent from the clause that states the relation, reporting from the whole sentence.
    A denied break-up ("denied a report that it had dropped X") affirms the relation.
    ``marks`` (``_marks``) says which of the four tests the sentence's words allow."""
    if marks & 1 and _DENIED_BREAKUP.search(sentence):
        return "confirmed"
    negation = cues.negated.search(clause) if marks & 2 else None
    if negation and not _SWITCH_TO.search(clause, negation.end()):
        return "negated"
    if has_attribution or (marks & 4 and cues.reported.search(sentence)):
        return "reported"
    if marks & 8 and cues.planned.search(clause):
        return "planned"
    return "confirmed"


# The same sentence's status is asked for once per rule match, product and party.
_status = functools.lru_cache(maxsize=256)(relation_status)


_NOT_YET_MARK = 16


@dataclass(frozen=True, slots=True)
class Found:
    """A relation and the rule that found it."""

    relation: Relation
    rule: str


class _Template:
    """A sentence with its companies and products as slots."""

    def __init__(
        self, text: str, groups: list[list[Party]], products: list[ProductMention]
    ) -> None:
        self.text = text
        self.groups = groups
        self.products = products
        # found on first use (functools.cached_property takes a lock for it)
        self._group_at: list[tuple[int, int]] | None = None
        self._product_at: dict[int, tuple[int, int]] | None = None

    @property
    def group_at(self) -> list[tuple[int, int]]:
        """Where each group slot sits in the template."""
        if self._group_at is None:
            self._group_at = [(m.start(), m.end()) for m in _GROUP_SLOT.finditer(self.text)]
        return self._group_at

    @property
    def product_at(self) -> dict[int, tuple[int, int]]:
        """Where each product slot sits in the template, by product index."""
        if self._product_at is None:
            self._product_at = {
                int(m.group(1)): (m.start(), m.end()) for m in _PRODUCT_SLOT.finditer(self.text)
            }
        return self._product_at


_GROUP_SLOT = re.compile(r"\x03\d+\x04")
_PRODUCT_SLOT = re.compile(r"\x05(\d+)\x06")


def _template(
    sentence: str, offset: int, vendors: list[Party], products: list[ProductMention]
) -> _Template:
    items: list[tuple[int, int, str, int]] = [(s, e, "v", i) for i, (_, s, e) in enumerate(vendors)]
    items += [
        (p.start, p.end, "p", i)
        for i, p in enumerate(products)
        if p.vendor and not any(s < p.end and p.start < e for _, s, e in vendors)
    ]
    items.sort()
    parts: list[str] = []
    pos = 0
    for start, end, kind, i in items:
        if start - offset < pos:
            continue
        parts.append(sentence[pos : start - offset])
        parts.append(f"\x01{i}\x02" if kind == "v" else f"\x05{i}\x06")
        pos = end - offset
    parts.append(sentence[pos:])
    slotted = "".join(parts)
    groups: list[list[Party]] = []

    def group(match: re.Match[str]) -> str:
        members = [vendors[int(i)] for i in SLOT_INDEX.findall(match.group())]
        if len(members) > 1 and _RACING.match(slotted, match.end()):
            # "supplier to Nvidia, Samsung and Micron catching up": only the first is listed
            return SLOT_INDEX.sub(lambda m: one(vendors[int(m.group(1))]), match.group())
        if len(members) > 1 and _OWN_CLAUSE.match(slotted, match.end()):
            last = _LAST_AFTER_COMMA_AND.search(match.group())
            if last is not None:
                # "SK hynix, which supplies Nvidia, and Samsung, which ...": two subjects
                head = match.group()[: last.start()]
                groups.append([vendors[int(i)] for i in SLOT_INDEX.findall(head)])
                first = f"\x03{len(groups) - 1}\x04"
                return first + match.group()[last.start() : last.start(1) - 1] + one(members[-1])
        groups.append(members)
        tail = "’s" if match.group().endswith(("'s", "’s")) else ""
        return f"\x03{len(groups) - 1}\x04{tail}"

    def one(member: Party) -> str:
        groups.append([member])
        return f"\x03{len(groups) - 1}\x04"

    return _Template(LIST.sub(group, slotted), groups, products)


# A last member after ", and" with a relative clause of its own parallels an earlier subject.
_OWN_CLAUSE = re.compile(r"\s*,\s*(?:which|who)\b", re.IGNORECASE)
_LAST_AFTER_COMMA_AND = re.compile(r",\s*and\s+\x01(\d+)\x02$")
_RACING = re.compile(
    r"\s+(?:are\s+|is\s+)?(?:catching up|trailing|lagging|following|closing in|close behind"
    r"|behind|competing|racing)\b",
    re.IGNORECASE,
)


def document_subject(
    spans: list[tuple[int, int]], vendors: list[VendorMention], products: list[ProductMention]
) -> str | None:
    """Whose article it is: the maker of the first device or product in the headline, else
    the first company the headline names."""
    if not spans:
        return None
    start, end = spans[0]
    for product in products:
        if start <= product.start < end and product.vendor:
            return product.vendor
    in_title = next((m.vendor for m in vendors if start <= m.start < end), None)
    if in_title:
        return in_title
    # A casual headline ("switch 2 teardown notes"): the first device of the opening lines.
    opening = spans[min(2, len(spans) - 1)][1]
    return next(
        (p.vendor for p in products if p.start < opening and p.vendor and p.category == "device"),
        None,
    )


# A part and its maker with no customer in the sentence: in a teardown or review the
# customer is the article's subject ("Storage is 256GB of UFS 3.1 from Kioxia"). The word
# before "from" must name a part: "a push from Microsoft" is not a purchase.
_PART_NOUN = (
    r"(?:\x05\d+\x06|chips?|chipsets?|modems?|processors?|memory|storage|displays?|panels?"
    r"|screens?|sensors?|batter(?:y|ies)|cells|cameras?|modules?|lenses|lens|socs?|gpus?|cpus?"
    r"|dram|nand|ufs|lpddr\w*|flash|components?|parts?|wafers?|substrates?|controllers?"
    r"|amplifiers?|radios?|packages?)"
)
_PART_FROM = re.compile(
    r"\b" + _PART_NOUN + r"\s+(?:\S+\s+){0,3}?from\s+" + SV + r"(?![\w'’])", re.IGNORECASE
)

# "Sony remains the sole supplier of the main camera sensor" in an article about Apple; "the
# design will be manufactured by TSMC": a supplier whose customer goes unnamed in the
# sentence supplies the company the passage is about. Only the plainest forms count.
# "many of which are believed to be manufactured by SMIC", but not "those made by Nvidia"
_MADE_BY = re.compile(
    r"(?<![\w-])(?:made|supplied|provided|built|fabricated|manufactured|produced|assembled)\s+by"
    r"\s+" + SV.replace("<s>", "<s2>") + r"(?![\w'’])",
    re.IGNORECASE,
)
_ANY_MADE = re.compile(r"\b(?:those|ones|anything|products)\s+$", re.IGNORECASE)
_SUPPLIES_UNNAMED = re.compile(
    SV + r"\s*(?:\([^)]{0,40}\)\s*)?,?\s+(?:(?:also|still|now|already|again)\s+)?"
    r"(?:(?:remains?|remained|is|are|was|were|became|has been|will remain|stays?)"
    r"\s+(?:the|a|an|its)\s+(?:(?:sole|lead|main|primary|key|largest|biggest|exclusive|second"
    r"|only|principal|dominant|major|preferred)\s+)+" + grammar_en.ROLE + r"\b"
    r"|(?:supplied|supplies|delivered|delivers|assembles|assembled|packages|packaged)\s+"
    r"(?!to\b|for\b)" + r"[^\x03\x04,;]{0,80}?(?:[,;]|\band\b|$))",
    re.IGNORECASE,
)
_NAMED_AFTER = re.compile(r"[^\x03\x04]{0,40}?\b(?:for|to)\s+\x03", re.IGNORECASE)
_NO_CUSTOMER_AFTER = r"(?![^\x03\x04]{0,60}\b(?:to|for|with|from|by)\s+\x03)"
# The customer named in the sentence before, the deal in this one: "Tesla has picked a new
# camera supplier. Samsung Electro-Mechanics won the contract." The definite article points
# back; the customer is the company that led the previous sentence.
_REFERS_BACK = re.compile(
    SV + r"\s*(?:\([^)]{0,40}\)\s*)?,?\s+(?:(?:has|have|had|will|would|also|now|already|then"
    r"|is|are|was|were)\s+){0,2}(?:to\s+)?(?:won|wins|win|secured|secures|secure|landed|lands"
    r"|land|received|receives|bagged|clinched|snagged|got|gets)\s+the\s+(?:[\w-]+\s+){0,3}?"
    r"(?:order|orders|contract|deal|business|tender|award)\b"
    + _NO_CUSTOMER_AFTER
    + r"|"
    + SV.replace("<s>", "<s3>")
    + r"\s+(?:(?:has|have|will|would|also|now|already|then|is"
    r"|are)\s+){0,2}(?:to\s+)?(?:supply|supplies|supplied|supplying|provide|provides|provided"
    r"|deliver|delivers|delivered|build|builds|make|makes|assemble|assembles|manufacture"
    r"|manufactures)\s+(?:the|these|those|them)\b(?![^.;,\x03]{0,40}\x05)" + _NO_CUSTOMER_AFTER,
    re.IGNORECASE,
)

# A review or teardown of a device: the chips and parts of other companies it names are
# that device maker's supplies ("Our review unit came with Qualcomm's Snapdragon X Elite",
# "16GB of LPDDR5X from Micron"). Not in comparisons ("faster than the A18").
_PART_CATEGORIES = {"soc", "cpu", "gpu", "memory", "modem", "rf", "display", "storage", "component"}
_COMPARISON = re.compile(
    guarded(
        r"\b(?:than|vs\.?|versus|compared|comparison|beats?|rivals?|unlike|competitor\w*|outperform\w*"
        r"|against|instead of|rather than|switch\w* (?:away )?from|dropp\w*)\b"
    ),
    re.IGNORECASE,
)
_REVIEW = re.compile(
    guarded(
        r"\b(?:review(?:ed|s)?|teardown|tore down|hands-on|unboxing|our (?:test|review) unit"
        r"|score:|verdict|benchmarks?)\b"
    ),
    re.IGNORECASE,
)

# Analysts named in the text, with their firm when it is said: "analyst Ming-Chi Kuo",
# "said Priya Raman, a hardware analyst at Harbor Securities".
_NAME = r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+){1,2}"
_ANALYST = re.compile(
    r"\b(?:analysts?|strategists?)\s+(?P<name1>" + _NAME + r")\b"
    r"|(?P<name2>" + _NAME + r"),\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:analyst|strategist)"
    r"\s+(?:at|with|for|of)\s+(?P<firm>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})"
)


class _Grammars:
    """The rules of some grammars, the English heuristics and the status words, with one
    prefilter over all their words: one pass over a sentence says which can match."""

    def __init__(self, grammars: Sequence[Grammar]) -> None:
        self.grammars = tuple(grammars)
        needs: dict[str, int] = {}
        self.by_need: list[list[_Possible]] = []
        order = 0
        for g in grammars:
            for r in g.rules:
                index = needs.setdefault(r.need, len(needs))
                if index == len(self.by_need):
                    self.by_need.append([])
                # whether the rule reads pairs within one list (``groupindex`` is a copy), and
                # how many slots (companies, products) a template needs for it to match
                reads_pairs = "pair" in r.regex.groupindex
                least = least_count(r.regex, _SLOT_OPENERS)
                self.by_need[index].append((order, g, r, reads_pairs, least))
                order += 1
        patterns: list[str | re.Pattern[str]] = [re.compile(n) for n in needs]
        self.helper_base = len(patterns)
        patterns += [grammar_en.THROUGH, _PART_FROM, _SUPPLIES_UNNAMED, _REFERS_BACK, _MADE_BY]
        # status words per grammar: denied break-up, negated, reported, planned, not yet
        self.cue_base: dict[Cues, int] = {}
        for g in grammars:
            self.cue_base[g.cues] = len(patterns)
            cues = g.cues
            patterns += [_DENIED_BREAKUP, cues.negated, cues.reported, cues.planned, cues.not_yet]
        self.filter = Prefilter(patterns, opaque=SLOT_MARKS)

    def scan(self, lowered: str) -> set[int]:
        """What the (lower-cased) sentence may hold, for ``possible``, ``helpers``, ``marks``."""
        return self.filter.candidates(lowered)

    def possible(self, hits: set[int]) -> list[_Possible]:
        """The rules whose words the sentence may hold, in grammar order (the prefilter only
        rules out; a rule that runs is its own test), each with its place in that order,
        whether it reads pairs within one list and the fewest slots it matches."""
        found: list[_Possible] = []
        for need in hits:
            if need < self.helper_base:
                found.extend(self.by_need[need])
        found.sort(key=_first)
        return found

    def helpers(self, hits: set[int]) -> set[int]:
        """Which English heuristics may match (``_THROUGH_ID`` ...)."""
        base = self.helper_base
        return {h - base for h in hits if base <= h < base + _HELPER_COUNT}

    def marks(self, hits: set[int], cues: Cues) -> int:
        """Which status tests the sentence's words allow, as bits: denied break-up, negated,
        reported, planned, not yet. Most sentences have none of their words."""
        base = self.cue_base[cues]
        return sum(1 << (h - base) for h in hits if base <= h < base + 5)


_SLOT_OPENERS = "\x03\x05"  # what opens a group slot and a product slot in a template
# The ASCII characters Unicode patterns take for white space and ASCII ones do not.
_ASCII_SPACES = re.compile("[\x1c-\x1f]")


@functools.cache
def ascii_twin(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex`` compiled for ASCII text (\\w, \\s, \\b and case in ASCII only): the same
    matches on a text of ASCII characters without ``_ASCII_SPACES``, as most pages' sentences
    are, and cheaper tests of each character, as long as none of the pattern's own non-ASCII
    characters matches an ASCII one case-insensitively (the long s, the Kelvin sign: a test
    checks the rules). Compiled on first use."""
    return re.compile(regex.pattern, (regex.flags & ~re.UNICODE) | re.ASCII)


_Possible = tuple[int, Grammar, Rule, bool, int]


def _first(item: _Possible) -> int:
    return item[0]


_THROUGH_ID, _PART_FROM_ID, _SUPPLIES_UNNAMED_ID, _REFERS_BACK_ID, _MADE_BY_ID = range(5)
_HELPER_COUNT = 5


@functools.lru_cache(maxsize=8)
@functools.cache
def _rules_for(language: str) -> _Grammars:
    """The rules for a page's language, built once (the prefilter is an automaton over all
    their words: building it costs more than reading an article)."""
    return _Grammars(_grammars(language))


class RelationFinder:
    """Finds supplier relations in articles. Build once per gazetteer and catalog.

    ``parents`` keeps a parent from supplying its own unit; ``makers`` (catalog id ->
    companies that make its parts) lets a sentence that names a product and one of its known
    makers count as that maker supplying the product's vendor; ``order`` checks directions
    by company kind and directs agreements.
    """

    def __init__(
        self,
        parents: dict[str, str],
        makers: dict[str, set[str]] | None = None,
        order: SupplyOrder | None = None,
    ) -> None:
        self.parents = parents
        self.makers = makers or {}
        self.order = order

    def find(
        self,
        text: str,
        spans: list[tuple[int, int]],
        vendors: list[VendorMention],
        products: list[ProductMention],
        attributions: Iterable[AttributionHit],
        language: str = "en",
    ) -> list[Relation]:
        """Relations stated in ``text``, one per (supplier, customer), best first.

        A pair the article states as current anywhere is current (its surest statement); a
        denial or an ending stands only when nothing in the article affirms the pair."""
        best: dict[tuple[str, str], Relation] = {}
        for found in self.candidates(text, spans, vendors, products, attributions, language):
            relation = found.relation
            pair = (relation.supplier, relation.customer)
            held = best.get(pair)
            if held is None or _rank(relation) > _rank(held):
                best[pair] = relation
        return sorted(best.values(), key=lambda r: -r.confidence)

    def candidates(
        self,
        text: str,
        spans: list[tuple[int, int]],
        vendors: list[VendorMention],
        products: list[ProductMention],
        attributions: Iterable[AttributionHit],
        language: str = "en",
    ) -> list[Found]:
        """Every relation each rule finds, with the rule's name (duplicates included)."""
        rules = _rules_for(language)
        english = any(g is grammar_en.GRAMMAR for g in rules.grammars)
        hits = list(attributions)
        attribution_at = [(a.start, a.name) for a in hits]
        found: list[Found] = []
        previous_subject: str | None = None
        previous_lead: str | None = None
        subject = document_subject(spans, vendors, products)
        device_subject = _device_subject(text, spans, products) if english else None
        vendor_starts = [m.start for m in vendors]
        product_starts = [p.start for p in products]
        cues = rules.grammars[0].cues
        for s_start, s_end in spans:
            lo, hi = bisect_left(vendor_starts, s_start), bisect_left(vendor_starts, s_end)
            parties: list[Party] = [(m.vendor, m.start, m.end) for m in vendors[lo:hi]]
            sentence = text[s_start:s_end]
            if previous_subject is not None and previous_subject not in (p[0] for p in parties):
                first = parties[0][1] - s_start if parties else None
                anaphor = _anaphor(sentence, rules.grammars, first)
                if anaphor:
                    at = (previous_subject, s_start + anaphor[0], s_start + anaphor[1])
                    parties.insert(0, at)
            in_sentence = products[
                bisect_left(product_starts, s_start) : bisect_left(product_starts, s_end)
            ]
            if not parties:
                previous_lead = None
                if device_subject and in_sentence:
                    out = _Out(self, found, sentence, None, in_sentence, cues)
                    self._parts_of_device(sentence, device_subject, in_sentence, out)
                continue
            # who the passage is about, for "made by S": the sentence's first company, the
            # device reviewed, the subject that opened the previous sentence, the article's
            topics = [parties[0][0]]
            topics += [t for t in (device_subject, previous_lead, subject) if t]
            before = previous_lead
            previous_subject = parties[0][0]
            previous_lead = parties[0][0] if _leads(sentence, parties[0], s_start) else None
            names = {name for name, _, _ in parties} | {p.vendor for p in in_sentence if p.vendor}
            attribution = next((n for pos, n in attribution_at if s_start <= pos < s_end), None)
            out = _Out(self, found, sentence, attribution, in_sentence, cues)
            lowered = sentence.lower()
            words = rules.scan(lowered)
            out.marks_of = functools.partial(rules.marks, words)
            helpers = rules.helpers(words) if english else set()
            possible = rules.possible(words) if len(names) > 1 else []
            if not helpers and not possible:
                if device_subject:
                    self._parts_of_device(sentence, device_subject, in_sentence, out)
                if self.makers and len(names) > 1:
                    self._known_makers(sentence, parties, in_sentence, out)
                continue
            template = _template(sentence, s_start, parties, in_sentence)
            single = len(names) == 1 and len(parties) == 1
            if single and _PART_FROM_ID in helpers and subject and subject not in names:
                self._part_from_subject(template, s_start, parties[0], subject, out)
            if _SUPPLIES_UNNAMED_ID in helpers or _MADE_BY_ID in helpers:
                unnamed = subject if subject not in names else None
                self._supplies_unnamed(template, s_start, topics, unnamed, out)
            if _REFERS_BACK_ID in helpers and before and before not in names:
                self._refers_back(template, s_start, before, out)
            if device_subject:
                self._parts_of_device(sentence, device_subject, in_sentence, out)
            if len(names) < 2:
                continue
            suppressed: set[tuple[str, str]] = set()
            if _THROUGH_ID in helpers:
                for through in grammar_en.THROUGH.finditer(template.text):
                    for supplier in template.groups[int(through.group("s"))]:
                        for via in template.groups[int(through.group("via"))]:
                            suppressed.add((supplier[0], via[0]))
            sentence_found: list[tuple[Found, bool]] = []
            listed = any(len(group) > 1 for group in template.groups)
            slots = sum(map(template.text.count, _SLOT_OPENERS))
            is_ascii = template.text.isascii() and not _ASCII_SPACES.search(template.text)
            for _, g, r, reads_pairs, least in possible:
                if not listed and reads_pairs:
                    continue  # pairs within one list, and there is none
                if least > slots:
                    continue  # the rule needs more companies or products than there are
                if r.guard is not None and not r.guard.search(template.text):
                    continue
                for match in (ascii_twin(r.regex) if is_ascii else r.regex).finditer(template.text):
                    self._apply(g.cues, r, match, template, sentence, out, sentence_found)
            for item in _prefer_named(sentence_found, suppressed):
                found.append(item)
            if self.makers:
                self._known_makers(sentence, parties, in_sentence, out)
        _attribute(found, text, hits)
        return found

    def _apply(
        self,
        cues: Cues,
        r: Rule,
        match: re.Match[str],
        template: _Template,
        sentence: str,
        out: _Out,
        sentence_found: list[tuple[Found, bool]],
    ) -> None:
        named = match.groupdict()
        first = min((match.start(g) for g in named if match.start(g) >= 0), default=match.start())
        if (
            first == match.start() + 1
            and _OBJECT_BEFORE.search(template.text, 0, match.start())
            and not _SUBJECT_AFTER.match(template.text, template.text.index("\x04", first) + 1)
        ):
            return  # "... and also ships to Google": the leading party is an object
        clause = _CONTROL.sub(
            " ", template.text[max(0, match.start() - _CLAUSE_LEAD) : match.end()]
        )
        status = _status(clause, sentence, out.attribution is not None, cues, out.marks(cues))
        if (
            not r.role
            and status != "negated"
            and (
                cues.not_yet.search(clause)
                or (cues.trial or cues.not_yet).search(_rest_of_clause(template.text, match.end()))
            )
        ):
            return  # talks, bids, samples: not a relation yet (a denial or an end still is)
        if status != "negated" and _BUT_NOT.match(template.text, match.end()):
            status = "negated"  # "had 20 percent of HP's orders in 2012 but will not get any"
        pairs: list[tuple[Party, Party, str, bool]] = []  # supplier, customer, status, via product
        what = named.get("what") or ""
        if named.get("a") is not None:
            for a in template.groups[int(named["a"])]:
                for b in template.groups[int(named["b"])]:
                    pairs.extend(self._directed(a, b, status, what))
        elif named.get("pair") is not None:
            members = template.groups[int(named["pair"])]
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    pairs.extend(self._directed(a, b, status, what))
        else:
            suppliers = _side(match, "s", "ps", template)
            if r.name in _CO_SUBJECT_RULES:  # "S1が半分、S2が30%、S3が20%を供給"
                at = match.start("s")
                for other in _SUBJECT_SLOT.finditer(template.text, match.start(), match.end()):
                    if other.start() != at - 1:
                        suppliers = suppliers + template.groups[int(other.group(1))]
            customer_sides = [_side(match, "c", "pc", template)]
            via_product = named.get("ps") is not None or named.get("pc") is not None
            more_customers = grammar_en.MORE_CUSTOMERS.get(r.name)
            if more_customers is not None:
                pos = match.end()
                while more := more_customers.match(template.text, pos):
                    customer_sides.append(_side(more, "c", "pc", template))
                    via_product = via_product or more.group("pc") is not None
                    pos = more.end()
            if via_product and any(
                c[0] == s[0] for side in customer_sides for c in side for s in suppliers
            ):
                return  # "Kioxia and Sandisk begin shipping BiCS10": co-owners, no sale
            for customers in customer_sides:
                for supplier in suppliers:
                    for customer in customers:
                        pairs.append((supplier, customer, status, via_product))
            if named.get("old") is not None:
                old_status = status if _PARTIAL.search(clause) else "negated"
                for supplier in template.groups[int(named["old"])]:
                    for customer in customer_sides[0]:
                        pairs.append((supplier, customer, old_status, False))
        for supplier, customer, pair_status, via in pairs:
            if _apart(cues, template, supplier, customer):
                continue
            relation = out.relation(supplier, customer, pair_status, r.name)
            if relation is not None:
                sentence_found.append((Found(relation, r.name), via))

    def _directed(
        self, a: Party, b: Party, status: str, what: str
    ) -> list[tuple[Party, Party, str, bool]]:
        """Two parties of an agreement, supplier first, when their kinds (and what the
        agreement is about: "a packaging deal") say which way."""
        if self.order is None or a[0] == b[0]:
            return []
        way = self.order.direction(a[0], b[0], what)
        if way is None:
            return []
        return [(a, b, status, False)] if way == (a[0], b[0]) else [(b, a, status, False)]

    def _known_makers(
        self, sentence: str, parties: list[Party], products: list[ProductMention], out: _Out
    ) -> None:
        for product in products:
            known = self.makers.get(product.catalog_id or "")
            if not known or not product.vendor:
                continue
            for party in parties:
                if party[0] not in known or out.not_yet:
                    continue
                status = out.status()
                relation = out.relation(
                    party, (product.vendor, product.start, product.end), status,
                    "known_maker", [product],
                )  # fmt: skip
                if relation is not None:
                    out.found.append(Found(relation, "known_maker"))

    def _part_from_subject(
        self, template: _Template, offset: int, party: Party, subject: str, out: _Out
    ) -> None:
        if out.not_yet or not _PART_FROM.search(template.text):
            return
        relation = out.relation(party, (subject, offset, offset), out.status(), "part_from_subject")
        if relation is not None:
            out.found.append(Found(relation, "part_from_subject"))

    def _supplies_unnamed(
        self,
        template: _Template,
        offset: int,
        topics: list[str],
        subject: str | None,
        out: _Out,
    ) -> None:
        text = template.text
        found = [*_MADE_BY.finditer(text), *_SUPPLIES_UNNAMED.finditer(text)]
        for match in sorted(found, key=lambda m: m.start()):
            if "\x03" in text[match.end() : match.end() + 3]:
                continue
            slot = match.groupdict().get("s")
            # "S supplied ...": the article's subject, when the sentence does not name it
            candidates = [subject] if subject else []
            if slot is None:  # "made by S": not when a customer is named after it
                slot = match.group("s2")
                if _NAMED_AFTER.match(text, match.end()) or _ANY_MADE.search(
                    text, 0, match.start()
                ):
                    continue
                candidates = topics
            if out.not_yet:
                continue
            status = out.status()
            for supplier in template.groups[int(slot)]:
                customer = next((t for t in candidates if t != supplier[0]), None)
                if customer is None:
                    continue
                relation = out.relation(
                    supplier, (customer, offset, offset), status, "supplies_unnamed"
                )
                if relation is not None:
                    out.found.append(Found(relation, "supplies_unnamed"))

    def _refers_back(self, template: _Template, offset: int, customer: str, out: _Out) -> None:
        match = _REFERS_BACK.search(template.text)
        if match is None or out.not_yet:
            return
        slot = match.group("s") if match.group("s") is not None else match.group("s3")
        status = out.status()
        for supplier in template.groups[int(slot)]:
            relation = out.relation(supplier, (customer, offset, offset), status, "refers_back")
            if relation is not None:
                out.found.append(Found(relation, "refers_back"))

    def _parts_of_device(
        self, sentence: str, maker: str, products: list[ProductMention], out: _Out
    ) -> None:
        parts = [
            p for p in products if p.vendor and p.vendor != maker and p.category in _PART_CATEGORIES
        ]
        if not parts or out.not_yet or _COMPARISON.search(sentence):
            return
        status = out.status()
        for part in parts:
            assert part.vendor is not None
            relation = out.relation(
                (part.vendor, part.start, part.end), (maker, part.start, part.start), status,
                "part_of_device", [part],
            )  # fmt: skip
            if relation is not None:
                out.found.append(Found(relation, "part_of_device"))


class _Out:
    """Builds the relations of one sentence."""

    def __init__(
        self,
        finder: RelationFinder,
        found: list[Found],
        sentence: str,
        attribution: str | None,
        products: list[ProductMention],
        cues: Cues,
    ) -> None:
        self.finder = finder
        self.found = found
        self.sentence = sentence
        self.attribution = attribution
        self.products = products
        self.cues = cues
        self.marks_of: Callable[[Cues], int] = lambda cues: 0b11111
        self._not_yet: bool | None = None

    @property
    def not_yet(self) -> bool:
        """Talks, bids and samples: the heuristics below a rule make no relation of them."""
        if self._not_yet is None:
            self._not_yet = bool(
                self.marks(self.cues) & _NOT_YET_MARK
                and self.cues.not_yet.search(self.sentence) is not None
            )
        return self._not_yet

    def status(self) -> str:
        """The sentence's status, for relations read without a rule."""
        return _status(
            self.sentence,
            self.sentence,
            self.attribution is not None,
            self.cues,
            self.marks(self.cues),
        )

    def marks(self, cues: Cues) -> int:
        """The status tests the sentence's words allow (``_Grammars.marks``)."""
        return self.marks_of(cues)

    def relation(
        self,
        supplier: Party,
        customer: Party,
        status: str,
        rule: str,
        products: list[ProductMention] | None = None,
    ) -> Relation | None:
        s, c = supplier[0], customer[0]
        parents = self.finder.parents
        if s == c or parents.get(c) == s:
            return None  # a parent does not supply its own unit; a unit may supply its parent
        order = self.finder.order
        if order is not None and not order.plausible(s, c):
            return None
        low, high = sorted((supplier[2], customer[1]))
        pool = products if products is not None else self.products
        between = [p for p in pool if low <= p.start <= high]
        chosen = between or pool
        product = chosen[0] if chosen else None
        return Relation(
            supplier=s,
            customer=c,
            product=product.name if product else None,
            status=status,
            confidence=relation_confidence(rule, status),
            evidence=self.sentence,
            attribution=self.attribution,
        )


_BUT_NOT = re.compile(
    r"[^.;\x03\x04]{0,60}?\bbut\s+(?:(?:will|would|did|does|do|has|have|had|is|are|was|were"
    r"|could)\s+(?:not|no longer|never)|no longer|never|lost|not any)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,;:.。；，]|\s[-–—]\s|\b(?:but|while|whereas|although|though)\b", re.I)


def _rest_of_clause(template: str, end: int) -> str:
    """What follows a match up to the end of its clause (at most 80 characters): "provided
    Nvidia with samples for verification"."""
    rest = template[end : end + 80]
    stop = _CLAUSE_END.search(rest)
    return " " + _CONTROL.sub(" ", rest[: stop.start()] if stop else rest)


def _rank(relation: Relation) -> tuple[bool, float]:
    return relation.status != "negated", relation.confidence


def _leads(sentence: str, party: Party, offset: int) -> bool:
    """True when the company opens the sentence (within its first three words)."""
    return len(sentence[: party[1] - offset].split()) <= 3


def _anaphor(
    sentence: str, grammars: Sequence[Grammar], first: int | None
) -> tuple[int, int] | None:
    """Where a phrase that stands for the previous sentence's subject sits ("The company",
    "It", "This means the company"): at the start, or anywhere before the first company
    named."""
    for g in grammars:
        match = g.cues.anaphor.match(sentence)
        end = first if first is not None else len(sentence)
        referent = g.cues.referent
        if match is None and referent is not None and _heads(g.cues).search(sentence, 0, end):
            match = referent.search(sentence, 0, end)
        if match is not None and (first is None or match.start() < first):
            return match.start(), match.end()
    return None


@functools.cache
def _heads(cues: Cues) -> re.Pattern[str]:
    """The referent's head nouns as one pattern: one pass over a sentence, not one each."""
    return re.compile("|".join(map(re.escape, cues.referent_heads)) or r"(?!)")


def _apart(cues: Cues, template: _Template, s: Party, c: Party) -> bool:
    """True when the words between the two parties' slots make them anything but trading
    partners (rivals, litigants, owners, investors)."""
    spans = [_slot_span(template, p) for p in (s, c)]
    if spans[0] is None or spans[1] is None:
        return False
    (_, a_end), (b_start, _) = sorted((spans[0], spans[1]))
    if b_start <= a_end:
        return False
    between = _CONTROL.sub(" ", template.text[a_end:b_start])
    return cues.apart.search(between) is not None


def _slot_span(template: _Template, party: Party) -> tuple[int, int] | None:
    """Where the slot that holds ``party`` sits in the template."""
    for index, members in enumerate(template.groups):
        if party in members:
            return template.group_at[index]
    for index, product in enumerate(template.products):
        if product.start == party[1] and index in template.product_at:
            return template.product_at[index]
    return None


def _side(
    match: re.Match[str], vendor_group: str, product_group: str, template: _Template
) -> list[Party]:
    names = match.groupdict()
    if names.get(vendor_group) is not None:
        more = names.get(vendor_group + "2")  # "ranging from Tesla to Volkswagen"
        side = template.groups[int(names[vendor_group])]
        return side + template.groups[int(more)] if more is not None else side
    if names.get(product_group) is not None:
        product = template.products[int(names[product_group])]
        if product.vendor:
            return [(product.vendor, product.start, product.end)]
    return []


def _prefer_named(found: list[tuple[Found, bool]], suppressed: set[tuple[str, str]]) -> list[Found]:
    """Within one sentence, a party named as a company beats one implied by a product:
    "builds GB200 racks for Amazon" gives Amazon, not Nvidia (whose product GB200 is)."""
    named = [f.relation for f, via in found if not via]
    kept: list[Found] = []
    for item, via in found:
        relation = item.relation
        if (relation.supplier, relation.customer) in suppressed:
            continue
        if via and any(
            n.supplier == relation.supplier or n.customer == relation.customer for n in named
        ):
            continue
        kept.append(item)
    return kept


def _device_subject(
    text: str, spans: list[tuple[int, int]], products: list[ProductMention]
) -> str | None:
    """The maker of the device a review or teardown is about: the first device named in the
    headline or the opening lines."""
    devices = [p for p in products if p.vendor and p.category == "device"]
    if not spans or not devices:
        return None
    opening = spans[min(2, len(spans) - 1)][1]
    # a review says what it reviews a little later (asked only when that may matter)
    if any(p.start >= opening for p in devices) and _REVIEW.search(text, 0, opening):
        opening = spans[min(5, len(spans) - 1)][1]
    return next((p.vendor for p in devices if p.start < opening), None)


def _attribute(found: list[Found], text: str, hits: list[AttributionHit]) -> None:
    """A reported relation whose sentence names no source is attributed to the nearest
    outlet or analyst the article names (the analyst is often named two sentences on)."""
    if not any(f.relation.status == "reported" and f.relation.attribution is None for f in found):
        return
    sources: list[tuple[int, str]] = [(a.start, a.name) for a in hits]
    analysts = _ANALYST.finditer(text) if "nalyst" in text or "trategist" in text else ()
    for match in analysts:
        name = match.group("name1") or match.group("name2")
        firm = match.group("firm")
        sources.append((match.start(), f"{name} ({firm})" if firm else name))
    if not sources:
        return
    at: dict[str, int] = {}
    for index, item in enumerate(found):
        relation = item.relation
        if relation.status != "reported" or relation.attribution is not None:
            continue
        where = at.setdefault(relation.evidence, text.find(relation.evidence))
        nearest = min(sources, key=lambda s: (abs(s[0] - where), s[0]))
        found[index] = Found(replace(relation, attribution=nearest[1]), item.rule)
