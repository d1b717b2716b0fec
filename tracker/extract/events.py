"""Events: what happened to whom, from a lexicon of supply-chain event wording.

One event per type per article, concerning the vendors named in the sentences that report
it; the first such sentence is the evidence. Hypotheticals ("if a fire were to...") and
questions do not count.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from tracker.extract.prefilter import Prefilter
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
        r"|sion|ding)|capex|capital (?:expenditure|spending)|break(?:s)? ground|groundbreaking"
        r"|ramp(?:s|ed|ing)? (?:up|production)|output|wafer starts|build(?:s|ing)? a (?:new )?"
        r"(?:fab|plant|factory)|invest\w* .{0,30}(?:fab|plant|factory|facility)|mass production"
        r"|cut(?:s|ting)? production|idl(?:e|es|ed|ing) (?:lines?|plants?|capacity)|utili[sz]ation"
    ),
    "design_win": (
        r"design wins?|won (?:an? )?(?:order|contract|deal)|wins? (?:an? )?(?:order|contract|deal)"
        r"|secur\w+ (?:an? )?(?:order|contract|deal)|orders? (?:from|for)|placed orders?"
        r"|purchase orders?|supply (?:deal|agreement|contract)|contract (?:with|from)|selected"
        r"|picked|tapped|chosen|taps|picks|awarded|qualif(?:ied|ication)|sole supplier"
        r"|bulk of (?:the )?orders|(?:first|anchor|launch) customer|(?:multi-year |new )?"
        r"agreement with|agreed to (?:deploy|buy|supply|use)|signed .{0,40} as (?:its |a )?"
        r"(?:first |new )?customer|lands?\b|landed|won (?:the|a|an)\b|wins (?:the|a|an)\b"
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
# One pass over the text finds every lexicon hit; the group name says which type.
# Matched against the lower-cased text: much faster than an IGNORECASE pattern. The word-start
# test comes once, before the alternatives: most positions fail it (three times faster).
EVENTS_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(rf"(?P<{kind}>{words.lower()})" for kind, words in _LEXICON.items())
    + ")"
)
_EVENTS_FILTER = Prefilter([EVENTS_RE.pattern])
# Press-release boilerplate after the story: "About Amkor", forward-looking statements.
_BOILERPLATE = re.compile(
    r"^(?:About [A-Z][^\n]{0,60}|Forward-Looking Statements?|Safe Harbou?r[^\n]{0,40}"
    r"|Media (?:contacts?|inquiries)[^\n]{0,20}|Contacts?:?|Investor (?:contacts?|relations):?"
    r"|###|Analyst certification[^\n]*|Disclosures?:?[^\n]{0,40})$",
    re.MULTILINE,
)
_LEDE = 3  # sentences (headline included) searched even when they name no company
_HYPOTHETICAL = re.compile(r"\b(?:if|would|were to|in case of|hypothetical\w*|what if)\b|\?$", re.I)

assert set(_LEXICON) == set(EVENT_TYPES)


def find_events(
    text: str,
    spans: list[tuple[int, int]],
    vendors: list[VendorMention],
    attributions: Iterable[AttributionHit],
) -> list[Event]:
    """The events ``text`` reports, in taxonomy order, each with its vendors and evidence."""
    hits = list(attributions)
    found: dict[str, tuple[list[str], str, str | None]] = {}
    cut = _BOILERPLATE.search(text)
    limit = cut.start() if cut else len(text)
    kinds_at: dict[int, set[str]] = {}
    lowered = lower_same_length(text)
    ends = _EVENTS_FILTER.ends(lowered)
    mention_starts = [m.start for m in vendors]
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
        if ends is not None:  # none of the lexicon's words is in this sentence
            first = bisect.bisect_left(ends, s_start)
            if first == len(ends) or ends[first] >= s_end:
                continue
        for match in EVENTS_RE.finditer(lowered, s_start, s_end):
            kinds_at.setdefault(index, set()).add(str(match.lastgroup))
    for index in sorted(kinds_at):
        s_start, s_end = spans[index]
        sentence = text[s_start:s_end]
        if _HYPOTHETICAL.search(sentence):
            continue
        lo = bisect.bisect_left(mention_starts, s_start)
        hi = bisect.bisect_left(mention_starts, s_end)
        in_sentence = [m.vendor for m in vendors[lo:hi]]
        for kind in sorted(kinds_at[index]):
            names, _, _ = found.setdefault(
                kind,
                (
                    [],
                    sentence,
                    next((a.name for a in hits if s_start <= a.start < s_end), None),
                ),
            )
            for name in in_sentence:
                if name not in names:
                    names.append(name)
    order = {kind: i for i, kind in enumerate(EVENT_TYPES)}
    return [
        Event(type=kind, vendors=tuple(names), evidence=evidence, attribution=attribution)
        for kind, (names, evidence, attribution) in sorted(
            found.items(), key=lambda kv: order[kv[0]]
        )
    ]
