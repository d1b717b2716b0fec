"""Supplier relations: who supplies whom, read from sentence patterns over vendor mentions.

Each sentence with two or more parties becomes a template: every vendor mention is a slot,
coordinated vendors ("MediaTek, Qualcomm and Luxshare") are one group, and every product
mention is a slot standing for its vendor ("packages the B300" names Nvidia as customer,
"on N2" names TSMC as supplier). Patterns over the template give (supplier, customer) pairs
with the direction set by the pattern: "S supplies ... to C", "C taps S", "C supplier S",
"S, a C supplier", "S won orders from C", "made by S for C", "S's customers include C",
"C buys S's chips", "C's chip is built on S's N2", "S failed C's qualification".
A sentence that opens with "The company" or "It" stands for the previous sentence's subject.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.extract.prefilter import Prefilter
from tracker.extract.vendors import AttributionHit
from tracker.models import ProductMention, Relation, VendorMention

_V_OPEN, _V_CLOSE, _G_OPEN, _G_CLOSE, _P_OPEN, _P_CLOSE = "\x01\x02\x03\x04\x05\x06"
_ONE_SLOT = r"\x01\d+\x02"
_LIST = re.compile(
    rf"{_ONE_SLOT}(?:(?:'s|’s)?\s*,\s*{_ONE_SLOT})*(?:(?:'s|’s)?\s*,?\s*(?:and|or|as well as|&"
    rf"|plus)\s+(?:both\s+)?{_ONE_SLOT})?"
)
_SLOT_INDEX = re.compile(r"\x01(\d+)\x02")

GAP = r"[^\x03\x04]{0,%d}?"  # may pass over product slots, never over another company
S = r"(?:\x03(?P<s>\d+)\x04|\x05(?P<ps>\d+)\x06)"
C = r"(?:\x03(?P<c>\d+)\x04|\x05(?P<pc>\d+)\x06)"
SV = r"\x03(?P<s>\d+)\x04"  # a supplier that must be a company, not a product
CV = r"\x03(?P<c>\d+)\x04"
POS = r"(?:'s|’s)?"
WORDS = r"(?:(?:[\w-]+|\x05\d+\x06)\s+){0,%d}?"
ROLE = (
    r"(?:suppliers?|vendors?|assemblers?|contract manufacturers?|manufacturing partners?"
    r"|foundry partners?|foundr(?:y|ies)|chip partners?|design partners?|providers?|makers?"
    r"|packaging partners?|packagers?|subcontractors?|licensors?)"
)
SUPPLY_VERB = (
    r"(?:suppl(?:y|ies|ied|ying)|mak(?:e|es|ing)|made|manufactur\w*|fabricat\w*|fab(?:s|bed|bing)?"
    r"|produc(?:e|es|ed|ing)|assembl\w*|packag(?:e|es|ed|ing)|provid(?:e|es|ed|ing)"
    r"|ship(?:s|ped|ping)?|deliver(?:s|ed|ing)?|build(?:s|ing)?|built|sell(?:s|ing)?|sold"
    r"|design(?:s|ed|ing)?|develop(?:s|ed|ing)?|co-develop\w*|customi[sz]\w*|rent(?:s|ed|ing)?"
    r"|leas(?:e|es|ed|ing)|licens(?:e|es|ed|ing)|handl(?:e|es|ed|ing)"
    r"|source[sd]?|offer(?:s|ed|ing)?|install(?:s|ed|ing)?|integrat\w*|print(?:s|ed|ing)?"
    r"|in charge of|responsible for)"
)
BUY_VERB = (
    r"(?:tap(?:s|ped|ping)?|pick(?:s|ed|ing)?|select(?:s|ed|ing)?|chose|choos(?:e|es|ing)"
    r"|hire[sd]?|hiring|enlist(?:s|ed|ing)?|engag(?:e|es|ed|ing)|turn(?:s|ed|ing)? to"
    r"|rel(?:y|ies|ied|ying) on|depend(?:s|ed|ing)? on|(?:mov|shift|switch|migrat)\w* to"
    r"|(?:order|source|buy|purchase|procure|lease|rent)(?:s|d|ed|ing)? " + GAP % 60 + r"\bfrom"
    r"|bought " + GAP % 60 + r"\bfrom"
    r"|award(?:s|ed|ing)? " + GAP % 60 + r"\bto"
    r"|(?:sign(?:s|ed|ing)?|contract(?:s|ed|ing)?|partner(?:s|ed|ing)?|work(?:s|ed|ing)?"
    r"|team(?:s|ed|ing)? up|collaborat\w*) " + GAP % 40 + r"\bwith"
    r"|tap(?:e|es|ed|ing) out " + GAP % 60 + r"\b(?:at|with|on)"
    r"|qualif(?:y|ies|ied|ying)|certif(?:y|ies|ied|ying)"
    r"|with (?:support|help) from|keep(?:s|ing)?|kept|stay(?:s|ed|ing)? with|stick(?:s|ing)? with"
    r"|outsourc\w*(?: " + GAP % 40 + r"\bto)?)"
)
# Buying a company's goods: "C buys/deploys/licenses/uses S's chips", "C adopted S GPUs".
USE_VERB = (
    r"(?:buy(?:s|ing)?|bought|order(?:s|ed|ing)?|deploy(?:s|ed|ing)?|purchas\w*|licens\w*"
    r"|adopt\w*|us(?:e|es|ed|ing)|integrat\w*|standardi[sz]\w* on|put(?:s|ting)?|install\w*"
    r"|ship(?:s|ped|ping)? (?:with|on)|run(?:s|ning)? on|reserv\w*|book\w*|pre-?book\w*"
    r"|lock\w* in|(?:mov|shift|switch|migrat)\w* (?:to|onto)"
    r"|launch\w* (?:its |the |a |their )?" + WORDS % 3 + r"on|(?:is|are|was|were|be) powered by)"
)
_VIA = r"(?:\x03\d+\x04" + POS + r"\s+(?:\w+\s+)?" + ROLE + r"\s+)?"
WIN_VERB = (
    r"(?:w[oi]n|wins|secur\w+|land(?:s|ed)?|bag(?:s|ged)?|receiv\w+|clinch\w*|snag\w*|got|gets"
    r"|booked|gain\w*|tak(?:e|es|ing)|took)"
)
MAKE_VERB = (
    r"(?:mak(?:e|es|ing)|made|manufactur\w*|fabricat\w*|fab(?:s|bed|bing)?|produc(?:e|es|ed|ing)"
    r"|assembl\w*|packag(?:e|es|ed|ing)|build(?:s|ing)?|built)"
)
# A gap that does not pass a "to": "licensed its designs to X" is not buying from X.
_NO_TO_GAP = r"(?:(?!\bto\s+(?:[\w-]+\s+){0,3}?\x03)[^\x03\x04,;]){0,%d}?"
PASSIVE_VERB = (
    r"(?:made|fabricated|manufactured|produced|assembled|packaged|built|supplied|fabbed|provided"
    r"|designed|developed|powered|handled|tested|sourced|printed)"
)
# Between a subject and its verb: "S, which has long", "S (台積電) said it would".
_LEAD = r"\s*(?:\([^)]{0,40}\)\s*)?,?\s*(?:(?:which|who|that)\s+)?" + WORDS % 6
# Words before a customer that name it as a class: "to companies such as C".
_CLASS = (
    r"(?:(?:[\w-]+\s+){0,3}?(?:companies|customers|clients|firms|makers|chipmakers|brands"
    r"|vendors|carmakers|automakers|hyperscalers|licensees)\s*,?\s*(?:such as|including|like)"
    r"\s+)?"
)


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    confidence: float
    # which cheap test (of _NEED_LIST) must pass before the regex runs; set for PATTERNS
    need: int = -1


def _p(pattern: str, confidence: float) -> _Pattern:
    return _Pattern(re.compile(pattern, re.IGNORECASE), confidence)


# "supplies ... to Nvidia's rack partners, including Foxconn and Wistron": the customers
# are the partners, not Nvidia.
_THROUGH = re.compile(
    SV + POS + _LEAD + SUPPLY_VERB + r"\b" + GAP % 100 + r"\b(?:to|for)\s+(?:the\s+|its\s+)?"
    r"\x03(?P<via>\d+)\x04" + POS + r"\s+" + WORDS % 2 + r"(?:partners?|customers?|assemblers?"
    r"|suppliers?|makers?|clients?)\s*,?\s*(?:including|such as|like|namely)\s+" + CV,
    re.IGNORECASE,
)
# A preposition before a party makes it an object, not the subject of a pattern.
_OBJECT_BEFORE = re.compile(r"\b(?:to|for|from|by|with|of|at|on|in|and also)\s*$", re.IGNORECASE)

_PATTERN_LIST = (
    # S supplies/makes/assembles ... for/to C
    _p(
        SV
        + POS
        + _LEAD
        + SUPPLY_VERB
        + r"\b"
        + GAP % 100
        + r"\b(?:to|for|used (?:in|by)|inside|into|in|on behalf of)\s+(?:the\s+|its\s+|both\s+)?"
        + _CLASS
        + C,
        0.9,
    ),
    # S packages/assembles C's product (the product names the customer)
    _p(
        SV
        + POS
        + _LEAD
        + MAKE_VERB
        + r"\s+(?:the\s+|its\s+|all\s+|most\s+|some\s+)?"
        + WORDS % 3
        + r"\x05(?P<pc>\d+)\x06",
        0.85,
    ),
    # S begins production/shipments of C's chip
    _p(
        SV + POS + r"\s+" + GAP % 40 + r"\b(?:production|manufacturing|assembly|packaging|supply"
        r"|shipments?|deliver(?:y|ies)|orders?) (?:of|for)\s+(?:the\s+|a\s+|an\s+|its\s+)?"
        + WORDS % 2
        + C,
        0.8,
    ),
    # C taps/picks/orders from S
    _p(CV + _LEAD + BUY_VERB + r"\s+(?:both\s+)?" + r"[^\x03\x04,;]{0,40}?" + _VIA + S, 0.85),
    # C buys/deploys/licenses/uses S's chips; C's product runs on S's
    _p(CV + POS + _LEAD + USE_VERB + r"\s+" + _NO_TO_GAP % 60 + _VIA + S, 0.75),
    # C adds S as a second supplier
    _p(
        CV
        + r"\s+"
        + WORDS % 3
        + r"add(?:s|ed|ing)?\s+"
        + S
        + r"\s+as\s+(?:a\s+|an\s+|its\s+)?"
        + WORDS % 2
        + r"(?:suppliers?|sources?|vendors?|partners?|foundry|assemblers?)",
        0.8,
    ),
    # C supplier S / C's chip supplier S / C suppliers such as S
    _p(
        CV
        + POS
        + r"\s+"
        + WORDS % 2
        + ROLE
        + r"\s*,?\s*(?:such as\s+|including\s+|like\s+|namely\s+)?"
        + SV,
        0.8,
    ),
    # S, a/the (key) supplier (of X) to C
    _p(
        SV + r"\s*(?:\([^)]{0,40}\)\s*)?,?\s*(?:which is\s+|who is\s+|is\s+|was\s+|are\s+"
        r"|were\s+|became\s+|remains\s+|has been\s+|has become\s+)?(?:a|an|the|one of(?: the)?"
        r"|its|their)\s+" + WORDS % 4 + ROLE + r"\s+(?:of\s+" + GAP % 40 + r"\s+)?"
        r"(?:to|of|for|behind)\s+(?:the\s+)?" + WORDS % 2 + C,
        0.8,
    ),
    # S remains C's largest RF supplier
    _p(
        SV + r"\s+(?:is|was|remains|remained|became|has become|are|were)\s+(?:now\s+|still\s+)?"
        r"(?:one of\s+)?" + CV + POS + r"\s+" + WORDS % 3 + ROLE,
        0.8,
    ),
    # S supplies the grinders SK hynix uses
    _p(
        SV + r"\s+" + SUPPLY_VERB + r"\s+" + GAP % 60 + CV + r"\s+(?:uses|used|buys|bought"
        r"|needs|relies on|depends on)\b",
        0.75,
    ),
    # S signed C as its first customer
    _p(
        SV
        + r"\s+"
        + GAP % 100
        + r"\b(?:sign\w*|land\w*|add\w*|won|wins|secur\w*)\s+"
        + CV
        + r"\s+as\s+(?:its\s+|a\s+|an\s+)?(?:first\s+|anchor\s+|launch\s+|new\s+|largest\s+"
        r"|biggest\s+|lead\s+)?(?:customer|client|buyer)",
        0.8,
    ),
    # sales of Snapdragon chips to phone makers such as Xiaomi
    _p(
        r"(?:sales|shipments?|deliveries|exports|orders) of\s+"
        + WORDS % 2
        + S
        + GAP % 40
        + r"\bto\s+(?:the\s+)?"
        + _CLASS
        + CV,
        0.75,
    ),
    # C remain S's largest customers
    _p(
        CV + r"\s+(?:remain|remains|are|is|was|were|became|become|becomes|has become"
        r"|have become)\s+(?:among\s+)?"
        + SV
        + POS
        + r"\s+"
        + WORDS % 3
        + r"(?:customers?|clients?|buyers?)",
        0.8,
    ),
    # C's product, which S manufactures / C, whose chip S makes
    _p(
        C
        + POS
        + r"\s*,?\s*(?:which|that|whose\s+"
        + WORDS % 3
        + r")\s*"
        + SV
        + r"\s+"
        + WORDS % 2
        + SUPPLY_VERB,
        0.8,
    ),
    # S's testers are used on every C GPU
    _p(
        SV + POS + r"\s+" + GAP % 40 + r"\b(?:is|are|was|were|will be)\s+(?:also\s+)?used\s+"
        r"(?:on|in|by|at|for)\s+(?:every|all|the|most)?\s*" + C,
        0.75,
    ),
    # S lands/wins C's accelerator
    _p(
        SV + r"\s+" + WORDS % 2 + r"(?:lands?|landed|w[oi]ns?|bag(?:s|ged)?|clinch\w*|snag\w*"
        r"|secur\w+)\s+(?:an?\s+|the\s+)?" + WORDS % 2 + r"(?:from\s+)?" + CV,
        0.75,
    ),
    # S, a (key) C supplier
    _p(
        SV + r"\s*,?\s*(?:which is\s+|who is\s+|is\s+|was\s+|became\s+|remains\s+)?"
        r"(?:a|an|the|one of(?: the)?)\s+" + WORDS % 3 + CV + POS + r"\s+" + WORDS % 2 + ROLE,
        0.8,
    ),
    # S won orders from C / S: order from C
    _p(
        SV + r"\s*(?:\s+" + GAP % 30 + WIN_VERB + r"\b" + GAP % 60 + r"|:\s*" + GAP % 30 + r")"
        r"\b(?:orders?|contracts?|design wins?|deals?|business|sockets?)\b"
        + GAP % 40
        + r"\b(?:from|with|for|at)\s+"
        + C,
        0.8,
    ),
    # ... made by S for C
    _p(
        PASSIVE_VERB + r"\s+" + GAP % 20 + r"\bby\s+" + S + r"[^\x03\x04,;]{0,60}?"
        r"\b(?:for|to)\s+" + C,
        0.85,
    ),
    # the MI355X is already shipping to Oracle
    _p(
        r"\x05(?P<ps>\d+)\x06s?\s*,?\s+" + GAP % 80 + r"\b(?:is|are|was|were|will be)\s+"
        r"(?:already\s+|now\s+|also\s+)?(?:shipping|shipped|sold|supplied|delivered|deployed)"
        r"\s+(?:to|at|in|by)\s+" + CV,
        0.75,
    ),
    # Apple is expected to be the first N2 customer
    _p(
        CV + r"\s+" + GAP % 40 + r"\b(?:a|an|the|its)\s+(?:first|second|lead|largest|biggest"
        r"|anchor|launch|new|main|only)?\s*\x05(?P<ps>\d+)\x06\s+(?:customer|client|user)",
        0.75,
    ),
    # Micron expects to be qualified for Rubin
    _p(
        SV + POS + r"\s+" + GAP % 40 + r"\b(?:qualified|approved|certified|validated|selected"
        r"|chosen)\s+(?:for|by)\s+(?:the\s+|its\s+)?" + C,
        0.75,
    ),
    # C's chip is made by S / C's chip will be built on S's N2
    _p(
        C
        + POS
        + r"\s*,?\s*(?:whose\s+)?"
        + GAP % 80
        + r"\b(?:is|are|was|were|will be|would be|to be|being|get|gets"
        r"|has been|have been)\s+(?:being\s+|now\s+|currently\s+|still\s+|also\s+|only\s+)?"
        + PASSIVE_VERB
        + r"\s+(?:exclusively\s+|entirely\s+|solely\s+)?(?:by|on|at|in|using)\s+"
        r"(?:both\s+|the\s+)?" + S,
        0.85,
    ),
    # C chips made by S / C's A19, built by S
    _p(C + POS + r"\s*,?\s+" + GAP % 50 + r"\b" + PASSIVE_VERB + r"\s+(?:by|at)\s+" + S, 0.8),
    # C's product, built around/on S's chip
    _p(
        C + POS + r"\s+" + GAP % 120 + r"\b(?:built|based|designed|running|runs|centred|centered"
        r"|powered)\s+(?:around|on|upon|with|by)\s+(?:the\s+|a\s+|an\s+)?" + S,
        0.8,
    ),
    # S's customers include C / S, whose customers are C / S counts C as a customer
    _p(
        SV + POS + r"\s*,?\s*(?:whose\s+)?" + WORDS % 3 + r"(?:customers?|clients?|buyers?)\s+"
        r"(?:include|including|such as|like|are|is|was|were|,|:)?\s*" + GAP % 20 + CV,
        0.8,
    ),
    _p(SV + r"\s+counts\s+" + CV + r"\s+(?:as|among)", 0.8),
    # S ... adding customers such as C
    _p(
        SV
        + r"\s+"
        + GAP % 120
        + r"\b(?:adding|with|gaining|bringing|serving|serves|serve)\s+"
        + GAP % 60
        + r"\b(?:customers|clients)\s*,?\s*(?:such as|including|like)\s+"
        + CV,
        0.7,
    ),
    # C, a (major) customer of S
    _p(
        CV + r"\s*,?\s*(?:which is\s+|is\s+|was\s+|became\s+|remains\s+)?(?:a|an|the|one of"
        r"(?: the)?|its)\s+" + WORDS % 3 + r"(?:customers?|clients?|buyers?)\s+(?:of|for)\s+" + SV,
        0.8,
    ),
    # S's HBM failed/passed C's qualification
    _p(
        SV + POS + r"\s+" + GAP % 40 + r"\b(?:fail\w*|pass\w*|clear\w*|flunk\w*|stumbled in|missed"
        r"|completed)\s+" + GAP % 20 + CV + POS + r"\s+" + WORDS % 2 + r"(?:qualification|"
        r"certification|validation|tests?|quality checks?|quals?)",
        0.8,
    ),
    # C asked S to build a cheaper headset
    _p(
        CV + _LEAD + r"(?:ask(?:s|ed|ing)?|commission\w*|contract(?:s|ed)?|task(?:s|ed)?"
        r"|hire[sd]?|engag\w*|chose|picked|selected|tapped|want(?:s|ed)?)\s+"
        + SV
        + r"\s+to\s+(?:help\s+)?(?:build|make|supply|assemble|produce|manufacture|design"
        r"|develop|package|fabricate|provide|ship|deliver)\b",
        0.8,
    ),
    # C dropped S / C ended its contract with S
    _p(
        CV + r"\s+" + WORDS % 3 + r"(?:dropp\w*|drops|ditch\w*|replac\w*|end\w*|terminat\w*"
        r"|cancel\w*|cut\w* ties with|stopp\w* (?:buying|ordering|sourcing)|walk\w* away from"
        r"|phas\w* out)\s+" + GAP % 40 + S,
        0.75,
    ),
)
# Words each pattern cannot match without, in PATTERNS order: a quick test per sentence
# spares the full patterns (most sentences with two companies need only a few of them).
_NEEDS = (
    SUPPLY_VERB, MAKE_VERB,
    r"production|manufacturing|assembly|packaging|supply|shipment|deliver|order",
    BUY_VERB, USE_VERB, r"\badd", ROLE, ROLE, ROLE, SUPPLY_VERB,
    r"customer|client|buyer", r"sales|shipment|deliveries|exports|orders",
    r"customer|client|buyer", SUPPLY_VERB, r"\bused\b", r"land|w[oi]n|bag|clinch|snag|secur",
    ROLE, r"order|contract|design win|deal|business|socket", PASSIVE_VERB,
    r"shipping|shipped|sold|supplied|delivered|deployed", r"customer|client|user",
    r"qualified|approved|certified|validated|selected|chosen", PASSIVE_VERB, PASSIVE_VERB,
    r"built|based|designed|running|runs|centred|centered|powered", r"customer|client|buyer",
    r"\bcounts\b", r"customers|clients", r"customer|client|buyer",
    r"qualif|certif|validat|test|quality|qual",
    r"\bto (?:help )?(?:build|make|suppl|assembl|produc|manufactur|design|develop|packag"
    r"|fabricat|provid|ship|deliver)",
    r"drop|ditch|replac|end|terminat|cancel|cut|stopp|walk|phas",
)  # fmt: skip
assert len(_NEEDS) == len(_PATTERN_LIST)
# The tests run on the lower-cased sentence without IGNORECASE, ten times faster; each distinct
# test runs once per sentence (several patterns share one).
assert not any(re.search(r"[A-Z]", re.sub(r"\\.", "", needs)) for needs in _NEEDS)
_NEED_INDEX = {needs: i for i, needs in enumerate(dict.fromkeys(_NEEDS))}
_NEED_LIST = [re.compile(needs) for needs in _NEED_INDEX]
PATTERNS = tuple(
    _Pattern(p.regex, p.confidence, _NEED_INDEX[needs])
    for p, needs in zip(_PATTERN_LIST, _NEEDS, strict=True)
)

# After a supply verb's first customer, further customers in the same clause:
# "assembles AI servers for Nvidia and iPhones for Apple".
_MORE_CUSTOMERS = re.compile(
    r"\s*"
    + GAP % 40
    + r"(?:,|\band\b|\bas well as\b)\s+"
    + GAP % 40
    + r"\b(?:to|for)\s+(?:the\s+|its\s+)?"
    + C,
    re.IGNORECASE,
)

NEGATED = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|fail\w*|flunk\w*|end(?:s|ed|ing)?\b|terminat\w*|stopp?\w*"
    r"|no longer|lost|loses|dropp\w*|drops|ditch\w*|cancel\w*|scrapp?\w*|reject\w*"
    r"|cut\w* ties|walk\w* away|exit\w*|halt\w*|suspend\w*|did not|didn't|does not|doesn't"
    r"|has not|hasn't|have not|haven't|won't|will not|never|replac\w*|absent from|out of"
    r"|not (?:be )?(?:supplying|selected|chosen|picked|qualified|get|win|won)|phas\w* out"
    r"|pull\w* out|lost out|struggl\w*|yet to|still waiting|not yet)",
    re.IGNORECASE,
)
PLANNED = re.compile(
    r"\b(?:plans?\b|planning|planned|will\b|would\b|expected to|expects to|is set to|are set to"
    r"|intends? to|in talks|talks with|negotiat\w+|considering|consider\b|aims? to|could\b|may\b"
    r"|might\b|potential|proposed|weighing|exploring|preparing to|poised to|slated to|to begin"
    r"|to start|next year|memorandum|letter of intent|preliminary|bid(?:s|ding)? for|courting"
    r"|sound\w* out|agreed to|due to|from (?:the )?(?:first|second|third|fourth) quarter)",
    re.IGNORECASE,
)
REPORTED = re.compile(
    r"\b(?:reportedly|according to|people (?:familiar|with (?:\w+ )?knowledge|close|briefed)"
    r"|person (?:familiar|with (?:\w+ )?knowledge)|sources? (?:said|say|told|in the supply chain)"
    r"|said to be|is said|are said"
    r"|rumou?r\w*|reports? (?:that|said|say)|reported(?: that)?|citing|supply[- ]chain sources"
    r"|industry sources|unnamed|allegedly|purportedly|(?:told|tells) (?:the|a)\b|speculat\w*"
    r"|we believe|our checks|our supply[- ]chain checks|we think|we understand|widely understood"
    r"|understood to|is believed|are believed|likely)",
    re.IGNORECASE,
)
_DENIED_BREAKUP = re.compile(
    r"\bden(?:y|ies|ied|ying)\b.{0,60}\b(?:dropp\w*|end\w*|lost|replac\w*|cut|switch\w*)\b",
    re.IGNORECASE,
)


def relation_status(clause: str, sentence: str, has_attribution: bool) -> str:
    """negated, reported, planned or confirmed, in that order of precedence: negation and
    intent from the clause that states the relation, reporting from the whole sentence.
    A denied break-up ("denied a report that it had dropped X") affirms the relation."""
    if _DENIED_BREAKUP.search(sentence):
        return "confirmed"
    if NEGATED.search(clause):
        return "negated"
    if has_attribution or REPORTED.search(sentence):
        return "reported"
    if PLANNED.search(clause):
        return "planned"
    return "confirmed"


# The same sentence's status is asked for once per pattern match, product and party.
_status = functools.lru_cache(maxsize=256)(relation_status)

_CONTROL = re.compile(r"[\x01-\x06]\d*|\d+[\x02\x04\x06]")
# How far before a pattern's match negation and intent still apply ("denied that it ...").
_CLAUSE_LEAD = 50
_STATUS_WEIGHT = {"confirmed": 1.0, "reported": 0.8, "planned": 0.7, "negated": 0.9}
_ANAPHOR = re.compile(
    r"^(?:The (?:[\w'’-]+ ){0,3}(?:company|firm|group|chipmaker|foundry|supplier|assembler|maker"
    r"|manufacturer|designer|unit)|It|Its)\b"
)
# A part and its maker with no customer in the sentence: in a teardown or review the
# customer is the article's subject ("Storage is 256GB of UFS 3.1 from Kioxia").
_PART_FROM = re.compile(
    r"(?:\bfrom|(?:made|supplied|provided|sourced|built|fabricated|manufactured|produced)"
    r"\s+by)\s+" + SV + r"(?![\w'’])",
    re.IGNORECASE,
)
_PART_FROM_CONFIDENCE = 0.6
_KNOWN_MAKER_CONFIDENCE = 0.55

Party = tuple[str, int, int]  # (vendor name, start, end)


def _template(
    sentence: str, offset: int, vendors: list[Party], products: list[ProductMention]
) -> tuple[str, list[list[Party]], list[ProductMention]]:
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
        members = [vendors[int(i)] for i in _SLOT_INDEX.findall(match.group())]
        groups.append(members)
        tail = "’s" if match.group().endswith(("'s", "’s")) else ""
        return f"\x03{len(groups) - 1}\x04{tail}"

    return _LIST.sub(group, slotted), groups, products


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


def find_relations(
    text: str,
    spans: list[tuple[int, int]],
    vendors: list[VendorMention],
    products: list[ProductMention],
    attributions: Iterable[AttributionHit],
    parents: dict[str, str],
    makers: dict[str, set[str]] | None = None,
) -> list[Relation]:
    """Supplier relations stated in ``text``, one per (supplier, customer), best first.

    ``makers`` (catalog id -> companies that make its parts) lets a sentence that names a
    product and one of its known makers count as evidence of that maker supplying the
    product's vendor, at a lower confidence than an explicit pattern.
    """
    attribution_at = [(a.start, a.name) for a in attributions]
    best: dict[tuple[str, str], Relation] = {}
    previous_subject: str | None = None
    subject = document_subject(spans, vendors, products)
    device_subject = _device_subject(text, spans, products)
    vendor_starts = [m.start for m in vendors]
    product_starts = [p.start for p in products]
    for s_start, s_end in spans:
        lo, hi = bisect_left(vendor_starts, s_start), bisect_left(vendor_starts, s_end)
        parties: list[Party] = [(m.vendor, m.start, m.end) for m in vendors[lo:hi]]
        sentence = text[s_start:s_end]
        anaphor = _ANAPHOR.match(sentence)
        if anaphor and previous_subject and not (parties and parties[0][1] == s_start):
            parties.insert(0, (previous_subject, s_start, s_start + anaphor.end()))
        if parties:
            previous_subject = parties[0][0]
        in_sentence = products[
            bisect_left(product_starts, s_start) : bisect_left(product_starts, s_end)
        ]
        names = {name for name, _, _ in parties} | {p.vendor for p in in_sentence if p.vendor}
        # the patterns that may match, from one pass over the sentence
        lowered = sentence.lower() if parties else ""
        maybe = _FILTER.candidates(lowered) if parties else set()
        if (
            len(names) == 1
            and len(parties) == 1
            and subject
            and subject not in names
            and _PART_FROM_ID in maybe
        ):
            _part_from_subject(sentence, s_start, parties[0], subject, in_sentence, best, parents)
        if parties and subject and subject not in names and _SUPPLIES_UNNAMED_ID in maybe:
            _supplies_subject(sentence, s_start, parties, subject, in_sentence, best, parents)
        if device_subject:
            _parts_of_device(sentence, device_subject, in_sentence, best, parents)
        if len(names) < 2 or not parties:
            continue
        template, groups, slot_products = _template(sentence, s_start, parties, in_sentence)
        attribution = next((name for pos, name in attribution_at if s_start <= pos < s_end), None)
        found: list[tuple[Relation, bool]] = []  # (relation, named through a product?)
        suppressed: set[tuple[str, str]] = set()
        if _THROUGH_ID in maybe:
            for through in _THROUGH.finditer(template):
                for supplier in groups[int(through.group("s"))]:
                    for via in groups[int(through.group("via"))]:
                        suppressed.add((supplier[0], via[0]))
        passed: dict[int, bool] = {}
        for pattern in PATTERNS:
            need = pattern.need
            ok = passed.get(need)
            if ok is None:
                ok = passed[need] = need in maybe and _NEED_LIST[need].search(lowered) is not None
            if not ok:
                continue
            for match in pattern.regex.finditer(template):
                first = min(
                    (match.start(g) for g in match.re.groupindex if match.start(g) >= 0),
                    default=match.start(),
                )
                if first == match.start() + 1 and _OBJECT_BEFORE.search(template, 0, match.start()):
                    continue  # "... and also ships to Google": the leading party is an object
                clause = _CONTROL.sub(
                    " ", template[max(0, match.start() - _CLAUSE_LEAD) : match.end()]
                )
                status = _status(clause, sentence, attribution is not None)
                suppliers = _side(match, "s", "ps", groups, slot_products)
                customer_sides = [_side(match, "c", "pc", groups, slot_products)]
                via_product = any(match.groupdict().get(g) is not None for g in ("ps", "pc"))
                if pattern is PATTERNS[0]:
                    pos = match.end()
                    while more := _MORE_CUSTOMERS.match(template, pos):
                        customer_sides.append(_side(more, "c", "pc", groups, slot_products))
                        via_product = via_product or more.group("pc") is not None
                        pos = more.end()
                if via_product and any(
                    c[0] == s[0] for side in customer_sides for c in side for s in suppliers
                ):
                    continue  # "Kioxia and Sandisk begin shipping BiCS10": co-owners, no sale
                for customers in customer_sides:
                    for supplier in suppliers:
                        for customer in customers:
                            relation = _relation(
                                supplier, customer, in_sentence, status, pattern.confidence,
                                sentence, attribution, parents,
                            )  # fmt: skip
                            if relation is not None:
                                found.append((relation, via_product))
        for relation in _prefer_named(found, suppressed):
            pair = (relation.supplier, relation.customer)
            if pair not in best or best[pair].confidence < relation.confidence:
                best[pair] = relation
        if makers:
            _known_makers(sentence, parties, in_sentence, makers, attribution, best, parents)
    return sorted(best.values(), key=lambda r: -r.confidence)


def _known_makers(
    sentence: str,
    parties: list[Party],
    products: list[ProductMention],
    makers: dict[str, set[str]],
    attribution: str | None,
    best: dict[tuple[str, str], Relation],
    parents: dict[str, str],
) -> None:
    for product in products:
        known = makers.get(product.catalog_id or "")
        if not known or not product.vendor:
            continue
        for party in parties:
            if party[0] not in known:
                continue
            status = _status(sentence, sentence, attribution is not None)
            relation = _relation(
                party, (product.vendor, product.start, product.end), [product], status,
                _KNOWN_MAKER_CONFIDENCE, sentence, attribution, parents,
            )  # fmt: skip
            if relation is not None:
                best.setdefault((relation.supplier, relation.customer), relation)


def _part_from_subject(
    sentence: str,
    offset: int,
    party: Party,
    subject: str,
    products: list[ProductMention],
    best: dict[tuple[str, str], Relation],
    parents: dict[str, str],
) -> None:
    template = _template(sentence, offset, [party], [])[0]
    if not _PART_FROM.search(template):
        return
    relation = _relation(
        party, (subject, offset, offset), products, _status(sentence, sentence, False),
        _PART_FROM_CONFIDENCE, sentence, None, parents,
    )  # fmt: skip
    if relation is not None:
        best.setdefault((relation.supplier, relation.customer), relation)


# "Sony remains the sole supplier of the main camera sensor" in an article about Apple; "ASML
# delivered the first EUV scanners to the site": a supplier whose customer goes unnamed in
# the sentence supplies the article's subject. Only the plainest forms count.
_SUPPLIES_UNNAMED = re.compile(
    r"(?:made|supplied|provided|built|fabricated|manufactured|produced|assembled)\s+by\s+"
    + SV.replace("<s>", "<s2>")
    + r"(?![\w'’])|"
    + SV
    + r"\s*(?:\([^)]{0,40}\)\s*)?,?\s+(?:(?:also|still|now|already|again)\s+)?"
    r"(?:(?:remains?|remained|is|are|was|were|became|has been|will remain|stays?)"
    r"\s+(?:the|a|an|its)\s+(?:(?:sole|lead|main|primary|key|largest|biggest|exclusive|second|only|principal"
    r"|dominant|major|preferred)\s+)+" + ROLE + r"\b"
    r"|(?:supplied|supplies|delivered|delivers|assembles|assembled|packages|packaged)\s+"
    r"(?!to\b|for\b)" + r"[^\x03\x04,;]{0,80}?(?:[,;]|\band\b|$))",
    re.IGNORECASE,
)
_SUPPLIES_UNNAMED_CONFIDENCE = 0.55
_NAMED_AFTER = re.compile(r"[^\x03\x04]{0,40}?\b(?:for|to)\s+\x03", re.IGNORECASE)

# One Aho-Corasick pass over a sentence (lower-cased) rules out most of the tests and
# patterns above before any of them runs; slot markers are template-only, never required.
_FILTER = Prefilter(
    [*_NEED_LIST, _THROUGH, _PART_FROM, _SUPPLIES_UNNAMED], opaque="\x01\x02\x03\x04\x05\x06"
)
_THROUGH_ID, _PART_FROM_ID, _SUPPLIES_UNNAMED_ID = range(len(_NEED_LIST), len(_NEED_LIST) + 3)


def _supplies_subject(
    sentence: str,
    offset: int,
    parties: list[Party],
    subject: str,
    products: list[ProductMention],
    best: dict[tuple[str, str], Relation],
    parents: dict[str, str],
) -> None:
    template, groups, _ = _template(sentence, offset, parties, [])
    for match in _SUPPLIES_UNNAMED.finditer(template):
        if "\x03" in template[match.end() : match.end() + 3]:
            continue
        slot = match.group("s")
        if slot is None:  # "made by S": not when a customer is named before or after it
            slot = match.group("s2")
            if "\x04" in template[max(0, match.start() - 60) : match.start()] or (
                _NAMED_AFTER.match(template, match.end())
            ):
                continue
        status = _status(sentence, sentence, False)
        for supplier in groups[int(slot)]:
            relation = _relation(
                supplier, (subject, offset, offset), products, status,
                _SUPPLIES_UNNAMED_CONFIDENCE, sentence, None, parents,
            )  # fmt: skip
            if relation is not None:
                best.setdefault((relation.supplier, relation.customer), relation)


# A review or teardown of a device: the chips and parts of other companies it names are
# that device maker's supplies ("Our review unit came with Qualcomm's Snapdragon X Elite",
# "16GB of LPDDR5X from Micron"). Not in comparisons ("faster than the A18").
_PART_CATEGORIES = {"soc", "cpu", "gpu", "memory", "modem", "rf", "display", "storage", "component"}
_COMPARISON = re.compile(
    r"\b(?:than|vs\.?|versus|compared|comparison|beats?|rivals?|unlike|competitor\w*|outperform\w*"
    r"|against|instead of|rather than|switch\w* (?:away )?from|dropp\w*)\b",
    re.IGNORECASE,
)
_PART_OF_DEVICE_CONFIDENCE = 0.5


_REVIEW = re.compile(
    r"\b(?:review(?:ed|s)?|teardown|tore down|hands-on|unboxing|our (?:test|review) unit"
    r"|score:|verdict|benchmarks?)\b",
    re.IGNORECASE,
)


def _device_subject(
    text: str, spans: list[tuple[int, int]], products: list[ProductMention]
) -> str | None:
    """The maker of the device a review or teardown is about: the first device named in the
    headline or the opening lines."""
    if not spans:
        return None
    opening = spans[min(2, len(spans) - 1)][1]
    if _REVIEW.search(text, 0, opening):  # a review says what it reviews a little later
        opening = spans[min(5, len(spans) - 1)][1]
    return next(
        (p.vendor for p in products if p.start < opening and p.vendor and p.category == "device"),
        None,
    )


def _parts_of_device(
    sentence: str,
    maker: str,
    products: list[ProductMention],
    best: dict[tuple[str, str], Relation],
    parents: dict[str, str],
) -> None:
    parts = [
        p for p in products if p.vendor and p.vendor != maker and p.category in _PART_CATEGORIES
    ]
    if not parts or _COMPARISON.search(sentence):
        return
    status = _status(sentence, sentence, False)
    for part in parts:
        assert part.vendor is not None
        relation = _relation(
            (part.vendor, part.start, part.end), (maker, part.start, part.start), [part],
            status, _PART_OF_DEVICE_CONFIDENCE, sentence, None, parents,
        )  # fmt: skip
        if relation is not None:
            best.setdefault((relation.supplier, relation.customer), relation)


def _prefer_named(
    found: list[tuple[Relation, bool]], suppressed: set[tuple[str, str]]
) -> list[Relation]:
    """Within one sentence, a party named as a company beats one implied by a product:
    "builds GB200 racks for Amazon" gives Amazon, not Nvidia (whose product GB200 is)."""
    named = [r for r, via in found if not via]
    kept: list[Relation] = []
    for relation, via in found:
        if (relation.supplier, relation.customer) in suppressed:
            continue
        if via and any(
            n.supplier == relation.supplier or n.customer == relation.customer for n in named
        ):
            continue
        kept.append(relation)
    return kept


def _side(
    match: re.Match[str],
    vendor_group: str,
    product_group: str,
    groups: list[list[Party]],
    products: list[ProductMention],
) -> list[Party]:
    names = match.groupdict()
    if names.get(vendor_group) is not None:
        return groups[int(names[vendor_group])]
    if names.get(product_group) is not None:
        product = products[int(names[product_group])]
        if product.vendor:
            return [(product.vendor, product.start, product.end)]
    return []


def _relation(
    supplier: Party,
    customer: Party,
    products: list[ProductMention],
    status: str,
    confidence: float,
    sentence: str,
    attribution: str | None,
    parents: dict[str, str],
) -> Relation | None:
    s, c = supplier[0], customer[0]
    if s == c or parents.get(c) == s:
        return None  # a parent does not supply its own unit; a unit may supply its parent
    low, high = sorted((supplier[2], customer[1]))
    between = [p for p in products if low <= p.start <= high]
    chosen = between or products
    product = chosen[0] if chosen else None
    return Relation(
        supplier=s,
        customer=c,
        product=product.name if product else None,
        status=status,
        confidence=confidence * _STATUS_WEIGHT[status],
        evidence=sentence,
        attribution=attribution,
    )
