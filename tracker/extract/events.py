"""Events: what happened to whom, and when, from a lexicon of supply-chain event wording.

One event per type per article. An event concerns the companies named in the clause that
reports it (the sentence's, when the clause names none); one reported in the headline or
lede without a company concerns the company the article is about, or the industry when the
sentence speaks of chips, suppliers or the supply chain, and otherwise is no event. An
article that names no company at all has no events. Words that mean an event only in
context need it: a fire at a plant, an expansion of capacity, a supplier selected to
supply, a strike by workers.

An event is news when it is about the time the article was written: a sentence whose only
dates are two or more years before the article's publication (or, when that is unknown, the
year the article names most often), or that says "five years ago", recalls the past and
makes no event ("the 2011 earthquake"). Hypotheticals ("if a fire were to...") and
questions do not count either.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from datetime import date

from tracker.extract.grammar import guarded
from tracker.extract.prefilter import Prefilter, first_chars
from tracker.extract.vendors import AttributionHit, lower_same_length
from tracker.models import EVENT_TYPES, Event, VendorMention

_LEXICON: dict[str, str] = {
    "disruption": (
        r"fires?\b|blaze|earthquakes?|quake|tremors?|floods?|flooding|typhoons?|hurricanes?"
        r"|power (?:cut|outage|failure|loss)s?|blackouts?|outages?|strikes?\b|walkouts?|walked off"
        r"|industrial action|cyber ?attacks?|ransomware|hack(?:ed|ers?)|explosions?|evacuat\w+"
        r"|halted production|suspended (?:production|operations)|production (?:halt|stoppage)s?"
        r"|shut(?:s|ting)? down (?:production|lines?|the plant|operations)|disrupt\w+"
        r"|contaminat\w+|gas leak|drought|water shortage"
    ),
    "export_control": (
        r"export (?:controls?|curbs?|restrictions?|ban|licen[cs]es?|rules)|entity list|sanction\w*"
        r"|blacklist\w*|trade restrictions?|tariffs?|import (?:ban|duties)|Commerce Department"
        r"|Bureau of Industry and Security|BIS rules?|chip curbs?|restricted from selling"
    ),
    "shortage": (
        r"shortages?|tight supply|supply (?:crunch|constraints?|squeeze|gap)|allocations?\b"
        r"|on allocation|sold out|supply-constrained|supply constrained|constrained supply"
        r"|scarcit\w+"
        r"|demand outstrips supply|backlogs?"
    ),
    "lead_time_price": (
        r"lead times?|price (?:increases?|hikes?|rises?|cuts?|war)|raise[sd]? prices|prices? "
        r"(?:rose|rise|rising|fell|fall|falling|jumped|climbed|increased|decreased|up|down)"
        r"|contract prices?|spot prices?|hik(?:e|es|ed|ing) prices|cut(?:s|ting)? prices"
        r"|pricing|price per|ASPs?\b|average selling prices?|surcharges?|more expensive|cheaper"
    ),
    "capacity": (
        r"capacity|new fab|new plant|new factory|new lines?|production lines?|expan(?:d|ds|ded"
        r"|sion|sions|ding)|capex|capital (?:expenditure|spending)|break(?:s)? ground"
        r"|groundbreaking|ramp(?:s|ed|ing)? (?:up|production)|add(?:s|ed|ing)? (?:a )?(?:second"
        r"|third|new|night) (?:shifts?|production lines?)|output|wafer starts|build(?:s|ing)?\b"
        r"|invest\w* .{0,30}(?:fab|plant|factory|facility)|mass production"
        r"|cut(?:s|ting)? production|idl(?:e|es|ed|ing) (?:lines?|plants?|capacity)|utili[sz]ation"
    ),
    "design_win": (
        r"design wins?|won (?:an? )?(?:order|contract|deal)|wins? (?:an? )?(?:order|contract|deal)"
        r"|secur\w+ (?:an? )?(?:order|contract|deal)|orders? (?:from|for)|placed orders?"
        r"|purchase orders?|supply (?:deal|agreement|contract)|contract (?:with|from)"
        r"|select(?:s|ed)|picked|tapped|chosen|chose|taps|picks|awarded|qualif(?:ied|ication)"
        r"|sole supplier"
        r"|bulk of (?:the )?orders|(?:first|anchor|launch) customer|(?:multi-year |new )?"
        r"agreement with|agreed to (?:deploy|buy|supply|use)|signed .{0,40} as (?:its |a )?"
        r"(?:first |new )?customer|lands?\b|landed|won\b|wins\b"
    ),
    "m_and_a": (
        r"acqui(?:re|res|red|ring|sition)s?|merg(?:e|er|ers|ed|ing)|takeover|buyout|buy(?:s|ing)? "
        r"(?:a )?(?:stake|factory|plant|unit|business|division)|bought (?:a )?(?:stake|factory"
        r"|plant|unit|business)|stake in|divest\w*|spin(?:s|ning)? off|spin-off|joint venture"
        r"|sells? (?:its|a) (?:unit|business|division|stake)|agreed to buy|deal to buy"
        r"|complet\w+ the (?:acquisition|purchase|takeover)|warrants?\b"
    ),
    "earnings": (
        r"earnings|quarterly (?:results|revenue|profit|sales)|(?:first|second|third|fourth)[- ]"
        r"quarter (?:results|revenue|profit|sales|net)|revenue (?:rose|fell|grew|jumped|declined"
        r"|climbed|slipped|of|was|increased|decreased)|net (?:income|profit|loss)|operating "
        r"(?:profit|margin|income|loss)|guid(?:ance|ed)|beat (?:estimates|expectations)"
        r"|missed (?:estimates|expectations)|gross margin|results for the|profit (?:rose|fell"
        r"|jumped)|sales (?:rose|fell|grew|jumped|declined)|forecast (?:revenue|sales|profit"
        r"|first|second|third|fourth)|raised its (?:forecast|outlook)|cut its (?:forecast|outlook)"
    ),
    "legal": (
        r"lawsuits?|sued|sues|suing|patent (?:infringement|case|suit|dispute|lawsuit)|antitrust"
        r"|fined\b|penalt(?:y|ies)|investigation|probe\b|court (?:ruled|ruling|case)|litigation"
        r"|settle(?:d|s|ment)\b|infring\w+|indict\w*|charged with|complaint (?:filed|with)"
        r"|filed (?:a|an) (?:complaint|suit)"
    ),
    "leadership": (
        r"appoint(?:ed|s|ment)|named .{0,40}(?:chief executive|CEO|CFO|COO|CTO|chairman|president"
        r"|head)|resign\w*|steps? down|stepped down|to step down|succeed(?:s|ed)? \w+ as"
        r"|retire[sd]? as|ousted|new (?:chief executive|CEO|CFO|chairman|president)|promoted to"
        r"|chang\w* (?:its |the )?(?:\w+ )?(?:leadership|management)"
    ),
    "product_launch": (
        r"launch\w*|unveil\w*|introduc(?:e|es|ed|ing)|announc(?:e|es|ed|ing) (?:its |the |a )?"
        r"(?:new|next|first|latest)|debut\w*|rolls? out|rolled out|start(?:s|ed)? shipping"
        r"|began shipping|begins shipping|now available|release[sd]? (?:its|the|a) (?:new|next)"
        r"|showcas\w+|went on sale|goes on sale|sampling|samples? (?:to|of)"
    ),
    "quality_recall": (
        r"recall\w*|defect\w*|faulty|yield (?:problems?|issues?|rates?|woes|troubles?)"
        r"|low yields?|poor yields?|quality (?:problems?|issues?|control|concerns?)|overheat\w*"
        r"|malfunction\w*|failed (?:qualification|tests?|quality)|glitch\w*|flaw\w*"
        r"|scrap(?:ped)? wafers"
    ),
}
# Words that are an event only in context, and the contexts (searched around the word).
_WEAK = re.compile(
    r"fires?|strikes?|expan\w*|output|build(?:s|ing)?|select(?:s|ed)|picked|tapped|chosen|chose"
    r"|taps|picks|awarded|lands?|landed|won|wins"
)
_CONTEXT: dict[str, re.Pattern[str]] = {
    "disruption": re.compile(
        r"fires? (?:at|broke out|hit|damaged|destroyed|in the|in its|swept)\b|(?:plant|factory"
        r"|fab|facility|warehouse|site|line|workshop)s?\W{0,2} fires?\b|caught fire|on strike"
        r"|went on strike|go on strike|strike action|(?:workers|union|labou?r|staff)(?:'s)? "
        r"strikes?\b|strikes? (?:at|by|over) (?:the |its |a )?(?:plant|factory|fab|site|workers"
        r"|union)"
    ),
    "capacity": re.compile(
        r"(?:capacity|plant|fab|factory|production|facility|output|line|site|manufacturing)s? "
        r"expansions?|expan(?:d|ds|ded|ding) (?:its |their |the )?(?:[\w-]+ ){0,2}?(?:capacity"
        r"|production|plants?|fabs?|factory|factories|output|facilit(?:y|ies)|lines?"
        r"|manufacturing|footprint)|(?:raise|boost|increase|lift|doubl|cut)\w* (?:its |their )?"
        r"output|output (?:rose|fell|jumped|climbed|increased|decreased|cuts?|halts?)"
        r"|build(?:s|ing)? (?:a |an |its |two |the )?(?:[\w$.-]+ ){0,3}?(?:fab|plant|factory)"
    ),
    "design_win": re.compile(
        r"(?:select|pick|tap|chos|choos|award)\w* (?:[\w&.-]+ ){0,3}?(?:as (?:a |the |its )?"
        r"(?:[\w-]+ ){0,3}?(?:supplier|vendor|partner|foundry|assembler|manufacturer|source|tool)"
        r"|to (?:co-develop|develop|supply|build|make|assemble|produce|manufacture|provide|package"
        r"|fab)|for (?:the |its |a )?(?:[\w-]+ ){0,2}?(?:order|contract|supply))|taps (?!into)"
        r"|picks (?!up)|(?:lands?|landed|won|wins) (?:an? |the )?(?:[\w$.,-]+ ){0,6}?(?:orders?"
        r"|contracts?|deals?|customers?|design wins?|sockets?|accelerators?|chips?|business"
        r"|projects?|programs?)\b"
    ),
}
_WINDOW = (60, 120)  # characters before and after a weak word searched for its context

# One pass over the text finds every lexicon hit; the group name says which type.
# Matched against the lower-cased text: much faster than an IGNORECASE pattern. The word-start
# test comes once, before the alternatives: most positions fail it (three times faster).
EVENTS_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(rf"(?P<{kind}>{words.lower()})" for kind, words in _LEXICON.items())
    + ")"
)
_EVENTS_FILTER = Prefilter([EVENTS_RE.pattern])


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern."""
    parts: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # a "]" first in the class (after any "^") is one of its characters
            i += len(re.match(r"\^?\]?", pattern[i + 1 : i + 3]).group())  # type: ignore[union-attr]
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _by_first_letter(lexicon: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """EVENTS_RE with its alternatives grouped by the letter they start with, in their order,
    each group opening with its letter: at a word start the engine compares one character
    per group instead of entering every alternative (the same matches, several times faster).
    An empty group closing each alternative tells which type matched (its name, in the
    returned map). An alternative that does not open with a plain letter stays whole, behind a
    look-ahead at each of its first letters, in its place in each of their groups."""
    entries: list[tuple[str, str | None, str]] = []  # (alternative, its letter, its type)
    for kind, words in lexicon.items():
        for alternative in _alternatives(words.lower()):
            first = alternative[:1]
            plain = first.isalnum() and alternative[1:2] not in ("?", "*", "+", "{")
            entries.append((alternative, first if plain else None, kind))
    letters: dict[str, None] = {}
    for alternative, head, _ in entries:
        chars = head or first_chars(alternative)
        if chars is None:
            return EVENTS_RE, {kind: kind for kind in lexicon}  # pragma: no cover
        letters.update(dict.fromkeys(chars))
    branches: list[str] = []
    kinds: dict[str, str] = {}
    for letter in letters:
        run: list[str] = []  # the alternatives that open with the letter, stripped of it
        for n, (alternative, head, kind) in enumerate(entries):
            name = f"{kind}_{n}_{ord(letter)}"
            if head == letter:
                run.append(f"{alternative[1:]}(?P<{name}>)")
            elif head is None and letter in (first_chars(alternative) or ""):
                if run:
                    branches.append(f"{re.escape(letter)}(?:{'|'.join(run)})")
                    run = []
                branches.append(f"(?={re.escape(letter)})(?:{alternative}(?P<{name}>))")
            else:
                continue
            kinds[name] = kind
        if run:
            branches.append(f"{re.escape(letter)}(?:{'|'.join(run)})")
    return re.compile(r"(?<![\w-])(?:" + "|".join(branches) + ")"), kinds


# EVENTS_RE by first letter: the same matches, the type of each in _KIND_OF[match.lastgroup].
_EVENTS_BY_LETTER, _KIND_OF = _by_first_letter(_LEXICON)
# Press-release boilerplate after the story: "About Amkor", forward-looking statements.
_BOILERPLATE = re.compile(
    r"^(?:About [A-Z][^\n]{0,60}|Forward-Looking Statements?|Safe Harbou?r[^\n]{0,40}"
    r"|Media (?:contacts?|inquiries)[^\n]{0,20}|Contacts?:?|Investor (?:contacts?|relations):?"
    r"|###|Analyst certification[^\n]*|Disclosures?:?[^\n]{0,40})$",
    re.MULTILINE,
)
_LEDE = 3  # sentences (headline included) searched even when they name no company
_HYPOTHETICAL = re.compile(
    guarded(r"\b(?:if|would|were to|in case of|hypothetical\w*|what if)\b|\?$"), re.I
)
# A year (1980-2099) standing alone. Each branch opens with its first digit, so that the
# engine skips to the digits 1 and 2 in C; the look-behind after it stands for the one
# before the year ("no word character, full stop, comma, slash or hyphen").
_YEAR = re.compile(r"(?:1(?<![\w.,/-]1)9[89]\d|2(?<![\w.,/-]2)0\d\d)(?![\w/-]|\.\d)")
_YEARS_AGO = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many) (?:years|decades) ago"
    r"\b|\bdecades? ago\b",
    re.IGNORECASE,
)
# Words that make an event without a company an industry-wide one ("chip lead times shrink").
_INDUSTRY = re.compile(
    guarded(
        r"\b(?:chips?|chipmakers?|semiconductors?|foundr(?:y|ies)|wafers?|memory|dram|nand|supply"
        r" chains?|components?|electronics|fabs?|smartphones?|servers?|displays?|batter(?:y|ies)"
        r"|substrates?|packaging|suppliers?)\b"
    ),
    re.IGNORECASE,
)
# How many years before the article a date must be for the sentence to recall the past.
PAST_YEARS = 2
# Where a clause ends inside a sentence: the event belongs to the companies of its own.
_CLAUSE = re.compile(r";|\s[-–—]\s|,\s+(?:while|whereas|but|although|though)\b")

assert set(_LEXICON) == set(EVENT_TYPES)


def find_events(
    text: str,
    spans: list[tuple[int, int]],
    vendors: list[VendorMention],
    attributions: Iterable[AttributionHit],
    reference: date | None = None,
    subject: str | None = None,
) -> list[Event]:
    """The events ``text`` reports, in taxonomy order, each with its vendors and evidence.

    ``reference`` is when the article was published (else the year it names most often);
    ``subject`` is the company the article is about, for events its lede reports without
    naming a company."""
    if not vendors:
        return []
    hits = list(attributions)
    found: dict[str, tuple[list[str], str, str | None]] = {}
    cut = _BOILERPLATE.search(text)
    limit = cut.start() if cut else len(text)
    kinds_at: dict[int, list[tuple[str, int]]] = {}
    lowered = lower_same_length(text)
    everywhere = _EVENTS_FILTER.runs_everywhere(lowered)
    mention_starts = [m.start for m in vendors]
    now: int | None = reference.year if reference else None
    dated = reference is not None
    # An event is about someone: look in sentences that name a company, and in the
    # headline and lede, where industry-wide events are announced.
    for index, (s_start, s_end) in enumerate(spans):
        if s_start >= limit:
            break
        named = bisect.bisect_left(mention_starts, s_start) < bisect.bisect_left(
            mention_starts, s_end
        )
        if index >= _LEDE and not named:
            continue
        if not everywhere and not _EVENTS_FILTER.has_factor(lowered, s_start, s_end):
            continue  # none of the lexicon's words is in this sentence
        for match in _EVENTS_BY_LETTER.finditer(lowered, s_start, s_end):
            kind = _KIND_OF[str(match.lastgroup)]
            context = _CONTEXT.get(kind)
            if context is not None and _WEAK.fullmatch(match.group()):
                low, high = match.start() - _WINDOW[0], match.end() + _WINDOW[1]
                if not context.search(lowered, max(s_start, low), min(s_end, high)):
                    continue  # "under fire from analysts", "its expansion into software"
            kinds_at.setdefault(index, []).append((kind, match.start()))
    for index in sorted(kinds_at):
        s_start, s_end = spans[index]
        sentence = text[s_start:s_end]
        if _HYPOTHETICAL.search(sentence):
            continue
        if not dated and _YEAR.search(sentence):
            now, dated = _usual_year(text[:limit]), True
        if _recalls_the_past(sentence, now):
            continue
        lo = bisect.bisect_left(mention_starts, s_start)
        hi = bisect.bisect_left(mention_starts, s_end)
        in_sentence = vendors[lo:hi]
        for kind, at in sorted(kinds_at[index]):
            concerned = _in_clause(sentence, s_start, at, in_sentence)
            if not concerned and subject:
                concerned = [subject]
            if not concerned and not _INDUSTRY.search(sentence):
                continue  # about no company, and not about the industry either
            names, _, _ = found.setdefault(
                kind,
                (
                    [],
                    sentence,
                    next((a.name for a in hits if s_start <= a.start < s_end), None),
                ),
            )
            for name in concerned:
                if name not in names:
                    names.append(name)
    order = {kind: i for i, kind in enumerate(EVENT_TYPES)}
    return [
        Event(type=kind, vendors=tuple(names), evidence=evidence, attribution=attribution)
        for kind, (names, evidence, attribution) in sorted(
            found.items(), key=lambda kv: order[kv[0]]
        )
    ]


def _in_clause(sentence: str, offset: int, at: int, mentions: list[VendorMention]) -> list[str]:
    """The companies named in the clause around position ``at``, else in the sentence."""
    local = at - offset
    start, end = 0, len(sentence)
    for boundary in _CLAUSE.finditer(sentence):
        if boundary.end() <= local:
            start = boundary.end()
        elif boundary.start() >= local:
            end = boundary.start()
            break
    inside = [m.vendor for m in mentions if start <= m.start - offset < end]
    chosen = inside or [m.vendor for m in mentions]
    return list(dict.fromkeys(chosen))


def _usual_year(text: str) -> int | None:
    """The year the article names most often (the latest of equals): when it was written,
    as far as the text tells; forecasts name later years, recollections earlier ones."""
    counts = Counter(int(y) for y in _YEAR.findall(text))
    return max(counts, key=lambda year: (counts[year], year)) if counts else None


def _recalls_the_past(sentence: str, now: int | None) -> bool:
    """True when the sentence is dated only years before the article ("the 2011
    earthquake", "five years ago")."""
    if " ago" in sentence and _YEARS_AGO.search(sentence):
        return True
    if now is None:
        return False
    years = [int(y) for y in _YEAR.findall(sentence)]
    return bool(years) and max(years) <= now - PAST_YEARS
