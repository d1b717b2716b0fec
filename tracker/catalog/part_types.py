"""Part types: the kinds of part a buyer tracks ("camera modules", "OLED panels", "MLCCs").

A part type is a head noun with the words it is written as in each language; a modifier is a
technical word that may stand before a head ("OLED", "dual", "silicon carbide", "柔性"). Both
carry an English canonical name, so "有機ELパネル" and "OLED panels" are one part: "OLED panel".
They are read from ``[[part_type]]`` and ``[[modifier]]`` tables of the catalog folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tracker.errors import ConfigError

_ENGLISH_WORD = re.compile(r"^[a-z][a-z -]*[a-z]$")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$")
_SIBILANT = re.compile(r"(?:s|x|z|ch|sh)$")


@dataclass(frozen=True, slots=True)
class PartType:
    """A head noun naming a kind of part."""

    name: str
    category: str
    bare: bool
    forms: tuple[str, ...]
    catalog: str = ""
    technical: bool = False  # a purpose word before it ("network chips") is not enough


@dataclass(frozen=True, slots=True)
class Modifier:
    """A technical word that may stand before a part type's head."""

    name: str
    forms: tuple[str, ...]
    purpose: bool = False  # says what a part is for ("network", "mobile"), not what it is


@dataclass(slots=True)
class PartVocabulary:
    """Every part type and modifier, and the words that are never technical modifiers."""

    part_types: list[PartType] = field(default_factory=list)
    modifiers: list[Modifier] = field(default_factory=list)
    not_modifiers: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.part_types)


def english_plurals(form: str) -> tuple[str, ...]:
    """The plural of an English form ("lens" -> "lenses", "battery" -> "batteries", "MLCC"
    -> "MLCCs"); other scripts and German nouns (capitalised) get none."""
    if _ACRONYM.match(form):
        return (form + "s",)
    if not _ENGLISH_WORD.match(form):
        return ()
    if form.endswith("y") and form[-2:-1] not in "aeiou":
        return (form[:-1] + "ies",)
    if _SIBILANT.search(form):
        return (form + "es",)
    return (form + "s",)


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise ConfigError(f"{where}: forms must be a list of non-empty strings")
    return tuple(x.strip() for x in raw)


def part_vocabulary(
    tables: Iterable[tuple[dict[str, Any], str]], categories: frozenset[str]
) -> PartVocabulary:
    """Validate ``(data, where)`` pairs, one per catalog file, into one vocabulary."""
    vocabulary = PartVocabulary()
    not_modifiers: set[str] = set()
    names: set[str] = set()
    for data, where in tables:
        for i, raw in enumerate(data.get("part_type", []), 1):
            here = f"{where}: part_type #{i} ({raw.get('name', '?')})"
            name = str(raw.get("name", "")).strip()
            category = str(raw.get("category", "")).strip()
            if not name or category not in categories:
                raise ConfigError(f"{here}: needs a name and a category of {sorted(categories)}")
            if name.casefold() in names:
                raise ConfigError(f"{here}: duplicate part type {name!r}")
            names.add(name.casefold())
            forms = _strings(raw.get("forms"), here)
            vocabulary.part_types.append(
                PartType(
                    name=name,
                    category=category,
                    bare=bool(raw.get("bare", False)),
                    forms=forms,
                    catalog=str(raw.get("catalog", "")).strip(),
                    technical=bool(raw.get("technical", False)),
                )
            )
        for i, raw in enumerate(data.get("modifier", []), 1):
            here = f"{where}: modifier #{i} ({raw.get('name', '?')})"
            name = str(raw.get("name", "")).strip()
            if not name:
                raise ConfigError(f"{here}: needs a name")
            vocabulary.modifiers.append(
                Modifier(name, _strings(raw.get("forms"), here), bool(raw.get("purpose", False)))
            )
        if "not_modifiers" in data:
            not_modifiers.update(_strings(data["not_modifiers"], f"{where}: not_modifiers"))
    vocabulary.not_modifiers = frozenset(not_modifiers)
    return vocabulary
