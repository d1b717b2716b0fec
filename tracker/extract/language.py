"""The language an article is written in, guessed from its script and its commonest words.

Enough to pick a grammar: Korean, Japanese and Chinese by their scripts (Hangul, then kana,
then Han characters), German and French by their function words, anything else as English.
Only the opening of the text is read.
"""

from __future__ import annotations

import re

SAMPLE = 3000  # characters read
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KANA = re.compile(r"[\u3041-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[a-zäöüßéèêàçôû]+")
_FUNCTION_WORDS = {
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "mit",
            "für",
            "von",
            "den",
            "dem",
            "des",
            "sich",
            "auch",
            "ein",
            "eine",
            "einen",
            "wird",
            "werden",
            "hat",
            "haben",
            "bei",
            "aus",
            "nach",
            "wie",
            "noch",
            "nur",
            "oder",
            "über",
            "zum",
            "zur",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "des",
            "est",
            "une",
            "pour",
            "avec",
            "dans",
            "qui",
            "du",
            "et",
            "sur",
            "au",
            "aux",
            "ses",
            "son",
            "sont",
            "pas",
            "plus",
            "par",
            "ce",
            "cette",
            "été",
            "leur",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "is",
            "for",
            "with",
            "that",
            "on",
            "are",
            "was",
            "as",
            "by",
            "from",
            "has",
            "have",
            "its",
            "will",
            "which",
        ]
    ),
}
_MIN_SCRIPT = 10  # characters of a script that make a page of that language


def guess_language(text: str) -> str:
    """``ko``, ``ja``, ``zh``, ``de``, ``fr`` or ``en`` (the default)."""
    sample = text[:SAMPLE]
    letters = sum(1 for ch in sample if ch.isalpha()) or 1
    hangul = len(_HANGUL.findall(sample))
    kana = len(_KANA.findall(sample))
    han = len(_HAN.findall(sample))
    if hangul >= _MIN_SCRIPT or hangul / letters > 0.3:
        return "ko"
    if kana >= _MIN_SCRIPT or (kana and (kana + han) / letters > 0.3):
        return "ja"
    if han >= 4 * _MIN_SCRIPT or han / letters > 0.3:
        return "zh"
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORD.findall(sample.lower()):
        for language, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[language] += 1
    best = max(counts, key=lambda language: (counts[language], language == "en"))
    return best if counts[best] > counts["en"] else "en"
