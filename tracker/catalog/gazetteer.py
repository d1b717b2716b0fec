"""The vendor gazetteer: canonical names, aliases and the hints that disambiguate them."""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import ConfigError, UsageError

KINDS = frozenset(
    {
        "foundry", "idm", "fabless", "memory", "osat", "ems", "odm", "components", "passives",
        "connectors", "optics", "rf", "power", "display", "battery", "pcb", "equipment",
        "materials", "eda", "ip", "oem", "hyperscaler", "ai_lab", "automaker", "distributor",
        "telecom",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Vendor:
    """One company of the gazetteer."""

    name: str
    kind: str
    country: str
    aliases: tuple[str, ...] = ()
    legal_name: str = ""
    tickers: tuple[str, ...] = ()
    parent: str = ""
    is_ambiguous: bool = False
    context: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    # For a subsidiary or a group's affiliate named after the group ("LG Display"): what a
    # sentence is about when a bare mention of the group's name means this company.
    topics: tuple[str, ...] = ()

    def surface_forms(self) -> tuple[str, ...]:
        """Every string that names this vendor: name, legal name, aliases, tickers."""
        forms = [self.name, *self.aliases, *self.tickers]
        # "NASDAQ:NVDA" is also written "NASDAQ: NVDA".
        forms += [t.replace(":", ": ") for t in self.tickers if ":" in t]
        if self.legal_name:
            forms.append(self.legal_name)
        seen: dict[str, str] = {}
        for form in forms:
            form = form.strip()
            if len(form) >= 2:
                seen.setdefault(form.casefold(), form)
        return tuple(seen.values())


@dataclass(slots=True)
class Gazetteer:
    """All vendors, indexed by canonical name."""

    vendors: dict[str, Vendor] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.vendors)

    def get(self, name: str) -> Vendor | None:
        """The vendor with this canonical name or alias (case-insensitive), if any."""
        if name in self.vendors:
            return self.vendors[name]
        folded = name.casefold()
        for vendor in self.vendors.values():
            if any(form.casefold() == folded for form in vendor.surface_forms()):
                return vendor
        return None


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(raw)


def build_gazetteer(entries: Iterable[dict[str, Any]], origin: str = "gazetteer") -> Gazetteer:
    """Validate raw vendor tables and index them."""
    gazetteer = Gazetteer()
    owners: dict[str, str] = {}
    for i, raw in enumerate(entries, 1):
        name = str(raw.get("name", "")).strip()
        where = f"{origin}: vendor #{i} ({name or 'no name'})"
        if not name:
            raise ConfigError(f"{where}: missing name")
        kind = str(raw.get("kind", "")).strip()
        if kind not in KINDS:
            raise ConfigError(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
        if name in gazetteer.vendors:
            raise ConfigError(f"{where}: duplicate name")
        vendor = Vendor(
            name=name,
            kind=kind,
            country=str(raw.get("country", "")),
            aliases=_strings(raw.get("aliases"), where),
            legal_name=str(raw.get("legal_name", "")),
            tickers=_strings(raw.get("tickers"), where),
            parent=str(raw.get("parent", "")),
            is_ambiguous=bool(raw.get("ambiguous", False)),
            context=_strings(raw.get("context"), where),
            negative=_strings(raw.get("negative"), where),
            topics=_strings(raw.get("topics"), where),
        )
        for form in vendor.surface_forms():
            owner = owners.setdefault(form.casefold(), name)
            if owner != name:
                raise ConfigError(f"{where}: alias {form!r} already names {owner}")
        gazetteer.vendors[name] = vendor
    for vendor in gazetteer.vendors.values():
        if vendor.parent and vendor.parent not in gazetteer.vendors:
            raise ConfigError(f"{origin}: {vendor.name}: parent {vendor.parent!r} is not a vendor")
        if vendor.topics and not (vendor.parent or " " in vendor.name):
            raise ConfigError(
                f"{origin}: {vendor.name}: topics are for a subsidiary or a group's affiliate"
            )
    return gazetteer


def vendor_table(vendor: Vendor) -> dict[str, Any]:
    """A vendor as the raw table it would be read from."""
    return {
        "name": vendor.name,
        "kind": vendor.kind,
        "country": vendor.country,
        "aliases": list(vendor.aliases),
        "legal_name": vendor.legal_name,
        "tickers": list(vendor.tickers),
        "parent": vendor.parent,
        "ambiguous": vendor.is_ambiguous,
        "context": list(vendor.context),
        "negative": list(vendor.negative),
        "topics": list(vendor.topics),
    }


def with_user_vendors(
    gazetteer: Gazetteer, tables: Iterable[dict[str, Any]], origin: str = "gazetteer"
) -> Gazetteer:
    """The gazetteer plus the user's vendors (`tracker vendors add`).

    A name the gazetteer lacks is a new vendor. A name it has keeps its kind and everything
    it knows, and gains the user's aliases and, where it has none, their country and parent.
    An alias another vendor already owns (a later gazetteer may have given it to one) is
    left out rather than refused: the user's vendors never stop the tracker.
    """
    raw = {v.name: vendor_table(v) for v in gazetteer.vendors.values()}
    owners = {
        form.casefold(): v.name for v in gazetteer.vendors.values() for form in v.surface_forms()
    }
    for table in tables:
        name = str(table.get("name", "")).strip()
        if owners.setdefault(name.casefold(), name) != name or len(name) < 2:
            continue  # another vendor's alias by now
        aliases = [str(a).strip() for a in table.get("aliases", []) or []]
        aliases = [a for a in aliases if owners.setdefault(a.casefold(), name) == name]
        entry = raw.get(name)
        if entry is None:
            raw[name] = {**table, "name": name, "aliases": aliases}
            continue
        entry["aliases"] = list(dict.fromkeys([*entry["aliases"], *aliases]))
        for key in ("country", "parent"):
            entry[key] = entry[key] or str(table.get(key, "") or "")
    return build_gazetteer(raw.values(), origin=origin)


@dataclass(frozen=True, slots=True)
class VendorAddition:
    """What `tracker vendors add` changes: the user's row for the vendor, and what is new."""

    row: dict[str, Any]  # name, kind, country, aliases, parent: the user's table for it
    is_new: bool  # a vendor the gazetteer did not know
    new_aliases: tuple[str, ...] = ()
    filled: tuple[str, ...] = ()  # "country", "parent": fields it had none of

    @property
    def changes(self) -> bool:
        """False when the vendor already had everything given."""
        return self.is_new or bool(self.new_aliases or self.filled)


MAX_NAME = 200  # characters of a vendor's name or alias


def check_name(command: str, label: str, value: str) -> str:
    """A name or alias, stripped; a UsageError when it is blank, shorter than 2 characters,
    longer than ``MAX_NAME`` or holds a control character (a line break, a NUL)."""
    name = value.strip()
    if len(name) < 2:
        raise UsageError(f"{command}: {label} needs 2 characters at least")
    if len(name) > MAX_NAME:
        raise UsageError(f"{command}: {label} is {len(name)} characters long (at most {MAX_NAME})")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise UsageError(f"{command}: {label} holds a control character (a line break, a tab?)")
    return name


def check_country(command: str, country: str) -> str:
    """An ISO 3166 alpha-2 code in capitals, or blank."""
    code = country.strip().upper()
    if code and not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise UsageError(f"{command}: country {country!r} is not a two-letter ISO 3166 code")
    return code


def plan_addition(
    gazetteer: Gazetteer,
    name: str,
    *,
    kind: str | None,
    country: str = "",
    aliases: Iterable[str] = (),
    parent: str = "",
    stored: dict[str, Any] | None = None,
) -> VendorAddition:
    """Add a vendor, or merge names into the one it already is; a UsageError for anything
    that would change or take what another vendor has.

    A known vendor keeps its kind, country and parent (given ones must agree; blank ones are
    filled in) and gains the new aliases. ``stored`` is the user's row for it, if any.
    """
    name = check_name("vendors add", "a vendor's name", name)
    if kind is not None and kind not in KINDS:
        raise UsageError(f"vendors add: kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    country = check_country("vendors add", country)
    parent = parent.strip()
    names = list(
        dict.fromkeys(check_name("vendors add", f"alias {a.strip()!r}", a) for a in aliases)
    )
    existing = gazetteer.get(name)
    if existing is not None and existing.name.casefold() != name.casefold():
        raise UsageError(
            f"vendors add: {name!r} already names {existing.name!r} (to give it more names: "
            f"tracker vendors add {existing.name!r} --alias NAME)"
        )
    if parent:
        parent_vendor = gazetteer.get(parent)
        if parent_vendor is None:
            raise UsageError(f"vendors add: parent {parent!r} is not a known vendor")
        parent = parent_vendor.name
    target = existing.name if existing is not None else name
    new_aliases: list[str] = []
    for alias in names:
        owner = gazetteer.get(alias)
        if owner is None:
            if alias.casefold() != target.casefold():
                new_aliases.append(alias)
        elif owner.name != target:
            raise UsageError(
                f"vendors add: alias {alias!r} already names {owner.name!r}; a name can "
                "belong to one vendor only"
            )
    if existing is None:
        if kind is None:
            raise UsageError(
                f"vendors add: {name!r} is a new vendor: give its --kind "
                f"({', '.join(sorted(KINDS))})"
            )
        row = {"name": name, "kind": kind, "country": country, "aliases": new_aliases,
               "parent": parent}  # fmt: skip
        return VendorAddition(row, is_new=True, new_aliases=tuple(new_aliases))
    for label, given, has in (
        ("kind", kind or "", existing.kind),
        ("country", country, existing.country),
        ("parent", parent, existing.parent),
    ):
        if given and has and given != has:
            raise UsageError(
                f"vendors add: {existing.name!r} is known with {label} {has!r}, not {given!r}; "
                "adding merges names into a vendor and changes nothing it has"
            )
    filled = tuple(
        label
        for label, given, has in (
            ("country", country, existing.country),
            ("parent", parent, existing.parent),
        )
        if given and not has
    )
    row = dict(stored) if stored else {}
    row.update(
        name=existing.name,
        kind=row.get("kind") or existing.kind,
        country=row.get("country") or (country if "country" in filled else ""),
        parent=row.get("parent") or (parent if "parent" in filled else ""),
        aliases=list(dict.fromkeys([*row.get("aliases", []), *new_aliases])),
    )
    return VendorAddition(row, is_new=False, new_aliases=tuple(new_aliases), filled=filled)


def plan_edit(
    gazetteer: Gazetteer,
    bundled: Gazetteer,
    stored: dict[str, Any] | None,
    name: str,
    *,
    kind: str | None = None,
    country: str | None = None,
    parent: str | None = None,
    drop_aliases: Iterable[str] = (),
) -> dict[str, Any]:
    """The user's row for vendor ``name`` after `tracker vendors edit`; a UsageError for a
    change it cannot make. Only what the user added can change: a vendor of the gazetteer
    file keeps what the file says (its blank country or parent may be filled)."""
    vendor = _user_vendor(gazetteer, bundled, stored, name, "vendors edit")
    assert stored is not None
    row = dict(stored)
    filed = bundled.vendors.get(vendor.name)
    if kind is not None:
        if kind not in KINDS:
            raise UsageError(
                f"vendors edit: kind {kind!r} is not one of {', '.join(sorted(KINDS))}"
            )
        if filed is not None and kind != filed.kind:
            raise UsageError(
                f"vendors edit: {vendor.name!r} has kind {filed.kind!r} in the gazetteer file; "
                "edit that file to change it"
            )
        row["kind"] = kind
    for label, given, has in (("country", country, filed.country if filed else ""),
                              ("parent", parent, filed.parent if filed else "")):  # fmt: skip
        if given is None:
            continue
        if has:
            raise UsageError(
                f"vendors edit: {vendor.name!r} has {label} {has!r} in the gazetteer file; "
                "edit that file to change it"
            )
        row[label] = given
    row["country"] = check_country("vendors edit", str(row.get("country", "")))
    if parent:
        found = gazetteer.get(parent.strip())
        if found is None:
            raise UsageError(f"vendors edit: parent {parent!r} is not a known vendor")
        if found.name == vendor.name:
            raise UsageError(f"vendors edit: {vendor.name!r} cannot be its own parent")
        row["parent"] = found.name
    aliases = list(row.get("aliases", []))
    for alias in drop_aliases:
        matching = [a for a in aliases if a.casefold() == alias.strip().casefold()]
        if not matching:
            given = ", ".join(repr(a) for a in aliases) or "none"
            raise UsageError(
                f"vendors edit: {alias!r} is not an alias added to {vendor.name!r} (added: {given})"
            )
        aliases = [a for a in aliases if a not in matching]
    row["aliases"] = aliases
    return row


def plan_removal(
    gazetteer: Gazetteer, bundled: Gazetteer, stored: dict[str, Any] | None, name: str
) -> tuple[Vendor, list[str]]:
    """The vendor whose user row `tracker vendors remove` deletes, and the names that go
    with it; a UsageError when the names are not the user's or another vendor needs it."""
    vendor = _user_vendor(gazetteer, bundled, stored, name, "vendors remove")
    assert stored is not None
    if vendor.name in bundled.vendors:
        return vendor, list(stored.get("aliases", []))
    children = sorted(v.name for v in gazetteer.vendors.values() if v.parent == vendor.name)
    if children:
        raise UsageError(
            f"vendors remove: {vendor.name!r} is the parent of {', '.join(map(repr, children))}; "
            "remove those or give them another parent first (tracker vendors edit NAME --parent)"
        )
    return vendor, list(vendor.surface_forms())


def _user_vendor(
    gazetteer: Gazetteer,
    bundled: Gazetteer,
    stored: dict[str, Any] | None,
    name: str,
    command: str,
) -> Vendor:
    vendor = gazetteer.get(name.strip())
    if vendor is None:
        raise UsageError(f"{command}: {name!r} is not a known vendor (tracker vendors list)")
    if stored is None:
        raise UsageError(
            f"{command}: {vendor.name!r} comes from the gazetteer file, not from "
            "`tracker vendors add`: edit that file (extract.vendors_file) to change it"
        )
    return vendor


def load_gazetteer(path: Path) -> Gazetteer:
    """Read ``[[vendor]]`` tables from a TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"gazetteer: {path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"gazetteer: {path}: {exc}") from exc
    entries = data.get("vendor", [])
    if not isinstance(entries, list):
        raise ConfigError(f"gazetteer: {path}: [[vendor]] must be an array of tables")
    return build_gazetteer(entries, origin=f"gazetteer: {path}")
