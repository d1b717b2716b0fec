"""The language of a page, cheaply: the script of its letters, else its most common words.

Chinese, Japanese and Korean are told by script (kana means Japanese, hangul Korean, han
alone Chinese). Languages in Latin script are told by how many of the text's words are
among the most frequent function words of each language; a text with too few of them is
"" (unknown). Only the first few thousand characters are read: a page has one language.
"""

from __future__ import annotations

import re
from collections import Counter


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SAMPLE = 2000
_WORD = re.compile(r"[^\W\d_]+")
# In ASCII text the letters are a-z and A-Z: every other character separates words.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_LETTERS = bytes(i if chr(i).isalpha() else 32 for i in range(256))
# The commonest function words of each language (articles, prepositions, conjunctions,
# pronouns, auxiliaries); words shared by two of the languages are left out.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the of and to is that for with as was on are by this from at be have it not which "
        "or an has were but its their they will would been said"
    ),
    "de": _words(
        "der die und den das ist nicht mit sich des auf für dem ein eine auch als nach wird "
        "bei einer um noch wie über aus sind zu im wurde werden oder von seit seine seinen "
        "zum zur vom beim dass hat haben"
    ),
    "fr": _words(
        "le la les des et est une dans du pour qui pas sur au avec ce sont par plus ont aux "
        "été cette mais elle ses leur nous vous"
    ),
    "es": _words(
        "el los las del y en que es por una con para como más pero sus fue entre cuando "
        "muy sin sobre también hasta desde esta está"
    ),
    "it": _words(
        "il di che è della per gli delle nel alla sono del dei una anche più con non come "
        "degli nella ha questo essere sulla tra"
    ),
    "pl": _words(
        "i w na z się nie do to że jest o jak po przez od za dla oraz jego ale tak być "
        "roku który które został jej tym"
    ),
    "pt": _words(
        "o os da do das dos e em que não uma com para por mais como mas foi ao ele seu sua "
        "são também pelo pela já está"
    ),
    "nl": _words(
        "de het een van en in is dat op te zijn voor met niet aan er ook als bij door maar "
        "om nog dan werd wordt deze naar"
    ),
}
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _lexicon in _FUNCTION_WORDS.items():
    for _word in _lexicon:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _lang)
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Letters of one of the languages alone (of those above).
_OWN_LETTERS = {"de": "äöüßÄÖÜ", "pl": "ąćęłńśźżŁŚŻ", "es": "ñ¿¡", "pt": "ãõ", "fr": "œç"}
_MIN_SCRIPT = 10  # letters of a script that can make a page of its language
# At least this share of the words must be one language's function words.
_MIN_SHARE = 0.08


def detect_language(text: str) -> str:
    """An ISO 639-1 code ("en", "de", "zh"...) or "" when the text does not say.

    A script is the page's when it has at least ``_MIN_SCRIPT`` letters (or most of a short
    text's) and more than a quarter as many as there are words in Latin letters: a few native
    names in brackets do not make an English page Chinese, a one-line Japanese text is
    Japanese."""
    sample = text[:SAMPLE]
    # Most pages write no letter or digit outside ASCII (curly quotes and dashes are not
    # letters): no script to count, and the words are the runs of a-z.
    others = set(_NON_ASCII.findall(sample))
    is_ascii = not any(c.isalnum() for c in others)
    if is_ascii:
        han = kana = hangul = 0
        plain = sample
        for c in others:
            plain = plain.replace(c, " ")
        words = plain.encode("ascii").translate(_ASCII_LETTERS).decode("ascii").lower().split()
        latin = len(words)
        letters = 1  # no script letters: no count of them can make the page theirs
    else:
        han = len(_HAN.findall(sample))
        kana = len(_KANA.findall(sample))
        hangul = len(_HANGUL.findall(sample))
        words = _WORD.findall(sample.lower())
        latin = sum(map(str.isascii, words))
        letters = len("".join(sample.split())) or 1  # characters that are not white space

    def is_script(count: int) -> bool:
        return (count >= _MIN_SCRIPT or count > 0.3 * letters) and count > latin / 4

    if is_script(hangul):
        return "ko"
    if kana and is_script(kana + han):
        return "ja"
    if is_script(han):
        return "zh"
    if not words:
        return ""
    counts: dict[str, float] = dict.fromkeys(_FUNCTION_WORDS, 0.0)
    seen = Counter(filter(_LANGUAGES_OF.__contains__, words))
    for word, times in seen.items():  # counts are whole: their order does not matter
        for lang in _LANGUAGES_OF[word]:
            counts[lang] += times
    # A letter only one of the languages writes settles a tie ("Steuergeräte an").
    for own, marks in _OWN_LETTERS.items() if not is_ascii else ():
        if any(c in sample for c in marks):
            counts[own] += 0.5
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] >= _MIN_SHARE * len(words) else ""


# Languages with a relation grammar of their own besides English (tracker.extract.grammar).
GRAMMAR_LANGUAGES = frozenset({"de", "fr", "zh", "ja", "ko"})


def grammar_language(language: str) -> str:
    """The grammar to read a page of ``language`` (as ``detect_language`` tells it) with:
    its own where there is one, else English."""
    return language if language in GRAMMAR_LANGUAGES else "en"
