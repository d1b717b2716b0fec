"""Article text as HTML: every vendor and product mention marked, evidence sentences marked,
everything else escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape


def _pattern(surfaces: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({s for s in surfaces if s.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


def mark_names(text: str, names: Mapping[str, tuple[str, str]]) -> Markup:
    """``text`` escaped, each surface of ``names`` (surface -> (css class, title)) in a mark."""
    pattern = _pattern(names)
    if pattern is None:
        return escape(text)
    out: list[str] = []
    at = 0
    for match in pattern.finditer(text):
        css, title = names[match.group(1)]
        out.append(str(escape(text[at : match.start()])))
        out.append(f'<mark class="{css}" title="{escape(title)}">{escape(match.group(1))}</mark>')
        at = match.end()
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def mark_text(
    text: str, names: Mapping[str, tuple[str, str]], evidence: Iterable[str]
) -> list[Markup]:
    """The paragraphs of ``text``, names marked, and each evidence sentence found in a
    paragraph wrapped in ``<span class="evidence">``."""
    sentences = sorted({s.strip() for s in evidence if s.strip()}, key=len, reverse=True)
    paragraphs: list[Markup] = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            continue
        spans: list[tuple[int, int]] = []
        for sentence in sentences:
            start = paragraph.find(sentence)
            end = start + len(sentence)
            if start >= 0 and not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
        out: list[str] = []
        at = 0
        for start, end in sorted(spans):
            out.append(str(mark_names(paragraph[at:start], names)))
            marked = mark_names(paragraph[start:end], names)
            out.append(f'<span class="evidence">{marked}</span>')
            at = end
        out.append(str(mark_names(paragraph[at:], names)))
        paragraphs.append(Markup("".join(out)))
    return paragraphs
