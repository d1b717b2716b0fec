"""Events: what happened to whom, from a lexicon of supply-chain event wording.

One event per type per article, concerning the vendors named in the sentences that report
it; the first such sentence is the evidence. Hypotheticals ("if a fire were to...") and
questions do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.extract.vendors import AttributionHit
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
        r"|bulk of (?:the )?orders"
    ),
    "m_and_a": (
        r"acqui(?:re|res|red|ring|sition)s?|merg(?:e|er|ers|ed|ing)|takeover|buyout|buy(?:s|ing)? "
        r"(?:a )?(?:stake|factory|plant|unit|business|division)|bought (?:a )?(?:stake|factory"
        r"|plant|unit|business)|stake in|divest\w*|spin(?:s|ning)? off|spin-off|joint venture"
        r"|sells? (?:its|a) (?:unit|business|division|stake)|to buy\b|agreed to buy|deal to buy"
    ),
    "earnings": (
        r"earnings|quarterly (?:results|revenue|profit|sales)|revenue (?:rose|fell|grew|jumped"
        r"|declined|of)|net (?:income|profit|loss)|operating (?:profit|margin|income)|guidance"
        r"|forecast\w*|outlook|beat (?:estimates|expectations)|missed (?:estimates|expectations)"
        r"|fiscal (?:year|quarter)|gross margin|results for the|profit (?:rose|fell|jumped)"
        r"|sales (?:rose|fell|grew|jumped|declined)|price target"
    ),
    "legal": (
        r"lawsuits?|sued|sues|suing|patent\w*|antitrust|fine[sd]?\b|penalt(?:y|ies)"
        r"|investigat\w+|probe|court|litigation|settlement|settled|infring\w+|complaint"
        r"|regulator\w*|indict\w*|charged with"
    ),
    "leadership": (
        r"chief executive|CEO|CFO|COO|CTO|chairman|chairwoman|president\b|appointed|appoints"
        r"|named .{0,30}(?:chief|head|president|CEO)|resign\w*|steps? down|stepped down|succeed\w*"
        r"|retire[sd]?\b|ousted|new head of"
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
EVENT_RES = {
    kind: re.compile(rf"(?<![\w-])(?:{words})", re.IGNORECASE) for kind, words in _LEXICON.items()
}
# Lexicon words that are too weak alone: they count only next to a vendor or a product.
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
    for s_start, s_end in spans:
        sentence = text[s_start:s_end]
        if _HYPOTHETICAL.search(sentence):
            continue
        in_sentence = [m.vendor for m in vendors if s_start <= m.start < s_end]
        for kind, regex in EVENT_RES.items():
            if not regex.search(sentence):
                continue
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
