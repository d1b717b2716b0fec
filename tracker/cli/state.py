"""What every command shares: the resolved settings, the store, the extractor, and the
names they know."""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tracker.config import DEFAULT_DB_URL
from tracker.errors import StoreError

if TYPE_CHECKING:
    from tracker.catalog.gazetteer import Gazetteer
    from tracker.catalog.names import Names
    from tracker.config import Settings
    from tracker.extract import Extractor, ExtractorRecipe
    from tracker.store import Store


def db_option(db_url: str) -> str:
    """``--db URL `` to name a database in a command line shown to the user (empty for the
    default database); the password, if any, hidden."""
    if db_url == DEFAULT_DB_URL:
        return ""
    from tracker.store.engine import shown_url

    return f"--db {shlex.quote(shown_url(db_url))} "


def missing_database(db_url: str) -> str:
    """Why there is nothing to read at ``db_url``, and how to create the database."""
    from tracker.store.engine import database_state, shown_url

    shown = shown_url(db_url)
    db = db_option(db_url)
    then = f"`tracker {db}init`, then `tracker {db}fetch`"
    if database_state(db_url) == "absent":
        return f"store: no database at {shown}: create it with {then}"
    return f"store: the database at {shown} has no tracker tables yet: create them with {then}"


@dataclass(slots=True)
class State:
    """Global options, resolved lazily so `--help` needs no database (nor imports it)."""

    config_path: Path
    db_url: str
    is_config_explicit: bool
    _settings: Settings | None = None
    _store: Store | None = None
    _extractor: Extractor | None = field(default=None, repr=False)
    _exists: bool | None = None

    @property
    def settings(self) -> Settings:
        """The configuration (read once)."""
        if self._settings is None:
            from tracker.config import load_settings

            self._settings = load_settings(self.config_path, required=self.is_config_explicit)
            for notice in self._settings.notices:
                print(f"warning: {notice}", file=sys.stderr)
        return self._settings

    @property
    def store(self) -> Store:
        """The database, created if need be, migrated to the newest schema: for commands
        that write (init, fetch, run, sources add...)."""
        if self._store is None:
            from tracker.store import Store

            self._store = Store(self.db_url)
        return self._store

    @property
    def stored(self) -> Store:
        """The database for commands that read it: it must exist already. A missing one is
        a StoreError (exit code 1) naming the URL and how to create it, never an empty
        database made on the spot that answers "0 results". A bad configuration is
        reported first."""
        _ = self.settings
        if self._store is None and not self.has_database():
            raise StoreError(missing_database(self.db_url))
        return self.store

    def db_option(self) -> str:
        """``--db URL `` for command lines shown to the user (see ``db_option``)."""
        return db_option(self.db_url)

    @property
    def extractor(self) -> Extractor:
        """The extractor over the configured gazetteer, catalog and outlets, plus the user's
        own vendors and parts when the database exists."""
        if self._extractor is None:
            self._extractor = self.recipe().build()
        return self._extractor

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
        """True when the database exists with tracker's schema; finding out creates
        nothing (a SQLite file that does not exist is not opened)."""
        if self._store is not None:
            return True
        if self._exists is None:
            from tracker.store.engine import database_state

            self._exists = database_state(self.db_url) == "ready"
        return self._exists

    def gazetteer(self) -> Gazetteer:
        """The configured gazetteer with the user's vendors, without building the
        extraction's matchers unless the user's vendors must be merged in."""
        from tracker.catalog.gazetteer import load_gazetteer

        if self._extractor is not None:
            return self._extractor.gazetteer
        recipe = self.recipe()
        if recipe.extra_vendors:
            return self.extractor.gazetteer
        return load_gazetteer(recipe.vendors_file)

    def vendor_names(self) -> Names:
        """Every company a name may be resolved to: the gazetteer's (with the user's) and
        those the database stored mentions of."""
        from tracker.catalog.names import vendor_names

        stored: list[str] = []
        if self.has_database():
            from tracker.store.reports import stored_vendor_names

            with self.store.session() as session:
                stored = stored_vendor_names(session)
        return vendor_names(self.gazetteer(), stored)

    def source_names(self) -> Names:
        """The sources of the database, by name (or URL)."""
        from tracker.catalog.names import Names
        from tracker.store.sources import all_sources

        with self.stored.session() as session:
            sources = all_sources(session)
        return Names("source", ((s.name, (s.url,)) for s in sources), see="tracker sources list")

    def close(self) -> None:
        """Release the database."""
        if self._store is not None:
            self._store.close()


def state(ctx: typer.Context) -> State:
    """The State of the running command."""
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj
