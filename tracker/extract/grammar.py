"""Building blocks of the relation grammars: slots, gaps, company lists and rules.

A sentence becomes a template before any rule runs: each vendor mention is a slot, and
coordinated vendors ("MediaTek, Qualcomm and Luxshare", "輝達、博通和超微") become one group
slot ``\\x03N\\x04``; a product mention the companies do not cover is a slot ``\\x05N\\x06``
standing for the product's vendor. A rule is a regular expression over the template whose
named groups say who supplies whom:

- ``s`` / ``c``: the supplier / customer group; ``ps`` / ``pc``: a product standing for one;
- ``a`` / ``b``: two parties of an agreement that does not say which way goods go ("signed a
  supply deal with", "partners with"); the companies' kinds decide (``SupplyOrder``), and
  when they do not, no relation is made;
- ``old``: a supplier the customer moves work away from ("shifts orders from old to s").

Each rule names the words it cannot match without (``need``, lower case), so a sentence is
only tried against the rules whose words it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.extract.prefilter import first_chars

SLOT_MARKS = "\x01\x02\x03\x04\x05\x06"
ONE_SLOT = r"\x01\d+\x02"
SLOT_INDEX = re.compile(r"\x01(\d+)\x02")

GAP = r"[^\x03\x04]{0,%d}?"  # may pass over product slots, never over another company
S = r"(?:\x03(?P<s>\d+)\x04|\x05(?P<ps>\d+)\x06)"
C = r"(?:\x03(?P<c>\d+)\x04|\x05(?P<pc>\d+)\x06)"
SV = r"\x03(?P<s>\d+)\x04"  # a supplier that must be a company, not a product
CV = r"\x03(?P<c>\d+)\x04"
AV = r"\x03(?P<a>\d+)\x04"
BV = r"\x03(?P<b>\d+)\x04"
POS = r"(?:'s|’s|'|’)?"
WORDS = r"(?:(?:[\w-]+|\x05\d+\x06)\s+){0,%d}?"
# A gap that crosses no clause boundary and no other company (for CJK text, which has no
# spaces to count words by).
CJK_GAP = r"[^\x03\x04。；;！？]{0,%d}?"

# Words a company may carry in a list: legal forms, a ticker or native name in brackets.
_SUFFIX = (
    r"(?:,?\s+(?:Inc|Corp|Corporation|Co|Company|Ltd|Limited|LLC|AG|SE|SA|NV|N\.V|plc|PLC"
    r"|Group|Holdings?|Holding Co|GmbH|KK|Technology|Technologies|Electronics)\.?(?![\w-]))*"
)
_PAREN = r"(?:\s*[(（](?:[^()（）\x01-\x06]{1,40}|\x01\d+\x02)[)）])?"
# Words before a company in a list: "Taiwan's", "China-based", "Japanese".
PREFIX = (
    r"(?:(?:(?-i:[A-Z])[A-Za-z.]*\s+)?(?-i:[A-Z])[A-Za-z.]*(?:'s|’s)\s+|(?:(?-i:[A-Z])[\w.]*-based|Chinese"
    r"|Taiwanese|Japanese|(?:South )?Korean|American|German|Dutch|French|Indian|European"
    r"|U\.?S\.?|fellow)\s+)?"
)
_ITEM = ONE_SLOT + r"(?:'s|’s)?" + _SUFFIX + _PAREN
_COMMA = r"\s*[,，]\s*"
_CONJ = (
    r"(?:\s*[,，]?\s*(?:and|or|as well as|&|plus|und|sowie|oder|et|ou)\s+(?:both\s+|also\s+)?"
    r"|\s*(?:、|和|及|与|與|以及|跟|或)\s*|(?:と|や)|(?:와|과)\s*|\s+및\s+)"
)
# A list needs a conjunction or an enumeration comma (、), or ends the clause ("for BMW,
# Mercedes"): "Apple, Samsung will ..." is two companies, not a list. A name the gazetteer
# does not know may sit between two it knows ("Ibiden and Shinko, and Austria's AT&S").
_UNKNOWN = r"(?:[A-Z][\w&.-]+(?: [A-Z][\w&.-]+)?)"
_SKIP = r"(?:" + PREFIX + _UNKNOWN + r"(?:" + _COMMA + r"|" + _CONJ + r"))?"
LIST = re.compile(
    _ITEM
    + r"(?:(?:(?:"
    + _COMMA
    + _SKIP
    + PREFIX
    + _ITEM
    + r")*"
    + _CONJ
    + _SKIP
    + PREFIX
    + _ITEM
    + r"|(?:\s*、\s*"
    + _ITEM
    + r")+)+|(?:"
    + _COMMA
    + PREFIX
    + _ITEM
    + r")+(?=\s*(?:$|[,.;:)]|and\b)))?"
)


def guarded(pattern: str) -> str:
    """``pattern`` behind a look-ahead at the characters its matches start with, as one
    group: the same matches, but where no such character stands it fails in one test, not
    one per branch (under IGNORECASE an alternation enters each of its branches; a rule's
    alternation of verbs is tried after each word it may skip)."""
    chars = first_chars(pattern)
    if chars is None:
        return pattern
    return "(?:(?=[" + "".join(map(re.escape, chars)) + "])" + pattern + ")"


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern of a grammar: its name and regex over the template. How sure its finds
    are is measured, not declared (``tracker.extract.relation_confidence``)."""

    name: str
    regex: re.Pattern[str]
    need: str  # a regex over the lower-cased sentence the rule cannot match without
    # The rule reads a role noun ("C's supplier S", "S's customers include C"): the role
    # holds whatever the sentence says is being talked about.
    role: bool = False
    # a cheap test of the template the rule cannot match without ("with" before a company)
    guard: re.Pattern[str] | None = None


def rule(name: str, pattern: str, need: str, role: bool = False, guard: str = "") -> Rule:
    """A case-insensitive rule; ``need`` must be lower case."""
    assert not re.search(r"[A-Z]", re.sub(r"\\.", "", need)), need
    compiled = re.compile(guard, re.IGNORECASE) if guard else None
    return Rule(name, re.compile(pattern, re.IGNORECASE), need, role, compiled)


@dataclass(frozen=True, slots=True, eq=False)
class Cues:
    """The words that set a relation's status in one language (one object per language:
    compared and hashed by identity, which is cheap)."""

    negated: re.Pattern[str]
    planned: re.Pattern[str]
    reported: re.Pattern[str]
    # words that make the statement no relation at all: talks, samples, bids
    not_yet: re.Pattern[str]
    # words between two parties that make them rivals, litigants, owners or investors
    apart: re.Pattern[str]
    # a sentence opening that stands for the previous sentence's subject ("The company")
    anaphor: re.Pattern[str]
    # after the relation, in its clause: the goods are only samples or on trial
    trial: re.Pattern[str] | None = None
    # a phrase inside a sentence that stands for the previous sentence's subject, and the
    # head nouns it cannot match without (looked for first: cheap)
    referent: re.Pattern[str] | None = None
    referent_heads: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Grammar:
    """The rules and cues of one language."""

    language: str
    rules: tuple[Rule, ...]
    cues: Cues
