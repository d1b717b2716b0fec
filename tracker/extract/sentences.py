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
# Evidence quoted for a mention: its sentence when no longer than this, else a window of the
# sentence around the mention, so that what is kept per mention is bounded too.
MAX_EVIDENCE = 400
EVIDENCE_STEP = MAX_EVIDENCE // 4
_BOUNDARY = re.compile(
    r"([.!?]+)([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9\u00C0-\u024F])|([。！？]+)"
)
# What every boundary starts with. The engine tries ``_BOUNDARY`` at every position of a
# text; a search for these skips to the few where it can match, in one pass in C.
_STOP = re.compile(r"[.!?。！？]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of each sentence; newlines always end a sentence."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        start = line_start
        pos = line_start
        while (stop := _STOP.search(text, pos, line_end)) is not None:
            match = _BOUNDARY.match(text, stop.start(), line_end)
            if match is None:
                pos = stop.start() + 1
                continue
            pos = match.end()
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


def evidence_span(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The part of ``sentence`` quoted as the evidence of ``text[start:end]``: the sentence
    itself when it holds at most ``MAX_EVIDENCE`` characters, else about that many around the
    mention, cut at spaces. The windows start on a grid of ``EVIDENCE_STEP`` characters, so
    the mentions near one another share one window (and one copy of it)."""
    s_start, s_end = sentence
    if s_end - s_start <= MAX_EVIDENCE:
        return s_start, s_end
    steps = max(0, (start - s_start) // EVIDENCE_STEP - 1)
    w_start = s_start + steps * EVIDENCE_STEP
    w_end = min(s_end, max(end, w_start + MAX_EVIDENCE))
    if w_start > s_start:
        space = text.find(" ", w_start, min(start, w_start + EVIDENCE_STEP))
        w_start = space + 1 if space >= 0 else w_start
    if w_end < s_end:
        space = text.rfind(" ", max(end, w_end - EVIDENCE_STEP), w_end)
        w_end = space if space >= 0 else w_end
    return w_start, w_end


def quote(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The text of ``evidence_span``."""
    w_start, w_end = evidence_span(text, sentence, start, end)
    return text[w_start:w_end]
