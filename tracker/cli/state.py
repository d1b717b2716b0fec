"""What every command shares: the resolved settings, the store, the vendor matcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from tracker.config import Settings
    from tracker.extract import Extractor, ExtractorRecipe
    from tracker.store import Store


@dataclass(slots=True)
class State:
    """Global options, resolved lazily so `--help` needs no database (nor imports it)."""

    config_path: Path
    db_url: str
    is_config_explicit: bool
    _settings: Settings | None = None
    _store: Store | None = None
    _matcher: Extractor | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The configuration (read once)."""
        if self._settings is None:
            from tracker.config import load_settings

            self._settings = load_settings(self.config_path, required=self.is_config_explicit)
        return self._settings

    @property
    def store(self) -> Store:
        """The database, migrated to the newest schema."""
        if self._store is None:
            from tracker.store import Store

            self._store = Store(self.db_url)
        return self._store

    @property
    def matcher(self) -> Extractor:
        """The extractor over the configured gazetteer, catalog and outlets, plus the user's
        own vendors and parts when the database exists."""
        if self._matcher is None:
            self._matcher = self.recipe().build()
        return self._matcher

    def recipe(self) -> ExtractorRecipe:
        """How to build the extractor (worker processes build their own from it)."""
        from tracker.catalog.products import Product, user_product
        from tracker.extract import ExtractorRecipe
        from tracker.store import user_data

        s = self.settings
        vendors: list[dict[str, object]] = []
        parts: list[Product] = []
        if self.has_database():
            with self.store.session() as session:
                vendors = user_data.user_vendors(session)
                parts = [
                    user_product(p.part_number, p.name, p.vendor, p.category, p.used_in)
                    for p in user_data.user_parts(session)
                ]
        return ExtractorRecipe(
            s.vendors_file, s.catalog_dir, s.attributions_file, tuple(vendors), tuple(parts)
        )

    def has_database(self) -> bool:
        """False for a SQLite file that does not exist yet (nothing to read from it)."""
        if self._store is not None or not self.db_url.startswith("sqlite"):
            return True
        path = self.db_url.split("///", 1)[-1]
        return path in ("", ":memory:") or Path(path).exists()

    def close(self) -> None:
        """Release the database."""
        if self._store is not None:
            self._store.close()


def state(ctx: typer.Context) -> State:
    """The State of the running command."""
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj
