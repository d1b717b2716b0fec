"""Sentence boundaries, good enough for evidence quotes in news text."""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "inc", "corp", "co", "ltd", "plc", "llc", "bhd", "mr", "mrs", "ms", "dr", "prof", "sr",
        "jr", "st", "no", "nos", "vs", "etc", "approx", "est", "dept", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.g", "i.e",
        "a.m", "p.m", "fig", "gen", "rev",
    }
)  # fmt: skip
# A longer run without a sentence end (a list, a table, a feed's text without full stops) is
# cut into pieces of at most this many characters, at a space: every step after splitting
# costs at most this much per piece, so work stays linear in the text.
MAX_SENTENCE = 1000
_BOUNDARY = re.compile(
    r"([.!?]+)([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9\u00C0-\u024F])|([。！？]+)"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of each sentence; newlines always end a sentence."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        start = line_start
        for match in _BOUNDARY.finditer(text, line_start, line_end):
            if match.group(4):
                end = match.end()
            else:
                if match.group(1) == ".":
                    word = _prev_word(text, start, match.start()).lower().rstrip(".")
                    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                        continue
                end = match.end(2)
            _append(text, spans, start, end)
            start = match.end()
        _append(text, spans, start, line_end)
        line_start = line_end + 1
    return spans


def _append(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        if cut < 0:
            cut = start + MAX_SENTENCE
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


def _prev_word(text: str, start: int, end: int) -> str:
    """The run of word characters and full stops that ends at ``end`` (not before ``start``):
    what ``([\\w.]+)$`` finds in ``text[start:end]``, without a search from every offset."""
    i = end
    while i > start and (text[i - 1].isalnum() or text[i - 1] in "_."):
        i -= 1
    return text[i:end]
