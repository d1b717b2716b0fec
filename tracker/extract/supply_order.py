"""Which way goods can flow between two kinds of company: a check on a relation's direction.

Companies sit at a depth in the supply chain, from the tool and material makers at the top
to the brands, carmakers, clouds and AI labs that buy at the bottom. A relation reads
"supplier -> customer"; one whose supplier sits two or more levels below its customer
("Apple supplies TSMC", "Toyota supplies Texas Instruments", "Microsoft supplies Qualcomm")
has its roles the wrong way round or names a competitor, a partner or an investor, and is not
kept. Neither is one between two companies of a kind that do not supply each other (two
memory makers, two foundries, two carmakers): in news those are rivals.

A company counts at the shallowest depth of its family, so a brand with a components arm
(Sony with Sony Semiconductor Solutions) may supply a module maker. A company of unknown
kind passes every test.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

DEPTH: dict[str, int] = {
    "equipment": 0,
    "materials": 0,
    "eda": 0,
    "ip": 0,
    "foundry": 1,
    "osat": 1,
    "pcb": 1,
    "fabless": 2,
    "idm": 2,
    "memory": 2,
    "passives": 2,
    "connectors": 2,
    "power": 2,
    "rf": 2,
    "display": 2,
    "optics": 2,
    "battery": 2,
    "components": 2,
    "ems": 3,
    "odm": 3,
    "distributor": 3,
    "oem": 4,
    "automaker": 4,
    "hyperscaler": 4,
    "telecom": 4,
    "ai_lab": 5,
}
"""How far down the chain each kind sits (0: tools and materials, 4: buyers of finished goods)."""

# Kinds whose members compete rather than trade with one another.
RIVAL_KINDS = frozenset(
    {"memory", "foundry", "osat", "equipment", "eda", "battery", "display", "automaker", "ai_lab"}
)
# AI labs buy compute and chips; in this chain they supply nobody.
BUYER_ONLY = frozenset({"ai_lab"})
ASSEMBLERS = frozenset({"ems", "odm"})
# What an agreement is about, and the kinds of company that supply it.
_ABOUT: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple(
    (re.compile(rf"\b(?:{words})", re.IGNORECASE), frozenset(kinds.split()))
    for words, kinds in (
        (r"packag|assembl|test", "osat ems odm"),
        (r"foundry|wafer|fab\b", "foundry materials"),
        (r"memory|hbm|dram|nand", "memory"),
        (r"batter|cells?\b", "battery"),
        (r"display|panel|oled|lcd", "display"),
        (r"substrate", "pcb"),
        (r"equipment|lithograph|tools?\b", "equipment"),
        (r"cloud|compute|computing|data cent", "hyperscaler"),
        (r"silicon carbide|sic\b|gallium", "materials idm"),
    )
)
CHIP_FIRMS = frozenset({"fabless", "idm", "memory"})
# A supplier may sit at most this many levels below its customer (assemblers build for chip
# designers: an EMS at 3 supplies a fabless company at 2).
UPSTREAM_SLACK = 1


class SupplyOrder:
    """Depths of the gazetteer's companies, and the direction test over them."""

    def __init__(self, kinds: Mapping[str, str], parents: Mapping[str, str]) -> None:
        self._kind = dict(kinds)
        shallowest: dict[str, int] = {}
        for name, kind in kinds.items():
            depth = DEPTH.get(kind)
            if depth is None:
                continue
            shallowest[name] = min(shallowest.get(name, depth), depth)
            parent = parents.get(name)
            seen = {name}
            while parent and parent not in seen:  # a unit lends its depth to its parents
                seen.add(parent)
                shallowest[parent] = min(shallowest.get(parent, depth), depth)
                parent = parents.get(parent)
        self._supplier_depth = shallowest

    def kind(self, name: str) -> str | None:
        """The company's kind, if the gazetteer knows it."""
        return self._kind.get(name)

    def plausible(self, supplier: str, customer: str) -> bool:
        """False when ``supplier`` cannot be a supplier of ``customer`` by their kinds."""
        s_kind, c_kind = self._kind.get(supplier), self._kind.get(customer)
        if s_kind in BUYER_ONLY:
            return False
        if s_kind is not None and s_kind == c_kind and s_kind in RIVAL_KINDS:
            return False
        s_depth = self._supplier_depth.get(supplier)
        c_depth = DEPTH.get(c_kind) if c_kind is not None else None
        if s_depth is None or c_depth is None:
            return True
        return s_depth - c_depth <= UPSTREAM_SLACK

    def direction(self, a: str, b: str, about: str = "") -> tuple[str, str] | None:
        """(supplier, customer) of two parties to an agreement that does not say which way
        goods go, from their kinds; None when the kinds do not tell.

        What the agreement is about may name the supplier's kind ("a packaging deal": the
        packager supplies). Otherwise the one further up the chain supplies the other; not
        between an assembler and a chip company (an assembler builds systems for a chip firm
        and buys its chips), nor when the customer's family reaches as far up as the supplier
        (Sony makes sensors as well as phones)."""
        favoured: set[str] = set()
        for words, kinds in _ABOUT:
            if words.search(about):
                favoured |= kinds
        if favoured:
            makers = [n for n in (a, b) if self._kind.get(n) in favoured]
            if len(makers) == 1:
                way = (a, b) if makers[0] == a else (b, a)
                return way if self.plausible(*way) else None
        depths = [self._own_depth(a), self._own_depth(b)]
        if depths[0] is None or depths[1] is None or depths[0] == depths[1]:
            return None
        pair = {self._kind.get(a), self._kind.get(b)}
        if pair & ASSEMBLERS and pair & CHIP_FIRMS:
            return None
        way = (a, b) if depths[0] < depths[1] else (b, a)
        # Sony (which makes sensors) and a module maker: either may supply the other
        if self._supplier_depth.get(way[1], 9) <= min(depths[0], depths[1]):
            return None
        return way if self.plausible(*way) else None

    def _own_depth(self, name: str) -> int | None:
        kind = self._kind.get(name)
        return DEPTH.get(kind) if kind is not None else None
