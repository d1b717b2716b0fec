"""Listing pages without feeds: find the repeated block of article links, with titles and dates.

The detection needs no rules in the common case. Every link is grouped with the links that
sit at the same place in the page's structure (the chain of ancestor tags and classes, with
positions removed), each group is scored as a list of articles (headline-like text, same-site
article-like URLs, dates in the card, outside navigation chrome), and the best group wins.
Its structure becomes the listing's ``signature``; a different signature on a later fetch, or
no items at all, means the page changed layout (issue 8).

A CSS selector or an XPath expression overrides the detection and names the links directly.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import soupsieve
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from lxml import etree

from tracker.errors import UsageError
from tracker.parse.dates import (
    date_from_url,
    find_date,
    find_date_span,
    infer_dayfirst,
    parse_datetime,
)
from tracker.parse.encoding import decode_html
from tracker.parse.html import Element, html_document
from tracker.parse.text import clean_text
from tracker.parse.urls import absolute_url

__all__ = [
    "Listing",
    "ListingItem",
    "extract_listing",
    "layout_changed",
]

DateSource = Literal["listing", "url"]

MIN_QUALITY = 0.35  # below this, a group is not a list of articles
MIN_SINGLE_QUALITY = 0.6  # a lone link must look very much like an article
MAX_CARD_LEVELS = 8  # how far above a link its card may reach
CARD_TEXT_CHARS = 600  # text read from a card when looking for a date or a title
OUTLIER_RATIO = 0.6  # a link scoring under this share of its group's best is not one of them
MAX_DATE_LINE_WORDS = 16  # longer lines are prose: a date there is not the item's date
MAX_DATE_LINE_OTHER_WORDS = 6  # "Posted on ... by Hana Okafor": a line that is mostly a date
PICK_ATTR = "data-tracker-pick"


@dataclass(frozen=True, slots=True)
class ListingItem:
    """One article link found on a listing page (URL absolute, fragment dropped)."""

    url: str
    title: str
    published_at: datetime | None
    date_source: DateSource | None


@dataclass(slots=True)
class Listing:
    """The article links of a listing page and a fingerprint of where they were found.

    ``signature`` is stable while the page keeps its layout; ``block`` describes the block
    for people; ``next_url`` is the next page of a paginated list, when it has one.
    """

    items: list[ListingItem] = field(default_factory=list)
    signature: str = ""
    block: str = "no article links found"
    next_url: str | None = None


# --- parsing ---------------------------------------------------------------------------------


def _document_base(root: Element, base_url: str) -> str:
    for base in root.iter("base"):
        href = base.get("href")
        if href and href.strip():
            return urljoin(base_url, str(href).strip())
    return base_url


def _link_url(base: str, href: str | None) -> str | None:
    url = absolute_url(base, href)
    if url is None:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _text(el: Element) -> str:
    return clean_text(" ".join(el.itertext())).replace("\n", " ")


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _same_site(url: str, base_host: str) -> bool:
    host = _host(url)
    if not host or not base_host:
        return False
    if host == base_host or host.endswith("." + base_host) or base_host.endswith("." + host):
        return True
    # ir.example.com and news.example.com belong to one site
    return host.split(".")[-2:] == base_host.split(".")[-2:] and host.count(".") >= 1


# --- what a link looks like -------------------------------------------------------------------

_STATE_CLASS = re.compile(
    r"^(?:is|has|js)-|(?:^|[-_])(?:active|current|selected|first|last|odd|even|open|hidden|"
    r"visible|new|featured|highlight|highlighted|sticky|pinned|lazy|loaded|hover)$"
)
_CHROME_TAGS = {"nav", "aside", "menu"}
_CHROME_ROLES = {
    "navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "search",
}  # fmt: skip
_CHROME_PARTS = {
    "nav", "navbar", "navigation", "menu", "menubar", "submenu", "megamenu", "footer",
    "header", "masthead", "sidebar", "breadcrumb", "breadcrumbs", "pagination", "pager",
    "paging", "social", "share", "sharing", "tags", "tagcloud", "widget", "toolbar", "skip",
    "cookie", "cookies", "topbar", "subnav", "utility", "legal", "lang", "language",
    "languages", "locale", "drawer", "offcanvas", "dropdown", "related", "popular",
    "trending", "most", "sitemap",
}  # fmt: skip
_CONTENT_PARTS = {"card", "post", "entry", "article", "item", "story", "teaser", "release",
                  "headline", "title"}  # fmt: skip
_CARD_TAGS = {"article", "li", "tr", "dd"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BAD_SEGMENTS = {
    "tag", "tags", "category", "categories", "topic", "topics", "author", "authors", "page",
    "search", "login", "signin", "sign-in", "register", "subscribe", "contact", "contact-us",
    "about", "about-us", "privacy", "privacy-policy", "terms", "terms-of-use", "cookies",
    "cookie-policy", "sitemap", "feed", "rss", "careers", "jobs", "accessibility", "legal",
}  # fmt: skip
_SOCIAL_HOSTS = (
    "twitter.com", "x.com", "facebook.com", "linkedin.com", "youtube.com", "instagram.com",
    "weibo.com", "weixin.qq.com", "t.me", "tiktok.com", "threads.net", "bsky.app",
    "reddit.com", "pinterest.com", "github.com", "wa.me", "line.me",
)  # fmt: skip
_GENERIC_WORDS = {
    "read", "more", "view", "learn", "see", "continue", "continued", "reading", "full", "story",
    "release", "article", "details", "detail", "download", "open", "pdf", "html", "here",
    "click", "link", "kb", "mb", "the", "go", "to", "all", "news", "this",
}  # fmt: skip
_ARTICLE_EXT = re.compile(r"\.(?:s?html?|pdf|aspx?|php|jsp|cfm)$", re.I)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_DATE_CLASS = re.compile(r"date|time|publish|posted|meta|when|day", re.I)
_NEXT_TEXT = re.compile(
    r"(?:next|older|earlier)(?:\s+(?:page|posts|entries|stories|news|articles|releases|items))?"
    r"\s*[›»>→]*|[›→]|下一页|下一頁|次へ|次のページ|다음",
    re.I,
)
_NEXT_CLASS = re.compile(r"(?:^|[-_ ])(?:next|older)(?:$|[-_ ])", re.I)


def _class_tokens(el: Element) -> list[str]:
    return (el.get("class") or "").split()


_NAME = re.compile(r"[A-Za-z_][\w-]*")


def _stable_classes(el: Element) -> set[str]:
    return {
        t
        for t in _class_tokens(el)
        if _NAME.fullmatch(t)
        and "--" not in t
        and not any(c.isdigit() for c in t)
        and not _STATE_CLASS.search(t)
    }


def _label(el: Element, shared: set[str] | None = None) -> str:
    """The tag, stable id and stable classes of an element: ``div#content``, ``article.card``;
    a table cell also carries its column (``td@3``), which gives it its role.

    ``shared`` are the classes that all of a run of same-tag siblings have: only those count,
    so per-item classes (WordPress' ``category-supply tag-hbm``) do not split a list.
    """
    classes = _stable_classes(el)
    tokens = sorted(classes if shared is None else classes & shared)
    label = str(el.tag)
    ident = (el.get("id") or "").strip()
    # ids with digits or slug-like ids name one item (post-123, kestrel-opens-penang-site)
    is_stable = not any(c.isdigit() for c in ident) and len(re.split(r"[-_]", ident)) <= 2
    if _NAME.fullmatch(ident) and is_stable:
        label += "#" + ident
    parent = el.getparent()
    if el.tag in ("td", "th") and parent is not None:
        cells = [cell for cell in parent if isinstance(cell.tag, str)]
        label += f"@{cells.index(el) + 1}"
    return ".".join([label, *tokens])


def _is_chrome(el: Element, in_card: bool) -> bool:
    """Whether ``el`` is page furniture: navigation, header, footer, sidebar, sharing..."""
    tag = el.tag
    if tag in _CHROME_TAGS:
        return True
    if tag in ("header", "footer") and not in_card:
        return True
    if (el.get("role") or "").lower() in _CHROME_ROLES:
        return True
    for token in [*_class_tokens(el), el.get("id") or ""]:
        parts = set(re.split(r"[-_\s]+", token.lower()))
        if parts & _CHROME_PARTS and not parts & _CONTENT_PARTS:
            return True
    return False


def _word_count(text: str) -> int:
    return len(re.findall(r"[^\W\d_][\w'’-]*|\d+", text)) + len(_CJK.findall(text)) // 2


def _is_generic(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    return not words or (len(words) <= 4 and all(w in _GENERIC_WORDS for w in words))


def _headline_score(words: int) -> float:
    if words > 40:
        return 0.5
    return {0: 0.0, 1: 0.05, 2: 0.2, 3: 0.5, 4: 0.85}.get(words, 1.0)


def _slug_score(url: str) -> float:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return 0.6 if re.search(r"(?:^|&)\w*id=\w+", parts.query) else 0.0
    last = _ARTICLE_EXT.sub("", segments[-1])
    if len(re.split(r"[-_]+", last)) >= 3:
        return 1.0
    if re.search(r"\d{4,}", last) or re.search(r"(?:^|&)\w*id=\w+", parts.query):
        return 0.8
    if _ARTICLE_EXT.search(segments[-1]):
        return 0.7
    if len(segments) >= 3:
        return 0.6
    return 0.2


def _is_bad_url(url: str) -> bool:
    """Tag, category, author, paging, account and legal pages, and social networks."""
    parts = urlsplit(url)
    host = _host(url)
    if any(host == s or host.endswith("." + s) for s in _SOCIAL_HOSTS):
        return True
    if re.search(r"(?:^|&)(?:page|paged|p)=\d+", parts.query):
        return True
    segments = [s.lower() for s in parts.path.split("/") if s]
    if not segments:
        return True
    last_tokens = len(re.split(r"[-_]+", _ARTICLE_EXT.sub("", segments[-1])))
    return any(s in _BAD_SEGMENTS for s in segments) and last_tokens < 4


# --- the page's links -------------------------------------------------------------------------


@dataclass(slots=True)
class _Link:
    el: Element
    url: str
    key: str  # ancestor chain of labels, positions removed
    order: int
    text: str
    chrome: bool
    in_heading: bool


class _Page:
    """Per-element facts computed once: structural path, chrome, heading ancestry."""

    def __init__(self, root: Element, base_url: str) -> None:
        self.root = root
        self.base = base_url
        self.base_host = _host(base_url)
        self._path: dict[Element, str] = {}
        self._chrome: dict[Element, bool] = {}
        self._in_card: dict[Element, bool] = {}
        self._heading: dict[Element, bool] = {}
        self._shared: dict[tuple[Element, object], set[str] | None] = {}

    def _shared_classes(self, el: Element) -> set[str] | None:
        parent = el.getparent()
        if parent is None:
            return None
        key = (parent, el.tag)
        if key not in self._shared:
            siblings = [_stable_classes(s) for s in parent if s.tag == el.tag]
            common = set.intersection(*siblings)
            # repeated items share a class; a lone pair or unrelated blocks keep their own
            self._shared[key] = common if len(siblings) >= 3 and common else None
        return self._shared[key]

    def facts(self, el: Element) -> tuple[str, bool, bool, bool]:
        if el in self._path:
            return self._path[el], self._chrome[el], self._in_card[el], self._heading[el]
        chain = [el]
        parent = el.getparent()
        while parent is not None and parent not in self._path:
            chain.append(parent)
            parent = parent.getparent()
        if parent is None:
            path, chrome, in_card, heading = "", False, False, False
        else:
            path, chrome = self._path[parent], self._chrome[parent]
            in_card, heading = self._in_card[parent], self._heading[parent]
        for node in reversed(chain):
            label = _label(node, self._shared_classes(node))
            path = f"{path}>{label}" if path else label
            chrome = chrome or _is_chrome(node, in_card)
            in_card = in_card or node.tag in _CARD_TAGS
            heading = heading or node.tag in _HEADINGS
            self._path[node] = path
            self._chrome[node] = chrome
            self._in_card[node] = in_card
            self._heading[node] = heading
        return path, chrome, in_card, heading

    def links(self) -> list[_Link]:
        page = _link_url(self.base, self.base)
        found: list[_Link] = []
        for order, el in enumerate(self.root.iter("a")):
            url = _link_url(self.base, el.get("href"))
            if url is None or url == page:
                continue
            path, chrome, _, heading = self.facts(el)
            text = _link_text(el)
            heading = heading or any(True for _ in el.iter(*_HEADINGS))
            found.append(_Link(el, url, path, order, text, chrome, heading))
        return found


def _cards(links: list[_Link]) -> list[Element]:
    """Each link's card: its highest ancestor that holds no link to another URL of the set."""
    owner: dict[Element, str | None] = {}  # the one URL linked below a node, None if several
    for link in links:
        node = link.el
        while node is not None:
            if node not in owner:
                owner[node] = link.url
            elif owner[node] == link.url or owner[node] is None:
                break
            else:
                while node is not None and owner.get(node, "") is not None:
                    owner[node] = None
                    node = node.getparent()
                break
            node = node.getparent()
    single = len({link.url for link in links}) == 1
    limit = 3 if single else MAX_CARD_LEVELS
    cards: list[Element] = []
    for link in links:
        card = link.el
        for level, node in enumerate(link.el.iterancestors(), start=1):
            if level > limit or node.tag in ("body", "html", "main") or owner.get(node) is None:
                break
            card = node
        cards.append(card)
    return cards


_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "td", "th", "tr", "table", "tbody", "thead", "dl", "dt", "dd",
    "section", "article", "header", "footer", "figure", "figcaption", "blockquote", "br", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip


def _segments(card: Element, skip: Element | None, limit: int = CARD_TEXT_CHARS) -> list[str]:
    """The lines of text of ``card`` (one per block element) in document order, leaving out
    ``skip`` (but not the text that follows it)."""
    segments: list[str] = []
    current: list[str] = []
    total = 0

    def flush() -> None:
        text = clean_text(" ".join(current)).replace("\n", " ")
        if text:
            segments.append(text)
        current.clear()

    stack: list[tuple[Element, bool]] = [(card, False)]
    while stack and total < limit:
        node, closing = stack.pop()
        is_element = isinstance(node.tag, str)
        if closing:
            if is_element and node.tag in _BLOCK_TAGS:
                flush()
            if node is not card and node.tail:
                current.append(node.tail)
                total += len(node.tail)
            continue
        stack.append((node, True))
        if not is_element or node is skip:
            continue
        if node.tag in _BLOCK_TAGS:
            flush()
        if node.text:
            current.append(node.text)
            total += len(node.text)
        stack.extend((child, False) for child in reversed(node))
    flush()
    return segments


def _card_text(card: Element, skip: Element | None) -> str:
    return " ".join(_segments(card, skip))


def _time_value(el: Element, dayfirst: bool | None, local_tz: tzinfo) -> datetime | None:
    for attr in ("datetime", "content", "data-date", "title"):
        value = el.get(attr)
        if value:
            parsed = parse_datetime(value, local_tz=local_tz)
            if parsed is not None:
                return parsed
    return find_date(_text(el), dayfirst=dayfirst, local_tz=local_tz)


def _card_date(
    card: Element, link: Element, dayfirst: bool | None, local_tz: tzinfo
) -> datetime | None:
    """The date written in a card: a <time>, an element classed as a date, else its text
    outside the link (a headline may name another date)."""
    for el in card.iter("time"):
        found = _time_value(el, dayfirst, local_tz)
        if found is not None:
            return found
    for el in card.iter():
        if not isinstance(el.tag, str) or el is link:
            continue
        marker = " ".join([el.get("class") or "", el.get("itemprop") or ""])
        if _DATE_CLASS.search(marker) and el not in link.iterancestors():
            found = _time_value(el, dayfirst, local_tz)
            if found is not None:
                return found
    # A line that is mostly a date (a cell, "Posted on ... by ...") before any short line
    # that mentions one; a date in a longer line is prose ("until 31 March 2027").
    dated: list[tuple[int, datetime]] = []
    for line in _segments(card, _title_part(link)):
        if _word_count(line) > MAX_DATE_LINE_WORDS:
            continue
        span = find_date_span(line, dayfirst=dayfirst, local_tz=local_tz)
        if span is not None:
            at, start, end = span
            other_words = _word_count(line[:start] + " " + line[end:])
            if other_words <= MAX_DATE_LINE_OTHER_WORDS:
                return at
            dated.append((other_words, at))
    return dated[0][1] if dated else None


def _title_part(link: Element) -> Element:
    """The part of a link that holds its headline: the link itself, or the heading inside a
    link that wraps a whole card (heading, excerpt and date in one <a>)."""
    if any(isinstance(el.tag, str) and el.tag in _BLOCK_TAGS for el in link.iterdescendants()):
        for heading in link.iter(*_HEADINGS):
            return heading
    return link


def _link_text(link: Element) -> str:
    return _text(_title_part(link))


Direction = Literal["before", "after"]


def _neighbour_text(card: Element, direction: Direction, anchors: set[Element]) -> str:
    """Text beside a card that has no wrapper of its own, up to the next item's link."""
    pieces: list[str] = []
    if direction == "after" and card.tail:
        pieces.append(card.tail)
    node = card.getnext() if direction == "after" else card.getprevious()
    while node is not None and len(pieces) < 4:
        if direction == "before" and node.tail:
            pieces.append(node.tail)
        if isinstance(node.tag, str):
            if any(a in anchors for a in node.iter("a")):
                break
            pieces.append(_text(node))
        if direction == "after" and node.tail:
            pieces.append(node.tail)
        node = node.getnext() if direction == "after" else node.getprevious()
    if direction == "before":
        parent = card.getparent()
        if node is None and parent is not None and parent.text:
            pieces.append(parent.text)
        pieces.reverse()
    return " ".join(pieces)[:CARD_TEXT_CHARS]


def _title(link: _Link, card: Element) -> tuple[str, bool]:
    """The item's title and whether it came from the link's own text."""
    own = link.text
    if own and not _is_generic(own) and _word_count(own) >= 3:
        return own, True
    headings = [_text(h) for h in card.iter(*_HEADINGS)]
    headings = [h for h in headings if _word_count(h) >= 2]
    if headings:
        return max(headings, key=len), False
    for attr in ("title", "aria-label"):
        value = clean_text(link.el.get(attr) or "")
        if value and not _is_generic(value):
            return value, False
    for img in link.el.iter("img"):
        alt = clean_text(img.get("alt") or "")
        if alt and _word_count(alt) >= 2:
            return alt, False
    if not own or _is_generic(own):
        pieces = [p for p in _segments(card, link.el) if _word_count(p) >= 3 and not find_date(p)]
        if pieces:
            return max(pieces, key=len), False
    return own or link.url, bool(own)


# --- scoring groups ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    key: str
    links: list[_Link]
    quality: float = 0.0
    score: float = 0.0


def _item_qualities(page: _Page, links: list[_Link]) -> dict[str, float]:
    """How much each URL of a group looks like an article in a list, from 0 to 1."""
    cards = _cards(links)
    dayfirst = infer_dayfirst(_card_text(c, None) for c in cards)
    qualities: dict[str, float] = {}
    for link, card in zip(links, cards, strict=True):
        if link.url in qualities:
            continue
        title, own = _title(link, card)
        # a title borrowed from a heading or an image marks the companion link, not the list
        headline = _headline_score(_word_count(title)) * (1.0 if own else 0.6)
        dated = _card_date(card, link.el, dayfirst, UTC) is not None
        quality = (
            0.40 * headline
            + 0.20 * _slug_score(link.url)
            + 0.20 * dated
            + 0.10 * _same_site(link.url, page.base_host)
            + 0.10 * link.in_heading
        )
        if link.chrome:
            quality *= 0.15
        if _is_bad_url(link.url):
            quality *= 0.2
        qualities[link.url] = quality
    return qualities


def _evaluate(page: _Page, links: list[_Link]) -> tuple[list[_Link], float]:
    """The links of a group worth keeping and their mean quality.

    Links that share a structural path but not a role (a "(PDF)" link beside the headline
    in the same list item, a sidebar list built like the main one) score far below the
    group's best; they are dropped and the rest scored again without them, since their
    presence also hid each item's card.
    """
    qualities = _item_qualities(page, links)
    ranked = sorted(qualities.values())
    reference = ranked[(3 * len(ranked)) // 4]
    kept = [link for link in links if qualities[link.url] >= OUTLIER_RATIO * reference]
    if len(kept) == len(links):
        return links, sum(ranked) / len(ranked)
    qualities = _item_qualities(page, kept)
    return kept, sum(qualities.values()) / len(qualities)


def _common_ancestor(elements: list[Element]) -> Element | None:
    if not elements:
        return None
    chain = [elements[0], *elements[0].iterancestors()]
    depth = {el: i for i, el in enumerate(chain)}
    lowest = 0
    for el in elements[1:]:
        node = el
        while node is not None and node not in depth:
            node = node.getparent()
        if node is None:
            return None
        lowest = max(lowest, depth[node])
    return chain[lowest]


def _first_segment(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[0] if len(segments) > 1 else ""


def _merge_strays(page: _Page, best: _Group, groups: list[_Group]) -> list[_Link]:
    """Add article links of the same block in other markup (a lead story, a wider card)."""
    cards = _cards(best.links)
    container = _common_ancestor(cards)
    if container is None:
        return best.links
    if len(cards) > 1 and container in cards:
        container = container.getparent()
    region = container.getparent() if container.getparent() is not None else container
    if region.tag in ("html", "body"):
        region = container
    urls = {link.url for link in best.links}
    segments = Counter(_first_segment(link.url) for link in best.links)
    segment, count = segments.most_common(1)[0]
    merged = list(best.links)
    for group in groups:
        if group is best:
            continue
        for link in group.links:
            if (
                link.url in urls
                or link.chrome
                or _is_bad_url(link.url)
                or _is_generic(link.text)
                or _word_count(link.text) < 4
                or not _same_site(link.url, page.base_host)
                or _slug_score(link.url) < 0.6
                or (count >= 0.6 * len(best.links) and _first_segment(link.url) != segment)
                or region not in link.el.iterancestors()
            ):
                continue
            urls.add(link.url)
            merged.append(link)
    merged.sort(key=lambda link: link.order)
    return merged


def _short_path(key: str, levels: int = 5) -> str:
    return " > ".join(key.split(">")[-levels:])


def _signature(best: _Group, cards: list[Element], page: _Page) -> str:
    """Tags (no classes) down to the block's container, then tags and classes to the link."""
    container = _common_ancestor(cards) if len(cards) > 1 else cards[0].getparent()
    if container is None:
        return best.key
    if len(cards) > 1 and container in cards:
        container = container.getparent()
    outer = page.facts(container)[0].split(">")
    inner = best.key.split(">")[len(outer) - 1 :]
    return ">".join([*(label.split(".")[0] for label in outer[:-1]), *inner])


# --- the listing ------------------------------------------------------------------------------


def _items(
    links: list[_Link],
    page: _Page,
    local_tz: tzinfo,
    named_cards: dict[Element, Element] | None = None,
) -> list[ListingItem]:
    """Items in document order, one per URL; ``named_cards`` fixes some links' cards."""
    unique: list[_Link] = []
    seen: set[str] = set()
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            unique.append(link)
    named_cards = named_cards or {}
    cards = [
        named_cards.get(link.el, card) for link, card in zip(unique, _cards(unique), strict=True)
    ]
    dayfirst = infer_dayfirst(_card_text(c, None) for c in cards)
    dates = [
        _card_date(card, link.el, dayfirst, local_tz)
        for card, link in zip(cards, unique, strict=True)
    ]
    # Items with no wrapper of their own: the date sits beside them, before or after;
    # one direction for the whole list, the one that dates more items.
    bare = [i for i, date in enumerate(dates) if date is None]
    if bare:
        anchors = {link.el for link in unique}
        found: dict[Direction, list[datetime | None]] = {
            direction: [
                find_date(
                    _neighbour_text(cards[i], direction, anchors),
                    dayfirst=dayfirst,
                    local_tz=local_tz,
                )
                for i in bare
            ]
            for direction in ("before", "after")
        }
        hits = {d: sum(v is not None for v in values) for d, values in found.items()}
        best: Direction = "after" if hits["after"] > hits["before"] else "before"
        for i, value in zip(bare, found[best], strict=True):
            dates[i] = value
    items: list[ListingItem] = []
    for link, card, date in zip(unique, cards, dates, strict=True):
        title, _ = _title(link, card)
        source: DateSource | None = "listing" if date is not None else None
        if date is None:
            date = date_from_url(link.url)
            source = "url" if date is not None else None
        items.append(ListingItem(link.url, title, date, source))
    return items


def _next_url(page: _Page, items: set[str]) -> str | None:
    for el in page.root.iter("link"):
        if "next" in (el.get("rel") or "").lower().split():
            url = _link_url(page.base, el.get("href"))
            if url:
                return url
    current = _link_url(page.base, page.base)
    by_rel: str | None = None
    by_class: str | None = None
    by_text: str | None = None
    for el in page.root.iter("a"):
        url = _link_url(page.base, el.get("href"))
        if url is None or url == current or url in items or not _same_site(url, page.base_host):
            continue
        rel = (el.get("rel") or "").lower().split()
        classes = " ".join(_class_tokens(el)).lower()
        text = _text(el)
        if "next" in rel and by_rel is None:
            by_rel = url
        elif _NEXT_CLASS.search(classes) and by_class is None:
            by_class = url
        elif text and _NEXT_TEXT.fullmatch(text):
            by_text = by_text or url
    return by_rel or by_class or by_text


def _strip_furniture(root: Element) -> None:
    etree.strip_elements(root, "script", "style", "noscript", "template", with_tail=False)
    etree.strip_tags(root, etree.Comment)


def extract_listing(
    html: str | bytes,
    base_url: str,
    *,
    selector: str | None = None,
    xpath: str | None = None,
    local_tz: tzinfo = UTC,
) -> Listing:
    """The article links of a listing page, each with its title and date.

    Without ``selector`` or ``xpath`` the repeated block of article links is detected. With
    one of them, exactly the elements it names are taken: links, or cards whose main link
    is taken. Dates come from the card (a <time>, a date in its text or table row), else from
    the URL; times written without a zone are read in ``local_tz``. A page with no links
    gives an empty listing; a malformed selector or XPath raises UsageError.
    """
    if selector is not None and xpath is not None:
        raise UsageError("listing: give a CSS selector or an XPath expression, not both")
    if selector is not None:
        html = _mark_css(html, selector)
    root = html_document(html)
    if root is None:
        return Listing()
    _strip_furniture(root)
    page = _Page(root, _document_base(root, base_url))
    if selector is not None or xpath is not None:
        return _picked(page, selector, xpath, local_tz)
    links = page.links()
    by_key: dict[str, list[_Link]] = {}
    for link in links:
        by_key.setdefault(link.key, []).append(link)
    groups: list[_Group] = []
    for key, members in by_key.items():
        distinct = len({link.url for link in members})
        kept, quality = _evaluate(page, members)
        distinct = len({link.url for link in kept})
        group = _Group(key, kept, quality, quality * math.log2(1 + distinct))
        if group.quality >= (MIN_QUALITY if distinct > 1 else MIN_SINGLE_QUALITY):
            groups.append(group)
    if not groups:
        return Listing(next_url=_next_url(page, set()))
    best = max(groups, key=lambda g: (g.score, -g.links[0].order))
    chosen = _merge_strays(page, best, groups)
    items = _items(chosen, page, local_tz)
    cards = _cards(best.links)
    extra = len(items) - len({link.url for link in best.links})
    block = f"{len(items) - extra} links at {_short_path(best.key)}"
    if extra:
        block += f", plus {extra} beside them in other markup"
    return Listing(
        items=items,
        signature=_signature(best, cards, page),
        block=block,
        next_url=_next_url(page, {item.url for item in items}),
    )


# --- overrides --------------------------------------------------------------------------------


def _mark_css(html: str | bytes, selector: str) -> str:
    """The document with the elements ``selector`` names marked, through soupsieve."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(decode_html(html), "lxml")
    try:
        picked = soupsieve.select(selector, soup)
    except (soupsieve.SelectorSyntaxError, ValueError, NotImplementedError) as exc:
        raise UsageError(f"listing: invalid CSS selector {selector!r} ({exc})") from exc
    for i, tag in enumerate(picked):
        tag[PICK_ATTR] = str(i)
    return str(soup)


def _main_link(el: Element) -> Element | None:
    if el.tag == "a" and el.get("href"):
        return el
    anchors = [a for a in el.iter("a") if a.get("href")]
    if not anchors:
        return None
    in_heading = [a for a in anchors if any(p.tag in _HEADINGS for p in a.iterancestors())]
    return (in_heading or sorted(anchors, key=lambda a: -len(_text(a))))[0]


def _picked(page: _Page, selector: str | None, xpath: str | None, local_tz: tzinfo) -> Listing:
    if selector is not None:
        targets = [el for el in page.root.iter() if isinstance(el.tag, str) and el.get(PICK_ATTR)]
        how, what = "css", selector
    else:
        assert xpath is not None
        try:
            result = page.root.xpath(xpath)
        except (etree.XPathError, ValueError) as exc:
            raise UsageError(f"listing: invalid XPath {xpath!r} ({exc})") from exc
        targets = []
        for value in result if isinstance(result, list) else []:
            if isinstance(value, etree._Element):
                targets.append(value)
            elif hasattr(value, "getparent") and value.getparent() is not None:
                targets.append(value.getparent())  # //a/@href names the link
        how, what = "xpath", xpath
    links: list[_Link] = []
    cards: dict[Element, Element] = {}
    order = {el: i for i, el in enumerate(page.root.iter())}
    for target in targets:
        anchor = _main_link(target)
        if anchor is None:
            continue
        url = _link_url(page.base, anchor.get("href"))
        if url is None:
            continue
        path, chrome, _, heading = page.facts(anchor)
        links.append(
            _Link(anchor, url, path, order.get(anchor, 0), _link_text(anchor), chrome, heading)
        )
        if target is not anchor:
            cards[anchor] = target  # the named element is the card
    items = _items(links, page, local_tz, cards)
    kind = "CSS selector" if how == "css" else "XPath"
    return Listing(
        items=items,
        signature=f"{how}:{what}",
        block=f"{len(items)} links named by {kind} {what!r}",
        next_url=_next_url(page, {item.url for item in items}),
    )


def layout_changed(old_signature: str | None, new: Listing) -> bool:
    """Whether a page source stopped yielding what it used to: no items now, or the block
    was found in a different structure than last time (``old_signature``; None at first)."""
    if not new.items:
        return True
    return old_signature is not None and old_signature != new.signature
