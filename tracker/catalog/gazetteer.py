"""The vendor gazetteer: canonical names, aliases and the hints that disambiguate them."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import ConfigError

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
