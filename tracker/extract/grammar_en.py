"""English supply grammar: who supplies whom, as English news writes it.

The direction of each rule comes from the role its words give each party, never from the
order the names appear in: "S supplies ... to C", "C taps S", "C supplier S", "S, a C
supplier", "S won orders from C", "made by S for C", "S's customers include C", "C buys
S's chips", "C accounts for 30% of S's sales", "C shifts orders from S1 to S2", "S enters
C's supply chain". Agreements that do not say which way goods go ("signed a supply deal
with", "partners with") are left to the companies' kinds.
"""

from __future__ import annotations

import re

from tracker.extract.grammar import (
    AV,
    BV,
    CV,
    GAP,
    POS,
    PREFIX,
    SV,
    WORDS,
    C,
    Cues,
    Grammar,
    Rule,
    S,
    guarded,
    rule,
)

ROLE = guarded(
    r"(?:suppliers?|vendors?|assemblers?|contract manufacturers?|(?:manufacturing|production"
    r"|assembly|supply|supply[- ]chain|foundry|chip|design|packaging|outsourcing|sourcing"
    r"|technology) partners?|foundr(?:y|ies)|providers?|makers?|packagers?|subcontractors?"
    r"|licensors?|sources?)"
)
SUPPLY_VERB = guarded(
    r"(?<![\w-])(?:suppl(?:y|ies|ied|ying)|mak(?:e|es|ing)|made|manufactur\w*|fabricat\w*|fab(?:s|bed|bing)?"
    r"|produc(?:e|es|ed|ing)|assembl\w*|packag(?:e|es|ed|ing)|provid(?:e|es|ed|ing)"
    r"|ship(?:s|ped|ping)?|deliver(?:s|ed|ing)?|build(?:s|ing)?|built|sell(?:s|ing)?|sold"
    r"|design(?:s|ed|ing)?|develop(?:s|ed|ing)?|co-develop\w*|customi[sz]\w*|rent(?:s|ed|ing)?"
    r"|leas(?:e|es|ed|ing)|licens(?:e|es|ed|ing)|handl(?:e|es|ed|ing)"
    r"|source[sd]?|offer(?:s|ed|ing)?|install(?:s|ed|ing)?|integrat\w*|print(?:s|ed|ing)?"
    r"|in charge of|responsible for)"
)
# A noun phrase of goods, and of business that is won rather than bought.
_ORDER_NOUNS = guarded(
    r"(?:orders?|contracts?|deals?|design wins?|business|sockets?|awards?|projects?|tenders?"
    r"|approvals?|investments?|funding|stakes?|complaints?|subsid\w+|grants?|payments?|bids?"
    r"|qualifications?|certifications?|validations?|verifications?|permission|licen[cs]es?"
    r"|feedback|requests?)"
)
_GOODS = guarded(
    r"(?:stock|capacity|capacities|supply|supplies|output|chips|wafers|equipment|machines|tools"
    r"|systems|panels|cells|batteries|memory|allocation|inventory|modules|units|substrates"
    r"|production)"
)
BUY_VERB = guarded(
    r"(?<![\w-])(?:tap(?:s|ped|ping)?|pick(?:s|ed|ing)?|select(?:s|ed|ing)?|chose|choos(?:e|es|ing)"
    r"|hire[sd]?|hiring|enlist(?:s|ed|ing)?|opt(?:s|ed|ing)? for|went with|go(?:es)? with"
    r"|settl\w* on|decid\w* on"
    r"|(?:order(?!s?\s+from\b)|source|buy|purchase|procure|lease|rent|import)(?:s|d|ed|ing)? "
    + GAP % 60
    + r"\bfrom|bought "
    + GAP % 60
    + r"\bfrom|tap(?:e|es|ed|ing) out "
    + GAP % 60
    + r"\b(?:at|with|on)|outsourc\w*(?: "
    + GAP % 40
    + r"\bto)?)"
)
# Weaker than choosing or buying: leaning on a supplier, moving to one, staying with one.
TURN_VERB = guarded(
    r"(?<![\w-])(?:turn(?:s|ed|ing)? to|rel(?:y|ies|ied|ying) on|depend(?:s|ed|ing)? on"
    r"|(?:mov|shift|switch|migrat)\w* to|with (?:support|help) from|stay(?:s|ed|ing)? with"
    r"|stick(?:s|ing)? with|engag(?:e|es|ed|ing)|kept (?:buying|ordering|sourcing) from)"
)
# Qualifying a supplier: active only ("Nvidia qualified Micron's HBM", not "Micron expects to
# be qualified for Rubin", not "Certified Design Flows for TSMC").
QUALIFY_VERB = guarded(
    r"(?<![\w-])(?<!be )(?<!been )(?<!being )(?<!is )(?<!are )(?<!was )(?<!were )(?<!get )"
    r"(?:qualif(?:ies|ied|ying)|certif(?:ies|ied|ying)|validat(?:es|ed|ing))"
)
# Buying a company's goods: "C buys/deploys/licenses/uses S's chips", "C adopted S GPUs".
USE_VERB = guarded(
    r"(?<![\w-])(?:buy(?:s|ing)?|bought|order(?:s|ed|ing)?(?!\s+from\b)|deploy(?:s|ed|ing)?"
    r"|purchas(?:e|es|ed|ing)|licens(?:e|es|ed|ing)|adopt(?:s|ed|ing)?|us(?:e|es|ed|ing)"
    r"|integrat(?:e|es|ed|ing)|standardi[sz]\w* on|put(?:s|ting)?|install(?:s|ed|ing)?"
    r"|ship(?:s|ped|ping)? (?:with|on)|run(?:s|ning)? on|reserv\w*|book\w*|pre-?book\w*"
    r"|lock\w* in|(?:mov|shift|switch|migrat)\w* (?:to|onto)|feature[sd]?|featuring|embrac\w*"
    r"|(?:is|are|was|were|comes?|came) equipped with|embed\w*|pack(?:s|ed|ing)?"
    r"|launch\w* (?:its |the |a |their )?" + WORDS % 3 + r"on|(?:is|are|was|were|be) powered by)"
)
# "from makers including S", "from suppliers such as S": the class before the names.
_FROM_CLASS = (
    r"(?:(?:from|with)\s+(?:[\w-]+\s+){0,3}?(?:makers|suppliers|vendors|manufacturers|partners"
    r"|providers|foundries|companies|firms|assemblers)\s*,?\s*(?:such as|including|like"
    r"|namely)\s+)?"
)
_VIA = r"(?:\x03\d+\x04" + POS + r"\s+(?:\w+\s+)?" + ROLE + r"\s+)?" + PREFIX
WIN_VERB = guarded(
    r"(?<![\w-])(?:w[oi]n|wins|secur\w+|land(?:s|ed)?|bag(?:s|ged)?|receiv\w+|clinch\w*|snag\w*|got|gets"
    r"|booked|gain\w*|tak(?:e|es|ing)|took)"
)
MAKE_VERB = guarded(
    r"(?<![\w-])(?:mak(?:e|es|ing)|made|manufactur\w*|fabricat\w*|fab(?:s|bed|bing)?|produc(?:e|es|ed|ing)"
    r"|assembl\w*|packag(?:e|es|ed|ing)|build(?:s|ing)?|built)"
)
# A gap that does not pass a "to": "licensed its designs to X" is not buying from X.
_NO_TO_GAP = r"(?:(?!\bto\s+(?:[\w-]+\s+){0,3}?\x03)[^\x03\x04,;]){0,%d}?"
# A gap that names no business won: "received its first machine from S", not "orders from".
_GOODS_GAP = r"(?:(?!\b" + _ORDER_NOUNS + r"\b)[^\x03\x04;]){0,%d}?"
PASSIVE_VERB = guarded(
    r"(?<![\w-])(?:made|fabricated|manufactured|produced|assembled|packaged|built|supplied|fabbed|provided"
    r"|designed|developed|powered|handled|tested|sourced|printed)"
)
# Between a subject and its verb: "S, which has long", "S (台積電) said it would".
# An aside between commas may name other companies ("BYD, which surpassed Tesla in sales,
# becomes ..."); "said that it" passes the subject on.
_ASIDE = (
    r"(?:\s*[,—–]\s*(?:which|who|whose|a|an|the|one|now|once|formerly|part)\b[^;:,—–]{0,150}?[,—–])"
)
_THAT_IT = (
    r"(?:(?:said|says|announced|confirmed|added|stated|disclosed|revealed|noted)\s+(?:on\s+)?"
    r"(?:[\w-]+\s+)?(?:that\s+)?(?:it|the company|they)\s+)?"
)
_RELATIVE = (
    r"(?:(?:(?:both|all|each|one|some|many|most|several) of )?(?:which|who|whom)\s+|that\s+)?"
)
# What follows LEAD in every rule starts with a letter: the spaces and words it passes need
# not be given back, so its quantifiers are possessive (``*+``: the same matches, without
# retrying the verb after every shorter split of the same spaces).
_LEAD_WORDS = r"(?:(?:[\w-]++|\x05\d+\x06)\s++){0,%d}?"
LEAD_ALONE = (
    r"(?:(?:\s+(?-i:[A-Z])[\w-]*){1,2}(?=\s*,))?\s*+(?:\([^)]{0,40}\)\s*)?(?:,\s*(?:[\w’'-]+\s+){0,4}?[\w’'-]+,)?"
    + _ASIDE
    + r"{0,2}"
    r",?\s*+" + _RELATIVE + _THAT_IT + _LEAD_WORDS % 6
)
# A rule with a party after its verb fails at once when no company or product follows
# (or, ``_THEN_COMPANY``, no company): a lookahead that only spares the doomed attempts.
_THEN = r"(?=[^\x03\x05]*+[\x03\x05])"
_THEN_COMPANY = r"(?=[^\x03]*+\x03)"
LEAD = _THEN + LEAD_ALONE
# Words before a customer that name it as a class: "to companies such as C", "from multiple
# cloud providers operating internationally, including San Francisco-based C".
_CLASS = (
    r"(?:(?:[\w-]+\s+){0,5}?(?:companies|customers|clients|firms|makers|chipmakers|brands"
    r"|vendors|carmakers|automakers|hyperscalers|licensees|manufacturers|providers|operators"
    r"|players|labs|startups|giants|oems)\b[^\x03\x04;]{0,40}?(?:such as|including|like"
    r"|namely|ranging from)\s+)?" + PREFIX
)
_WORDS_P = r"(?:(?:[\w$.,%%&/-]+|\([^)]{0,20}\)|\x05\d+\x06)\s+){0,%d}?"
# What the parts are, after a maker's name: "with LG Chem batteries".
_PARTS = guarded(
    r"(?:chips?|chipsets?|processors?|modems?|memory|dram|nand|hbm\w*|batter(?:y|ies)|cells"
    r"|panels?|displays?|screens?|sensors?|modules?|cameras?|lenses|substrates?|wafers?"
    r"|components?|parts?|gpus?|cpus?|socs?|accelerators?|servers?|motors?|inverters?)"
)
_COPULA = guarded(
    r"(?:is|was|remains|remained|became|has become|have become|are|were|has been|have been"
    r"|will remain|stays?)"
)
_A = r"(?:a|an|the|one of(?: the)?|its|their|another|a fellow|fellow|also a)"
_CUSTOMER = guarded(r"(?:customers?|clients?|buyers?|users?)")

# "supplies ... to Nvidia's rack partners, including Foxconn and Wistron": the customers
# are the partners, not Nvidia.
THROUGH = re.compile(
    SV + POS + LEAD + SUPPLY_VERB + r"\b" + GAP % 100 + r"\b(?:to|for)\s+(?:the\s+|its\s+)?"
    r"\x03(?P<via>\d+)\x04" + POS + r"\s+" + WORDS % 2 + r"(?:partners?|customers?|assemblers?"
    r"|suppliers?|makers?|clients?)\s*,?\s*(?:including|such as|like|namely)\s+" + CV,
    re.IGNORECASE,
)
# After a supply verb's first customer, further customers in the same clause:
# "assembles AI servers for Nvidia and iPhones for Apple", "orders from Sony and ... from Apple".
_MORE = (
    r"\s*(?:(?!\b(?:but|while|whereas|although|though|however|yet)\b)[^\x03\x04]){0,40}?"
    r"(?:,|\band\b|\bas well as\b)\s+"
    r"(?:(?!\b(?:but|while|whereas|although|though|however|yet)\b)[^\x03\x04]){0,40}?"
)
MORE_CUSTOMERS = {
    "supply_to": re.compile(_MORE + r"\b(?:to|for)\s+(?:the\s+|its\s+)?" + C, re.IGNORECASE),
    "won_orders_from": re.compile(_MORE + r"\b(?:from|for)\s+(?:the\s+|its\s+)?" + C, re.I),
    "has_orders_from": re.compile(_MORE + r"\b(?:from|for)\s+(?:the\s+|its\s+)?" + C, re.I),
}

RULES: tuple[Rule, ...] = (
    rule(
        "supply_to",
        SV + POS + LEAD + SUPPLY_VERB + r"\b(?:" + GAP % 100 + r"\b(?:to|for|used (?:in|by)"
        r"|on behalf of)|[^\x03\x04,;]{0,40}?\b(?:in|into|inside))\s+(?:the\s+|its\s+|both\s+"
        r"|his\s+|their\s+)?" + _CLASS + C,
        SUPPLY_VERB,
    ),
    rule(
        "supply_direct",
        SV + POS + LEAD + r"(?:suppl(?:y|ies|ied|ying)|serv(?:e|es|ed|ing)|equip(?:s|ped|ping)?"
        r"|provid(?:e|es|ed|ing)(?=\s+(?:\S+\s+){0,3}?\S+\s+with\b))\s+(?:the\s+|its\s+|both\s+)?"
        + _CLASS
        + CV
        + r"(?!\s*(?:'s|’s)\s+(?:[\w-]+\s+)?(?:rivals?|competitors?|peers?))",
        r"suppl|\bserv(?:e|es|ed|ing)\b|equip|provid",
    ),
    rule(
        "make_product",
        SV
        + POS
        + LEAD
        + MAKE_VERB
        + r"\s+(?:the\s+|its\s+|all\s+|most\s+|some\s+)?"
        + WORDS % 3
        + r"\x05(?P<pc>\d+)\x06",
        MAKE_VERB,
        guard=r"\x05",
    ),
    rule(
        "make_possessive",
        SV + POS + LEAD + MAKE_VERB + r"\s+(?:the\s+|its\s+|all\s+|most\s+|some\s+)?"
        r"(?:[\w-]+\s+)?" + CV + r"(?:'s|’s)\s",
        MAKE_VERB,
        guard=r"\x04(?:'s|’s)",
    ),
    rule(
        "production_of",
        SV + POS + r"\s+" + GAP % 40 + r"\b(?:production|manufacturing|assembly|packaging|supply"
        r"|shipments?|deliver(?:y|ies)) (?:of|for|to)\s+(?:the\s+|a\s+|an\s+|its\s+)?"
        + WORDS % 2
        + C,
        r"production|manufacturing|assembly|packaging|supply|shipment|deliver",
    ),
    rule(
        "order_for",
        CV + POS + r"\s+" + WORDS % 3 + r"(?:orders?|purchases?|bookings?) (?:of|for)\s+"
        r"(?:the\s+)?" + WORDS % 2 + S,
        r"order|purchase|booking",
    ),
    rule(
        "buy_from",
        CV
        + LEAD
        + BUY_VERB
        + r"\s+(?:both\s+)?"
        + r"[^\x03\x04,;]{0,40}?"
        + _FROM_CLASS
        + _VIA
        + S,
        BUY_VERB,
    ),
    rule(
        "turns_to",
        CV
        + LEAD
        + TURN_VERB
        + r"\s+(?:both\s+)?"
        + r"[^\x03\x04,;]{0,40}?"
        + _FROM_CLASS
        + _VIA
        + S,
        r"turn|rel|depend|mov|shift|switch|migrat|support|help|stay|stick|engag|kept",
    ),
    rule(
        "qualifies",
        CV + LEAD + QUALIFY_VERB + r"\s+(?:the\s+|its\s+)?" + _VIA + S,
        r"qualif|certif|validat",
    ),
    rule(
        "use",
        CV + POS + LEAD + USE_VERB + r"\s+" + _NO_TO_GAP % 80 + _FROM_CLASS + _VIA + S,
        USE_VERB,
    ),
    rule(
        "secure_goods",
        CV + LEAD + r"(?:secur\w*|reserv\w*|book\w*|lock\w* (?:up|in)|buy(?:s|ing)?|bought"
        r"|snap\w* up|corner\w*|acquir\w*|obtain\w*|grab\w*)\s+(?:all of|most of|the bulk of"
        r"|much of|(?:a\s+)?(?:large |big |major |significant )?(?:share|portion|part|chunk"
        r"|majority) of|" + WORDS % 2 + r")\s*(?:the\s+)?" + SV + POS + r"\s+" + WORDS % 5 + _GOODS,
        r"secur|reserv|book|lock|buy|bought|snap|corner|acquir|obtain|grab",
    ),
    rule(
        "receive_from",
        CV + POS + LEAD + r"(?:receiv\w*|got|gets|obtain\w*|import\w*|took delivery of"
        r"|takes? delivery of|sourc\w*|get(?:s|ting)?)\s+"
        + _GOODS_GAP % 80
        + r"\bfrom\s+"
        + _FROM_CLASS
        + _VIA
        + S,
        r"receiv|got|get|obtain|import|deliver|sourc",
        guard=r"\bfrom\s",
    ),
    rule(
        "through",
        CV + POS + LEAD + r"(?:" + MAKE_VERB + r"|sourc\w*|secur\w*|gets?|got|obtain\w*|buy\w*"
        r"|bought|access\w*|procur\w*|rent\w*|deliver\w*|ship\w*)\b" + GAP % 100 + r"\b(?:through"
        r"|via|by way of)\s+(?:the\s+)?(?:(?:local|new|its|an?)\s+)?(?:(?:unit|arm|subsidiary"
        r"|plant|factory|affiliate)s?\s+of\s+)?" + S,
        r"through|via|by way of",
    ),
    rule(
        "builds_with",
        CV + LEAD + MAKE_VERB + r"\b" + GAP % 80 + r",?\s*with\s+" + SV + r"\s+(?:both\s+|also\s+"
        r"|each\s+)?(?:manufactur|assembl|mak|build|produc)\w*",
        r"manufactur|assembl|\bmak|build|produc",
        guard=r"with\s+\x03",
    ),
    rule(
        "hand_orders_to",
        CV + POS + LEAD + r"(?:hand|give|gave|giv|transfer|shift|mov|allocat|assign|entrust|direct"
        r"|redirect|divert|award|outsourc|split)\w*\s+" + GAP % 60 + r"\b(?:orders?|production"
        r"|assembly|work|business|contracts?|responsibilit\w*|volumes?|npi|projects?|deals?"
        r"|manufacturing)\b(?:(?!\bfrom\s+\x03)[^\x03\x04]){0,60}?\bto\s+(?:the\s+)?" + SV,
        r"hand|give|gave|giv|transfer|shift|mov|allocat|assign|entrust|direct|divert|award|outsourc|split",
        guard=r"\bto\s+(?:the\s+)?\x03",
    ),
    rule(
        "shift_from_to",
        CV
        + POS
        + LEAD
        + r"(?:shift|transfer|mov|switch|redirect|divert|reallocat|hand)\w*\s+"
        + GAP % 60
        + r"\b(?:orders?|production|assembly|work|business|volumes?|manufacturing)\b"
        + GAP % 40
        + r"\bfrom\s+(?:the\s+)?(?:troubled\s+|rival\s+)?\x03(?P<old>\d+)\x04"
        + GAP % 40
        + r"\bto\s+(?:its\s+rivals?,?\s+)?"
        + SV,
        r"shift|transfer|mov|switch|redirect|divert|reallocat|hand",
        guard=r"\bfrom\s",
    ),
    rule(
        "add_as",
        CV
        + r"\s+"
        + WORDS % 3
        + r"add(?:s|ed|ing)?\s+"
        + S
        + r"\s+as\s+(?:a\s+|an\s+|its\s+)?"
        + WORDS % 2
        + r"(?:suppliers?|sources?|vendors?|partners?|foundry|assemblers?)",
        r"\badd",
    ),
    rule(
        "c_role_s",
        CV
        + POS
        + r"\s+"
        + WORDS % 2
        + ROLE
        + r"\s*,?\s*(?:such as\s+|including\s+|like\s+|namely\s+)?"
        + PREFIX
        + SV,
        ROLE,
        role=True,
    ),
    rule(
        "s_role_to_c",
        SV + r"\s*(?:\([^)]{0,40}\)\s*)?,?\s*(?:which is\s+|who is\s+|is\s+|was\s+|are\s+"
        r"|were\s+|became\s+|remains\s+|has been\s+|has become\s+|who has been\s+"
        r"|which has been\s+|(?:is|are|was|were)\s+(?:also\s+)?(?:rumou?red|said|believed"
        r"|expected|reported|set|likely|poised|understood|tipped)\s+to\s+be\s+)?"
        + _A
        + r"\s+"
        + WORDS % 4
        + ROLE
        + r"\s+(?:of\s+"
        + GAP % 80
        + r"\s+)?(?:to|of|for|behind)\s+(?:the\s+)?"
        + WORDS % 2
        + C,
        ROLE,
        role=True,
    ),
    rule(
        "s_is_c_role",
        SV + _THEN_COMPANY + r"(?:" + POS + GAP % 60 + r"\b(?:status|role|position|place|spot"
        r"|ranks?|rank(?:ed|s))\s+(?:as|of)|\s+"
        + _COPULA
        + r")\s+(?:now\s+|still\s+|also\s+|already\s+)?"
        r"(?:one of\s+|among\s+)?(?:the\s+)?" + CV + POS + r"\s+" + WORDS % 3 + ROLE,
        ROLE,
        role=True,
    ),
    rule(
        "supplies_what_c_uses",
        SV + r"\s+" + SUPPLY_VERB + r"\s+" + GAP % 60 + CV + r"\s+(?:uses|used|buys|bought|needs"
        r"|relies on|depends on|sells|sold|ships|shipped|orders|ordered)\b",
        SUPPLY_VERB,
    ),
    rule(
        "signed_as_customer",
        SV
        + r"\s+"
        + GAP % 100
        + r"\b(?:sign\w*|land\w*|add\w*|won|wins|secur\w*)\s+"
        + CV
        + r"\s+as\s+(?:its\s+|a\s+|an\s+)?(?:first\s+|anchor\s+|launch\s+|new\s+|largest\s+"
        r"|biggest\s+|lead\s+)?" + WORDS % 2 + r"(?:customer|client|buyer)",
        r"customer|client|buyer",
        guard=r"\bas\s",
    ),
    rule(
        "sales_of_to",
        r"(?:sales|shipments?|deliveries|exports|orders) of\s+"
        + WORDS % 2
        + S
        + GAP % 40
        + r"\bto\s+(?:the\s+)?"
        + _CLASS
        + CV,
        r"sales|shipment|deliveries|exports|orders",
        guard=r"\bto\s",
    ),
    rule(
        "c_is_s_customer",
        CV + r"\s+(?:remain|remains|are|is|was|were|became|become|becomes|has become"
        r"|have become|has been|have been)\s+(?:now\s+|still\s+|also\s+)?(?:among\s+|one of\s+)?"
        + SV
        + POS
        + r"\s+"
        + WORDS % 3
        + _CUSTOMER,
        r"customer|client|buyer|user",
        role=True,
    ),
    rule(
        "c_product_which_s_makes",
        C
        + POS
        + r"\s*,?\s*(?:which|that|whose\s+"
        + WORDS % 3
        + r")\s*"
        + SV
        + r"\s+"
        + WORDS % 2
        + SUPPLY_VERB,
        SUPPLY_VERB,
    ),
    rule(
        "s_used_in_c",
        SV + POS + r"\s+" + GAP % 40 + r"\b(?:is|are|was|were|will be)\s+(?:also\s+|only\s+)?"
        r"used\s+(?:on|in|by|at|for)\s+(?:every\s+|all\s+|the\s+|most\s+)?" + WORDS % 2 + C,
        r"\bused\b",
    ),
    rule(
        "s_wins_c",
        SV + r"\s+" + WORDS % 2 + r"(?:lands?|landed|w[oi]ns?|bag(?:s|ged)?|clinch\w*|snag\w*"
        r"|secur\w+)\s+(?:an?\s+|the\s+)?"
        + WORDS % 2
        + r"(?:from\s+)?"
        + CV
        + r"(?!"
        + POS
        + r"\s+(?:[\w-]+\s+){0,3}?"
        + _GOODS
        + r"\b)",
        r"land|w[oi]n|bag|clinch|snag|secur",
    ),
    rule(
        "s_a_c_role",
        SV
        + r"\s*,?\s*(?:which is\s+|who is\s+|is\s+|was\s+|became\s+|remains\s+)?"
        + _A
        + r"\s+"
        + WORDS % 3
        + CV
        + POS
        + r"\s+"
        + WORDS % 2
        + ROLE,
        ROLE,
        role=True,
    ),
    rule(
        "won_orders_from",
        SV + r"\s*(?:\s+" + GAP % 30 + WIN_VERB + r"\b" + GAP % 60 + r"|:\s*" + GAP % 30 + r")"
        r"\b(?:orders?|contracts?|design wins?|deals?|business|sockets?)\b"
        + GAP % 40
        + r"\b(?:from|with|for|at)\s+(?:the\s+)?"
        + _CLASS
        + C,
        r"order|contract|design win|deal|business|socket",
    ),
    rule(
        "share_of_orders",
        SV + r"\s+" + GAP % 80 + r"\b(?:\d[\d.,]*\s*(?:%|percent|per cent|pct)|half|a third"
        r"|a quarter|two-thirds|the bulk|the majority|all|most|some|part|a share|a portion"
        r"|the lion's share)\s+of\s+(?:the\s+)?" + CV + POS + r"\s+" + WORDS % 3 + r"(?:orders?"
        r"|business|production|assembly|shipments|volumes?|output)\b",
        r"\d|half|third|quarter|bulk|majority|\ball\b|most|some|part|share|portion",
        guard=r"\bof\s+(?:the\s+)?\x03",
    ),
    rule(
        "revenue_share",
        CV + LEAD + r"(?:account\w* for|made up|makes up|make up|comprised|comprises|comprise"
        r"|represent\w*|contribut\w*|generat\w*|was responsible for)\s+" + GAP % 60 + r"\bof\s+"
        r"(?:the\s+)?" + SV + POS + r"\s+" + WORDS % 3 + r"(?:sales|revenues?|business"
        r"|shipments|income|turnover|orders)\b",
        r"account|made up|makes up|make up|compris|represent|contribut|generat|responsible",
        role=True,
    ),
    rule(
        "revenue_from",
        SV + POS + r"\s+" + GAP % 60 + r"\b(?:sales|revenues?|income|turnover|earnings)\s+"
        r"(?:of\s+" + GAP % 30 + r"\s+)?from\s+(?:supplying\s+)?(?:the\s+)?" + C,
        r"sales|revenue|income|turnover|earnings",
        role=True,
    ),
    rule(
        "supply_chain_entry",
        S + POS + r"\s+" + GAP % 60 + r"\b(?:enter\w*|entry into|join\w*|cut into|break\w* into"
        r"|got into|gets? into|part of|inside|into|remain\w* in|stay\w* in|return\w* to"
        r"|re-?enter\w*|admitted to|added to|included in|approved for|in|remov\w* from"
        r"|kicked out of|expelled from|excluded from|left|leav\w*|exit\w*|dropped from"
        r"|cut from)\s+(?:the\s+)?" + C + POS + r"\s+(?:[\w-]+\s+){0,3}?(?:supply chain"
        r"|supplier list|supplier base|suppliers' list|supply base|vendor list|supplier roster)",
        r"supply chain|supplier list|supplier base|suppliers' list|supply base|vendor list|roster",
    ),
    rule(
        "made_by_for",
        PASSIVE_VERB + r"\s+" + GAP % 20 + r"\bby\s+" + S + r"[^\x03\x04,;]{0,60}?"
        r"\b(?:for|to)\s+" + C,
        PASSIVE_VERB,
        guard=r"\bby\s+[\x03\x05]",
    ),
    rule(
        "product_shipping_to",
        r"\x05(?P<ps>\d+)\x06s?\s*,?\s+" + GAP % 80 + r"\b(?:is|are|was|were|will be)\s+"
        r"(?:already\s+|now\s+|also\s+)?(?:shipping|shipped|sold|supplied|delivered|deployed)"
        r"\s+(?:to|at|in|by)\s+" + CV,
        r"shipping|shipped|sold|supplied|delivered|deployed",
        guard=r"\x05",
    ),
    rule(
        "first_product_customer",
        CV + r"\s+" + GAP % 40 + r"\b(?:a|an|the|its)\s+(?:first|second|lead|largest|biggest"
        r"|anchor|launch|new|main|only)?\s*\x05(?P<ps>\d+)\x06\s+(?:customer|client|user)",
        r"customer|client|user",
        guard=r"\x06\s+(?:customer|client|user)",
    ),
    rule(
        "qualified_for",
        SV + POS + r"\s+" + GAP % 40 + r"\b(?:qualified|approved|certified|validated|selected"
        r"|chosen)\s+(?:for|by)\s+(?:the\s+|its\s+)?" + C,
        r"qualified|approved|certified|validated|selected|chosen",
    ),
    rule(
        "c_product_made_by",
        C
        + _THEN
        + POS
        + r"\s*,?\s*(?:whose\s+)?"
        + GAP % 80
        + r"\b(?:is|are|was|were|will be|would be|to be|being|get|gets"
        r"|has been|have been)\s+(?:being\s+|now\s+|currently\s+|still\s+|also\s+|only\s+)?"
        + PASSIVE_VERB
        + r"\s+(?:exclusively\s+|entirely\s+|solely\s+|primarily\s+|mainly\s+)?(?:by|on|at|in"
        r"|using)\s+(?:both\s+|the\s+)?" + S,
        PASSIVE_VERB,
        guard=r"\b(?:by|on|at|in|using)\s+(?:both\s+|the\s+)?[\x03\x05]",
    ),
    rule(
        "c_chips_made_by",
        C + POS + r"\s*,?\s+" + GAP % 50 + r"\b" + PASSIVE_VERB + r"\s+(?:by|at)\s+" + S,
        PASSIVE_VERB,
        guard=r"\b(?:by|at)\s+[\x03\x05]",
    ),
    rule(
        "built_around",
        C + r"(?:(?:'s|’s)\s+" + WORDS % 4 + r"|\s+(?:launch|unveil|introduc|debut|ship|sell"
        r"|offer|roll)\w*\s+(?:(?:[\w-]+|\x05\d+\x06)\s+){0,6}?)" + r",?\s*(?:which is\s+|are\s+"
        r"|is\s+)?(?:built|based|designed|running|runs|centred|centered|powered)\s+(?:around|on|upon"
        r"|with|by)\s+(?:the\s+|a\s+|an\s+)?" + S,
        r"built|based|designed|running|runs|centred|centered|powered",
    ),
    rule(
        "s_customers_include",
        SV + POS + r"\s*[,—–-]?\s*(?:whose\s+)?" + WORDS % 3 + r"(?:customers?|clients?|buyers?)"
        r"\s+(?:include|including|such as|like|are|is|was|were|range from|ranging from|,|:)?"
        r"\s*" + GAP % 20 + PREFIX + CV,
        r"customer|client|buyer",
        role=True,
    ),
    rule("s_counts_c", SV + r"\s+counts\s+" + CV + r"\s+(?:as|among)", r"\bcounts\b", role=True),
    rule(
        "adding_customers",
        SV
        + _THEN_COMPANY
        + r"\s*,?\s*"
        + GAP % 120
        + r"\b(?:adding|with|gaining|bringing|serving|serves|serve)\s+"
        + GAP % 60
        + r"\b(?:customers|clients|customer deals|customer list|buyers)\b[^\x03\x04;]{0,40}?"
        r"(?:such as|including|like|ranging from)\s+" + PREFIX + CV + r"(?:\s+to\s+"
        r"\x03(?P<c2>\d+)\x04)?",
        r"customer|client|buyer",
        role=True,
    ),
    rule(
        "c_customer_of_s",
        CV
        + r"\s*,?\s*(?:which is\s+|is\s+|was\s+|became\s+|remains\s+)?"
        + _A
        + r"\s+"
        + WORDS % 3
        + _CUSTOMER
        + r"\s+(?:of|for)\s+"
        + SV,
        r"customer|client|buyer|user",
        role=True,
    ),
    rule(
        "failed_qualification",
        SV + POS + r"\s+" + GAP % 40 + r"\b(?:fail\w*|pass\w*|clear\w*|flunk\w*|stumbled in"
        r"|missed|completed)\s+" + GAP % 20 + CV + POS + r"\s+" + WORDS % 2 + r"(?:qualification"
        r"|certification|validation|tests?|quality checks?|quals?)",
        r"qualif|certif|validat|test|quality|qual",
    ),
    rule(
        "asked_to_build",
        CV + LEAD + r"(?:ask(?:s|ed|ing)?|commission\w*|contract(?:s|ed)?|task(?:s|ed)?"
        r"|hire[sd]?|engag\w*|chose|picked|selected|tapped|want(?:s|ed)?)\s+"
        + SV
        + r"\s+to\s+(?:help\s+)?(?:build|make|supply|assemble|produce|manufacture|design"
        r"|develop|package|fabricate|provide|ship|deliver)\b",
        r"\bto (?:help )?(?:build|make|suppl|assembl|produc|manufactur|design|develop|packag"
        r"|fabricat|provid|ship|deliver)",
    ),
    rule(
        "tasked_with",
        r"\b(?:company|firm|maker|manufacturer|assembler|supplier)\s+(?:tasked|hired|chosen"
        r"|contracted|picked|selected)\s+(?:with|for|to)\s+(?:building|making|assembling"
        r"|producing|manufacturing|build|make|assemble|produce|manufacture)\s+(?:the\s+)?"
        + WORDS % 4
        + r"\x05(?P<pc>\d+)\x06"
        + GAP % 60
        + r"\b(?:is|was|are|were)\s+"
        + PREFIX
        + WORDS % 2
        + SV,
        r"tasked|hired|chosen|contracted|picked|selected",
    ),
    rule(
        "dropped",
        CV + LEAD + r"(?<![\w-])(?:dropp\w*|drops|ditch\w*|replac\w*|end\w*|terminat\w*"
        r"|cancel\w*|cut\w* ties with|stopp\w* (?:buying|ordering|sourcing)|walk\w* away from"
        r"|phas\w* out)\s+" + GAP % 40 + S,
        r"\bdrop|\bditch|\breplac|\bend(?:s|ed|ing)?\b|\bterminat|\bcancel|\bcut|\bstopp|\bwalk|\bphas",
    ),
    # Agreements that do not say which way goods go: the kinds decide.
    rule(
        "has_orders_from",
        SV + LEAD + r"(?:ha(?:s|ve|d)|hold(?:s|ing)?|held|see(?:s|ing)?|saw|receiv\w*|gets?|got"
        r"|getting)\s+" + WORDS % 4 + r"(?:orders?|business)\b" + GAP % 40 + r"\b(?:from|for)\s+"
        r"(?:the\s+)?" + _CLASS + C,
        r"order|business",
    ),
    rule(
        "wins_goods_from",
        CV + LEAD + r"(?:secur\w*|won|wins?|land\w*|gets?|got|obtain\w*|receiv\w*|clinch\w*"
        r"|snag\w*|book\w*|reserv\w*)\b" + _GOODS_GAP % 60 + r"\b(?:power|compute|capacity"
        r"|capacities|supply|supplies|allocation|chips|wafers|units|machines|tools|equipment"
        r"|panels|modules|cells|batteries|memory|stock|output)\b"
        + GAP % 40
        + r"\bfrom\s+"
        + _FROM_CLASS
        + _VIA
        + S,
        r"secur|won|win|land|get|got|obtain|receiv|clinch|snag|book|reserv",
        guard=r"\bfrom\s",
    ),
    rule(
        "place_order",
        CV + LEAD + r"(?:plac\w*|put\w*|lodg\w*|issu\w*)\s+(?:an?\s+|its\s+|their\s+|the\s+)?"
        r"(?:[\w$.,-]+\s+){0,4}?orders?\s+(?:for|with)\s+" + WORDS % 3 + _VIA + S,
        r"order",
    ),
    rule(
        "prepay",
        CV
        + LEAD
        + r"(?:paid|pays|prepaid|prepays|prepaying|advanced|deposited)\s+"
        + GAP % 60
        + r"(?:[$€¥]|\b(?:millions?|billions?|deposits?|prepayments?|payments?)\b)"
        + GAP % 40
        + SV
        + GAP % 80
        + r"\bto\s+(?:secure|reserve|lock in|guarantee|ensure)\b",
        r"secure|reserve|lock in|guarantee|ensure",
        guard=r"\bto\s+(?:secure|reserve|lock in|guarantee|ensure)",
    ),
    rule(
        "make_with",
        CV + LEAD + MAKE_VERB + r"\s+" + WORDS % 4 + r"with\s+" + SV + POS + r"\s+"
        r"(?:[\w-]+\s+){0,2}?" + _PARTS + r"\b",
        r"chip|processor|modem|memory|dram|nand|hbm|batter|cells|panel|display|screen|sensor|module|camera|lens|substrate|wafer|component|part|gpu|cpu|soc|accelerator|server|motor|inverter",
        guard=r"with\s+\x03",
    ),
    rule(
        "take_over_supply",
        SV
        + LEAD
        + r"(?:tak(?:e|es|ing)|took) over\s+"
        + GAP % 60
        + r"(?:\x03(?P<s2>\d+)\x04"
        + POS
        + r"\s+)?"
        + WORDS % 3
        + r"(?:supply|supplies|orders?|production|business|volumes?)\b"
        + GAP % 40
        + r"\b(?:to|for)\s+"
        + C,
        r"take over|took over|taking over|takes over",
    ),
    rule(
        "supply_to_along",
        SV
        + POS
        + LEAD
        + SUPPLY_VERB
        + r"\b"
        + GAP % 100
        + r"\b(?:to|for)\s+(?:the\s+|its\s+)?"
        + CV
        + r"\s*,?\s*(?:along with|alongside|together with|as does|as do)\s+"
        + PREFIX
        + r"\x03(?P<s2>\d+)\x04",
        r"along with|alongside|together with|as does|as do",
    ),
    rule(
        "supply_deal_with",
        AV + LEAD + r"(?:sign\w*|ink\w*|strik\w*|struck|enter\w* into|reach\w*|announc\w*"
        r"|agree\w* (?:on|to)|seal\w*|clinch\w*|forg\w*|expand\w*|extend\w*|renew\w*|amend\w*"
        r"|ha(?:s|ve|d))\s+(?P<what>" + _WORDS_P % 6 + r")(?:deal|agreement|contract|pact|accord"
        r"|arrangement|commitment)s?\s+" + GAP % 40 + r"\bwith\s+" + PREFIX + BV,
        r"deal|agreement|contract|pact|accord|arrangement|commitment",
    ),
    rule(
        "pair_deal",
        r"\x03(?P<pair>\d+)\x04" + LEAD_ALONE + r"(?:jointly\s+)?(?:sign\w*|ink\w*|strik\w*|struck"
        r"|enter\w* into|announc\w*|agree\w* (?:on|to)|seal\w*|reach\w*|form\w*|expand\w*"
        r"|extend\w*|renew\w*|amend\w*|deepen\w*)\s+(?P<what>" + _WORDS_P % 6 + r")(?:deal"
        r"|agreement|contract|pact|accord|arrangement|partnership|alliance|collaboration"
        r"|cooperation)s?\b",
        r"deal|agreement|contract|pact|accord|arrangement|partnership|alliance|collaboration"
        r"|cooperation",
    ),
    rule(
        "partners_with",
        AV + LEAD + r"(?:partner(?:s|ed|ing)?|team(?:s|ed|ing)? up|collaborat\w*"
        r"|work(?:s|ed|ing)? (?:closely |together )?with"
        r"|cooperat\w*|join(?:s|ed|ing)? (?:forces|hands)|(?:expand\w*|announc\w*|deepen\w*"
        r"|extend\w*|strengthen\w*) (?:its |their |a |an )?(?:[\w-]+\s+){0,2}?(?:partnership"
        r"|collaboration|cooperation|alliance))\s+(?:with\s+)?" + GAP % 30 + BV,
        r"partner|team|collaborat|cooperat|join|partnership|collaboration|cooperation|alliance"
        r"|work",
    ),
)

NEGATED = re.compile(
    guarded(
        r"\b(?:den(?:y|ies|ied|ying)|fail\w*|flunk\w*|end(?:s|ed|ing)?\b|terminat\w*|stopp?\w*"
        r"|no longer|lost|loses|dropp\w*|drops|ditch\w*|cancel\w*|scrapp?\w*|reject\w*|refus\w*"
        r"|cut\w* ties|walk\w* away|exit\w*|halt\w*|suspend\w*|did not|didn't|does not|doesn't"
        r"|has not|hasn't|have not|haven't|won't|will not|never|replac\w*|absent from|out of"
        r"|not (?:be )?(?:supplying|selected|chosen|picked|qualified|get|win|won)|phas\w* out"
        r"|pull\w* out|lost out|struggl\w*|yet to|still waiting|not yet|remov\w*|kicked out"
        r"|expelled|excluded|forced to leave|used to (?:supply|make|build|assemble|buy|source"
        r"|provide"
        r"|ship|sell)|formerly|former (?:supplier|customer|partner))\b"
    ),
    re.IGNORECASE,
)
PLANNED = re.compile(
    guarded(
        r"\b(?:plans?\b|planning|planned|will\b|would\b|expected to|expects to|is set to|are set to"
        r"|intends? to|aims? to|potential|proposed|preparing to|poised to|slated to|to begin"
        r"|to start|next year|memorandum|letter of intent|preliminary|agreed to|due to"
        r"|from (?:the )?(?:first|second|third|fourth) quarter)\b"
    ),
    re.IGNORECASE,
)
REPORTED = re.compile(
    guarded(
        r"\b(?:reportedly|according to|people (?:familiar|with (?:\w+ )?knowledge|close|briefed)"
        r"|person (?:familiar|with (?:\w+ )?knowledge)"
        r"|sources? (?:said|say|told|in the supply chain)"
        r"|said to be|is said|are said"
        r"|rumou?r\w*|reports? (?:that|said|say)|reported(?: that)?|citing|supply[- ]chain sources"
        r"|industry sources|unnamed|allegedly|purportedly|(?:told|tells) (?:the|a)\b|speculat\w*"
        r"|we believe|our checks|our supply[- ]chain checks|we think|we understand"
        r"|widely understood"
        r"|understood to|is believed|are believed|likely|has learned|have learned|analysts?)\b"
    ),
    re.IGNORECASE,
)
# Not a relation yet: talks, bids, samples and tests before an order.
NOT_YET = re.compile(
    guarded(
        r"\b(?:in talks|talks (?:with|to|over|about|on)|held talks|negotiat\w*|in discussions?"
        r"|discussions? (?:with|about|on)|discussing|considering|consider(?:s|ed)? (?:using|buying"
        r"|sourcing)|explor\w*|courting|pitch(?:ed|es|ing)?|bid(?:s|ding)? for|samples?|sampling"
        r"|for (?:verification|qualification|evaluation|validation|testing)|evaluat\w*|vying"
        r"|competing for|hop(?:e|es|ing) to|eyeing|eyes|seek\w*|striv\w*|trying to|tries to"
        r"|looking to|could|may\s+(?:be|have|also|still|soon|eventually|well|need|take|supply"
        r"|provide|use|start|begin|become|get|win|face|see|shift|turn|switch|add|order|buy|choose"
        r"|receive"
        r"|pick|not)|might|wooing|aspir\w*|in the running|efforts? to"
        r"|attempt\w* to|bid to|exert\w*|push(?:es|ing)? to|wait\w* (?:until|for)|have to wait)\b"
    ),
    re.IGNORECASE,
)
# Between two parties: they compete, litigate, own or invest in each other.
APART = re.compile(
    guarded(
        r"\b(?:compet\w*|rivals?|rivalry|battl\w*|versus|vs\.?|against|races?|racing|vie[sd]?|vying"
        r"|outpac\w*|overtak\w*|catch(?:es|ing)? up|ahead of|trail\w*|lagg\w*|unlike|instead of"
        r"|rather than|compared|comparison|beat\w*|lawsuits?|sue[sd]?|suing|litigation|infring\w*"
        r"|invest(?:s|ed|ing|ment|ments|or|ors)? in|investment from|stakes? in|joint[- ]ventures?"
        r"|acquir\w*|acquisition|merg\w*|owned by|owns|subsidiar\w*|parent company|spin-?off"
        r"|spun off|takeover|took over|buyout|former employer|worked at|settle\w*)\b"
    ),
    re.IGNORECASE,
)
ANAPHOR = re.compile(
    r"^(?:(?:But|And|However|Meanwhile|Still|Now|Also|Moreover|Separately|In addition|Instead)"
    r",?\s+)?(?:[Tt]he (?:[\w'’-]+ ){0,3}(?:company|firm|group|chipmaker|foundry|supplier"
    r"|assembler|maker|manufacturer|designer|unit|division|arm|giant|carmaker|automaker|startup"
    r"|lab|vendor)|It|Its)\b"
)

TRIAL = re.compile(
    guarded(
        r"\b(?:samples?|sampling|for (?:verification|qualification|evaluation|validation|testing)"
        r"|to (?:test|evaluate|qualify))\b"
    ),
    re.IGNORECASE,
)
REFERENT_HEADS = (
    "company", "firm", "chipmaker", "foundry", "assembler", "supplier", "manufacturer",
    "carmaker", "automaker", "giant",
)  # fmt: skip
REFERENT = re.compile(
    guarded(r"\b(?:the|this) (?:[\w'’-]+ ){0,2}?(?:" + "|".join(REFERENT_HEADS) + r")\b(?!['’])")
)
CUES = Cues(NEGATED, PLANNED, REPORTED, NOT_YET, APART, ANAPHOR, TRIAL, REFERENT, REFERENT_HEADS)
GRAMMAR = Grammar("en", RULES, CUES)
EXTRA_RULES: tuple[Rule, ...] = ()
