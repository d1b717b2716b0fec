"""How sure each relation rule is: measured on labelled text, not declared.

A rule's confidence is the share of its finds that the labels hold, shrunk towards a prior
for its family so that a rule seen a few times is not trusted on those few alone:

    confidence = (correct + WEIGHT * prior) / (found + WEIGHT)

- grammar rules (a sentence states who supplies whom) start from ``PRIOR_RULE``;
- agreements whose direction the companies' kinds decide start from ``PRIOR_KINDS``;
- heuristics that supply a customer the sentence leaves unnamed start from ``PRIOR_GUESS``,
  below ``tracker.models.RELATION_SHOWN``: until the labels have seen one work, it is not shown.

``COUNTS`` holds (found, correct) per rule over fixtures/gold and the labelled news of
supplychain-news-dev, counting each article's surest statement of a pair that is not
negated. ``bench/relation_calibration.py`` recounts them, prints how well confidence
predicts precision, and with ``--write`` rewrites the table below.

A relation's status then scales its rule's confidence (``STATUS_WEIGHT``): a report or a
plan is a little less sure than a statement of fact.
"""

from __future__ import annotations

import functools

WEIGHT = 6.0
PRIOR_RULE = 0.8
PRIOR_KINDS = 0.7
PRIOR_GUESS = 0.55
KINDS_RULES = frozenset(
    {"supply_deal_with", "partners_with", "pair_deal", "de_vertrag_mit", "zh_agreement"}
)
GUESS_RULES = frozenset(
    {"known_maker", "supplies_unnamed", "part_from_subject", "part_of_device", "refers_back"}
)
STATUS_WEIGHT = {"confirmed": 1.0, "reported": 0.95, "planned": 0.9, "negated": 0.9}

# --- counts: written by bench/relation_calibration.py --write ---
COUNTS: dict[str, tuple[int, int]] = {
    "add_as": (1, 1),
    "adding_customers": (3, 3),
    "asked_to_build": (1, 1),
    "builds_with": (2, 2),
    "built_around": (2, 2),
    "buy_from": (9, 8),
    "c_chips_made_by": (4, 4),
    "c_is_s_customer": (4, 4),
    "c_product_made_by": (8, 7),
    "c_product_which_s_makes": (1, 1),
    "c_role_s": (7, 7),
    "de_s_ist_role": (2, 2),
    "dropped": (1, 1),
    "failed_qualification": (2, 2),
    "first_product_customer": (1, 1),
    "fr_avance": (1, 1),
    "fr_client_de": (2, 2),
    "fr_par": (1, 1),
    "has_orders_from": (4, 4),
    "ja_c_adopts_s": (2, 2),
    "ja_c_ni_s_ga": (3, 3),
    "ja_s_ga_c_ni": (1, 1),
    "known_maker": (22, 17),
    "ko_c_e_s_ga": (2, 2),
    "ko_s_ga_c_e": (2, 2),
    "make_product": (5, 5),
    "make_with": (1, 1),
    "pair_deal": (2, 2),
    "part_from_subject": (4, 4),
    "part_of_device": (9, 8),
    "partners_with": (4, 4),
    "qualified_for": (1, 1),
    "s_a_c_role": (1, 1),
    "s_customers_include": (17, 16),
    "s_is_c_role": (2, 2),
    "s_role_to_c": (9, 7),
    "s_used_in_c": (2, 2),
    "sales_of_to": (3, 3),
    "secure_goods": (1, 1),
    "share_of_orders": (1, 1),
    "shift_from_to": (3, 3),
    "signed_as_customer": (6, 6),
    "supplies_unnamed": (11, 10),
    "supplies_what_c_uses": (1, 1),
    "supply_chain_entry": (3, 2),
    "supply_deal_with": (2, 2),
    "supply_direct": (8, 8),
    "supply_to": (68, 64),
    "take_over_supply": (2, 2),
    "through": (1, 1),
    "turns_to": (1, 1),
    "use": (36, 34),
    "won_orders_from": (4, 3),
    "zh_c_adopts_s": (3, 3),
    "zh_c_books_s": (1, 1),
    "zh_for_c_supply": (1, 1),
    "zh_s_customers": (1, 1),
}
# --- end of counts ---


def rule_confidence(rule: str) -> float:
    """How often the rule's finds hold, shrunk towards its family's prior."""
    if rule in GUESS_RULES:
        prior = PRIOR_GUESS
    elif rule in KINDS_RULES:
        prior = PRIOR_KINDS
    else:
        prior = PRIOR_RULE
    found, correct = COUNTS.get(rule, (0, 0))
    return round((correct + WEIGHT * prior) / (found + WEIGHT), 3)


@functools.lru_cache(maxsize=1024)  # a few hundred (rule, status) pairs, asked per relation
def relation_confidence(rule: str, status: str) -> float:
    """The confidence of a relation found by ``rule`` with ``status``."""
    return round(rule_confidence(rule) * STATUS_WEIGHT.get(status, 1.0), 3)
