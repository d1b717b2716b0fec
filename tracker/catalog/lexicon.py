"""Which vendor names are also ordinary words, and in which languages.

"Roku" is Polish for "of the year", "Linde" German for a lime tree, "Dell'" Italian, "Anker"
German for anchor, "Alphabet" and "Gigabyte" words in several languages. The vendor matcher
treats such a name with care: never in lower case, and on a page in one of those languages
only with company evidence near it.

The table (``vendor_words.json`` beside this module, shipped with the package) maps the lower
case of each single-word vendor name and alias of ``config/vendors.toml`` to the languages whose
dictionary holds it as a word. It is built from simplemma's word-form dictionaries (an optional
dependency, ``pip install -e '.[lexicon]'``) and rebuilt after the gazetteer changes:

    .venv/bin/python -m tracker.catalog.lexicon config/vendors.toml

Names not in the table (a user's own vendors) are taken not to be words.
"""

from __future__ import annotations

import importlib
import json
import sys
from functools import cache
from pathlib import Path

from tracker.catalog.gazetteer import Gazetteer, load_gazetteer

WORDS_FILE = Path(__file__).with_name("vendor_words.json")
# The languages of the pages the tracker reads most, and whose dictionaries are checked.
LANGUAGES = ("en", "de", "fr", "es", "it", "pl", "pt", "nl")


@cache
def vendor_words() -> dict[str, frozenset[str]]:
    """Lower-cased vendor names that are words -> the languages they are words in."""
    try:
        raw = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {word: frozenset(langs) for word, langs in raw.items()}


def single_words(gazetteer: Gazetteer) -> set[str]:
    """The lower case of every one-word name and alias (letters only, two or more)."""
    found: set[str] = set()
    for vendor in gazetteer.vendors.values():
        for form in vendor.surface_forms():
            if form.isalpha() and len(form) >= 2 and not form.isupper():
                found.add(form.lower())
            elif form.isalpha() and 2 <= len(form) <= 3:
                found.add(form.lower())  # "HP", "TI", "AWS": short codes are checked too
    return found


def build_words(gazetteer: Gazetteer) -> dict[str, list[str]]:
    """The table for ``gazetteer``, from simplemma's dictionaries (must be installed)."""
    try:
        factory_module = importlib.import_module("simplemma.strategies.dictionaries")
    except ImportError as exc:  # pragma: no cover - a build-time tool
        raise SystemExit(
            "lexicon: simplemma is not installed (pip install -e '.[lexicon]')"
        ) from exc
    factory = factory_module.DefaultDictionaryFactory()
    names = sorted(single_words(gazetteer))
    table: dict[str, list[str]] = {}
    for language in LANGUAGES:
        dictionary = factory.get_dictionary(language)
        for name in names:
            if name in dictionary:
                table.setdefault(name, []).append(language)
    return dict(sorted(table.items()))


def main(argv: list[str]) -> None:
    """Rebuild ``vendor_words.json`` from a gazetteer file."""
    if len(argv) != 1:
        raise SystemExit("usage: python -m tracker.catalog.lexicon VENDORS.toml")
    table = build_words(load_gazetteer(Path(argv[0])))
    WORDS_FILE.write_text(json.dumps(table, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(table)} vendor names are words; written to {WORDS_FILE}")


if __name__ == "__main__":
    main(sys.argv[1:])
