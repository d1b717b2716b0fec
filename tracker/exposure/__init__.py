"""Pure: supplier exposure. The supplier graph, time decay, scores and their explanations.

Edges come from two places, kept apart and labelled:

- **declared**: the hardware catalog and the user's parts list (a product's vendor buys from
  the makers of its parts; a part's vendor supplies the vendor of the product it is used in);
- **reported**: supplier relations extracted from articles, tallied per status with their
  articles, independent sources (distinct source names), first and last time, confidence.

A reported edge weighs ``decay(time since last reported) * (1 - (1 - confidence) ** sources)``:
it halves every ``half_life_days`` and grows with independent sources. An edge whose latest
report is ``negated`` (denied, ended, failed) weighs nothing and is not current. A report
counts as confirmed only when the extraction is sure of it (``tracker.models.shown_status``);
a less sure one counts as reported, and one below ``RELATION_SHOWN`` not at all.

A company's **risk** is the news that touches it in a window: events weighted by type
(``RISK_WEIGHTS``, most urgent first, as ``EVENT_TYPES``) and by age, plus a surge term when it
is mentioned more than its own baseline. A row's **exposure score** is that risk times how much
the subject depends on the company (edge weights along the path, halved per extra tier), and
it always comes with its explanation in words.

Nothing here reads a database: the questions take an ``ExposureData``
(``tracker.store.exposure_queries`` implements it over a session) and return plain records.
Times are aware UTC datetimes and every function that needs "now" takes it as a parameter.

One file per job: ``graph`` (the supplier graph and the names it knows), ``scores`` (decay,
the news window, risk), ``words`` (explanations), ``answers`` (the customer, supplier and
product questions, a vendor's profile), ``watchlists`` (a watchlist or parts list ranked) and
``export`` (JSON records and GraphML). The names below are the package's face.
"""

from __future__ import annotations

from tracker.catalog.watch import WatchItem
from tracker.exposure.answers import (
    ExposureData,
    ExposureReport,
    ExposureRow,
    answer_customer,
    answer_product,
    answer_supplier,
    news_for,
    product_tree,
    vendor_profile,
)
from tracker.exposure.export import graph_records, to_graphml
from tracker.exposure.graph import (
    DeclaredLink,
    Edge,
    RelationFacts,
    RelationTally,
    ReportedLink,
    SupplyGraph,
    World,
    declared_links,
    reported_links,
)
from tracker.exposure.scores import (
    RISK_WEIGHTS,
    EventItem,
    Evidence,
    VendorNews,
    Window,
    decay,
    make_window,
    reported_weight,
    risk_of,
    summarize_news,
)
from tracker.exposure.watchlists import answer_watchlist, part_items
from tracker.exposure.words import age_words, explain_edge, explain_news

__all__ = [
    "RISK_WEIGHTS",
    "DeclaredLink",
    "Edge",
    "EventItem",
    "Evidence",
    "ExposureData",
    "ExposureReport",
    "ExposureRow",
    "RelationFacts",
    "RelationTally",
    "ReportedLink",
    "SupplyGraph",
    "VendorNews",
    "WatchItem",
    "Window",
    "World",
    "age_words",
    "answer_customer",
    "answer_product",
    "answer_supplier",
    "answer_watchlist",
    "decay",
    "declared_links",
    "explain_edge",
    "explain_news",
    "graph_records",
    "make_window",
    "news_for",
    "part_items",
    "product_tree",
    "reported_links",
    "reported_weight",
    "risk_of",
    "summarize_news",
    "to_graphml",
    "vendor_profile",
]
