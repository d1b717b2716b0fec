"""The language an article is written in, guessed from its script and its commonest words.

Enough to pick a grammar: Korean, Japanese and Chinese by their scripts (Hangul, then kana,
then Han characters), German and French by their function words, anything else as English.
Only the opening of the text is read.
"""

from __future__ import annotations

import re

SAMPLE = 1500  # characters read
LATIN_SAMPLE = 1000  # of which the function words are counted in
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KANA = re.compile(r"[\u3041-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# The commonest function words of each language, as whole words.
_FUNCTION_WORDS = {
    "de": ("der", "die", "das", "und", "ist", "nicht", "mit", "für", "von", "den", "dem", "sich"),
    "fr": ("le", "la", "les", "des", "est", "une", "pour", "avec", "dans", "qui", "du", "et"),
    "en": ("the", "and", "of", "to", "is", "for", "with", "that", "on", "are", "was", "from"),
}
_NOT_LETTERS = re.compile(r"[^\w]+")
# Words of German and French that English text hardly has; one of them is worth a count.
_TELLING = (
    "der", "und", "das", "nicht", "von", "seit", "seine", "wird", "sind",
    "les", "et", "des", "est", "une", "dans", "pour", "avec",
)  # fmt: skip
_CJK = re.compile(r"[\u3041-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")
_ACCENTED = re.compile(r"[äöüßéèêàçâôûîëïÄÖÜÉÈÀÇ]")
_MIN_SCRIPT = 10  # characters of a script that make a page of that language


def guess_language(text: str) -> str:
    """``ko``, ``ja``, ``zh``, ``de``, ``fr`` or ``en`` (the default)."""
    sample = text[:SAMPLE]
    letters = len(sample) - sample.count(" ") or 1
    cjk = len(_CJK.findall(sample))
    if cjk < _MIN_SCRIPT and cjk / letters <= 0.3:  # a few names in brackets: not CJK text
        lowered = sample.lower()
        if _ACCENTED.search(sample) or any(f" {w} " in lowered for w in _TELLING):
            return _latin(sample)
        return "en"
    hangul = len(_HANGUL.findall(sample))
    if hangul >= _MIN_SCRIPT or hangul / letters > 0.3:
        return "ko"
    kana = len(_KANA.findall(sample))
    han = len(_HAN.findall(sample))
    if kana >= _MIN_SCRIPT or (kana and (kana + han) / letters > 0.3):
        return "ja"
    if han >= 4 * _MIN_SCRIPT or han / letters > 0.3:
        return "zh"
    return _latin(sample)


def _latin(sample: str) -> str:
    words = f" {_NOT_LETTERS.sub(' ', sample[:LATIN_SAMPLE].lower())} "
    counts = {
        language: sum(words.count(f" {word} ") for word in function_words)
        for language, function_words in _FUNCTION_WORDS.items()
    }
    best = max(counts, key=lambda language: (counts[language], language == "en"))
    return best if counts[best] > counts["en"] else "en"
