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

    def match(self, product: Product) -> Product | None:
        """The entry a user's part is: the one with its part number, else its id or name."""
        for key in (*product.part_numbers, product.id, product.name):
            if key and (found := self.get(key)) is not None:
                return found
        return None

    def apply(self, product: Product) -> Product:
        """The entry ``product`` (a user's part) makes: merged into the entry it is, or new.

        Merged, the entry keeps its id (links stay stable) and everything it has: a field the
        part leaves blank keeps the entry's value, lists (aliases, part numbers, short names,
        makers, used in) are joined, and a name the part changes stays an alias.
        """
        existing = self.match(product)
        if existing is None:
            return replace(product, name=product.name or (product.part_numbers or (product.id,))[0])
        name = product.name or existing.name
        return replace(
            existing,
            name=name,
            vendor=product.vendor or existing.vendor,
            category=product.category or existing.category,
            family=product.family or existing.family,
            parent=product.parent or existing.parent,
            aliases=_joined(existing.aliases, (existing.name,), product.aliases, exclude=name),
            part_numbers=_joined(existing.part_numbers, product.part_numbers),
            short_names=_joined(existing.short_names, product.short_names),
            makers=tuple(dict.fromkeys((*existing.makers, *product.makers))),
            used_in=_joined(existing.used_in, product.used_in),
            origin=product.origin,
        )

    def merged(self, overrides: Iterable[Product]) -> Catalog:
        """A copy with ``overrides`` (the user's parts) applied in turn (see ``apply``)."""
        merged = Catalog(dict(self.products), self.parts)
        for product in overrides:
            entry = merged.apply(product)
            merged.products[entry.id] = entry
        return merged


def _joined(*parts: Iterable[str], exclude: str = "") -> tuple[str, ...]:
    """The strings of ``parts`` in order, each once (by case), without ``exclude``."""
    seen: dict[str, str] = {}
    for part in parts:
        for item in part:
            if item.strip() and item.casefold() != exclude.casefold():
                seen.setdefault(item.casefold(), item)
    return tuple(seen.values())


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
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"catalog: {path}: cannot be read ({exc})") from exc
        files.append((data, f"catalog: {path.name}"))
        for i, raw in enumerate(data.get("product", []), 1):
            entries.append((raw, f"catalog: {path.name}: entry #{i} ({raw.get('id', '?')})"))
    return build_catalog(entries, part_vocabulary(files, CATEGORIES))


def user_product(
    part_number: str, name: str, vendor: str, category: str, used_in: str = ""
) -> Product:
    """A catalog entry from a row of a user's parts list. A blank field keeps what the catalog
    entry it merges into has (``Catalog.apply``); a new part without a name is named by its
    number."""
    category = category.strip()
    if category and category not in CATEGORIES:
        raise ConfigError(
            f"parts list: {part_number}: category {category!r} is not one of {sorted(CATEGORIES)}"
        )
    slug = "".join(c if c.isalnum() else "-" for c in part_number.lower()).strip("-")
    return Product(
        id=f"user-{slug}",
        name=name.strip(),
        vendor=vendor.strip(),
        category=category,
        part_numbers=(part_number,) if part_number else (),
        used_in=tuple(u.strip() for u in used_in.split(";") if u.strip()),
        origin="user",
    )
