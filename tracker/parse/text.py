"""Small text helpers shared by the parsers."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from bs4 import BeautifulSoup

# Characters of an article's text that are kept and read by the extraction: longer texts (a
# feed's whole archive in one description, a page that is one endless list) are cut here, so
# that no single article costs more than a bounded amount of time and memory.
MAX_ARTICLE_CHARS = 200_000
_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLOCK_TAGS = ["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"]


def clean_text(text: str) -> str:
    """NFC-normalise, fold runs of spaces, trim each line, drop empty lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed summaries and content)."""
    if "<" not in fragment and "&" not in fragment:
        return clean_text(fragment)
    soup = BeautifulSoup(fragment, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_after("\n")
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    return clean_text(soup.get_text(""))


def content_hash(title: str, text: str) -> str:
    """A hash of the words of a text, insensitive to whitespace, case and punctuation."""
    words = re.findall(r"\w+", f"{title}\n{text}".casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def bounded_text(text: str, limit: int = MAX_ARTICLE_CHARS) -> tuple[str, str | None]:
    """``text`` cut to at most ``limit`` characters (at a line end or space when there is
    one in its last tenth), with a note saying so; the text as it is when it fits."""
    if len(text) <= limit:
        return text, None
    floor = limit - limit // 10
    cut = max(text.rfind("\n", floor, limit), text.rfind(" ", floor, limit))
    kept = text[: cut if cut > 0 else limit].rstrip()
    return kept, f"text cut to its first {len(kept):,} of {len(text):,} characters"
