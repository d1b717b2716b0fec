"""The hardware catalog: products, their aliases and part numbers, and who makes their parts."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tracker.catalog.part_types import PartVocabulary, part_vocabulary
from tracker.errors import ConfigError

CATEGORIES = frozenset(
    {
        "soc", "modem", "rf", "cpu", "gpu", "accelerator", "memory", "storage", "packaging",
        "process_node", "device", "server", "display", "component", "networking", "equipment",
        "eda",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Maker:
    """A company that makes part of a product, in a role (foundry, packaging, memory...)."""

    role: str
    vendor: str
    product: str = ""


@dataclass(frozen=True, slots=True)
class Product:
    """One catalog entry."""

    id: str
    name: str
    vendor: str
    category: str
    family: str = ""
    parent: str = ""
    aliases: tuple[str, ...] = ()
    part_numbers: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()
    makers: tuple[Maker, ...] = ()
    used_in: tuple[str, ...] = ()
    origin: str = "catalog"  # "catalog" or "user"

    @property
    def is_generic(self) -> bool:
        """A technology in general (HBM, MLCC, micro-OLED), not a product anyone sells."""
        return not self.vendor and not any(c.isdigit() for c in self.name)

    def long_forms(self) -> tuple[str, ...]:
        """Names specific enough to link on their own: name, aliases, part numbers."""
        seen: dict[str, str] = {}
        for form in (self.name, *self.aliases, *self.part_numbers):
            if len(form.strip()) >= 2:
                seen.setdefault(form.strip().casefold(), form.strip())
        return tuple(seen.values())


@dataclass(slots=True)
class Catalog:
    """All catalog entries by id."""

    products: dict[str, Product] = field(default_factory=dict)
    parts: PartVocabulary = field(default_factory=PartVocabulary)

    def __len__(self) -> int:
        return len(self.products)

    def get(self, key: str) -> Product | None:
        """The entry with this id, or whose name, alias or part number is ``key``."""
        if key in self.products:
            return self.products[key]
        folded = key.strip().casefold()
        for product in self.products.values():
            forms = (*product.long_forms(), *product.short_names)
            if any(form.casefold() == folded for form in forms):
                return product
        return None

    def children(self, product_id: str) -> list[Product]:
        """Entries whose parent is ``product_id``."""
        return [p for p in self.products.values() if p.parent == product_id]

    def merged(self, overrides: Iterable[Product]) -> Catalog:
        """A copy where ``overrides`` (the user's parts) win over the entry they name.

        A user's part replaces the catalog entry with the same id, name or part number
        (keeping that entry's id, so links stay stable); other parts are added.
        """
        merged = Catalog(dict(self.products), self.parts)
        for product in overrides:
            keys = [product.id, product.name, *product.part_numbers]
            existing = next((p for k in keys if (p := self.get(k)) is not None), None)
            if existing is not None:
                product = replace(
                    product,
                    id=existing.id,
                    aliases=tuple(dict.fromkeys((*existing.aliases, *product.aliases))),
                    part_numbers=tuple(
                        dict.fromkeys((*existing.part_numbers, *product.part_numbers))
                    ),
                    makers=product.makers or existing.makers,
                    parent=product.parent or existing.parent,
                    family=product.family or existing.family,
                )
            merged.products[product.id] = product
        return merged


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(x for x in raw if x.strip())


def product_from_dict(raw: dict[str, Any], where: str, origin: str = "catalog") -> Product:
    """Validate one raw catalog table."""
    missing = [k for k in ("id", "name", "category") if not str(raw.get(k, "")).strip()]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    category = str(raw["category"]).strip()
    if category not in CATEGORIES:
        raise ConfigError(f"{where}: category {category!r} is not one of {sorted(CATEGORIES)}")
    makers: list[Maker] = []
    for item in raw.get("makers", []) or []:
        if not isinstance(item, dict) or not item.get("vendor") or not item.get("role"):
            raise ConfigError(f"{where}: each maker needs a role and a vendor")
        makers.append(Maker(str(item["role"]), str(item["vendor"]), str(item.get("product", ""))))
    return Product(
        id=str(raw["id"]).strip(),
        name=str(raw["name"]).strip(),
        vendor=str(raw.get("vendor", "")).strip(),
        category=category,
        family=str(raw.get("family", "")),
        parent=str(raw.get("parent", "")),
        aliases=_strings(raw.get("aliases"), where),
        part_numbers=_strings(raw.get("part_numbers"), where),
        short_names=_strings(raw.get("short_names"), where),
        makers=tuple(makers),
        used_in=_strings(raw.get("used_in"), where),
        origin=origin,
    )


def build_catalog(
    entries: Iterable[tuple[dict[str, Any], str]], parts: PartVocabulary | None = None
) -> Catalog:
    """Validate ``(table, where)`` pairs and index them; ids must be unique."""
    catalog = Catalog(parts=parts or PartVocabulary())
    for raw, where in entries:
        product = product_from_dict(raw, where)
        if product.id in catalog.products:
            raise ConfigError(f"{where}: duplicate id {product.id!r}")
        catalog.products[product.id] = product
    for product in catalog.products.values():
        for ref in (product.parent, *product.used_in, *(m.product for m in product.makers)):
            if ref and ref not in catalog.products:
                raise ConfigError(f"catalog: {product.id}: refers to unknown entry {ref!r}")
    for part in catalog.parts.part_types:
        if part.catalog and part.catalog not in catalog.products:
            raise ConfigError(f"catalog: part type {part.name!r}: unknown entry {part.catalog!r}")
    return catalog


def load_catalog(folder: Path) -> Catalog:
    """Read every ``*.toml`` of ``folder`` (``[[product]]``, ``[[part_type]]`` and
    ``[[modifier]]`` tables); an absent folder is empty."""
    if not folder.is_dir():
        return Catalog()
    entries: list[tuple[dict[str, Any], str]] = []
    files: list[tuple[dict[str, Any], str]] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"catalog: {path}: {exc}") from exc
        files.append((data, f"catalog: {path.name}"))
        for i, raw in enumerate(data.get("product", []), 1):
            entries.append((raw, f"catalog: {path.name}: entry #{i} ({raw.get('id', '?')})"))
    return build_catalog(entries, part_vocabulary(files, CATEGORIES))


def user_product(
    part_number: str, name: str, vendor: str, category: str, used_in: str = ""
) -> Product:
    """A catalog entry from a row of a user's parts list."""
    slug = "".join(c if c.isalnum() else "-" for c in part_number.lower()).strip("-")
    product = product_from_dict(
        {"id": f"user-{slug}", "name": name or part_number, "vendor": vendor, "category": category},
        f"parts list: {part_number}",
        origin="user",
    )
    return replace(
        product,
        part_numbers=(part_number,) if part_number else (),
        used_in=tuple(u.strip() for u in used_in.split(";") if u.strip()),
    )
