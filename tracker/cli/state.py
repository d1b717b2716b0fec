"""What every command shares: the resolved settings, the store, the vendor matcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import typer

from tracker.catalog.gazetteer import load_gazetteer
from tracker.config import Settings, load_settings
from tracker.extract import VendorMatcher
from tracker.store import Store


@dataclass(slots=True)
class State:
    """Global options, resolved lazily so `--help` needs no database."""

    config_path: Path
    db_url: str
    is_config_explicit: bool
    _settings: Settings | None = None
    _store: Store | None = None
    _matcher: VendorMatcher | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The configuration (read once)."""
        if self._settings is None:
            self._settings = load_settings(self.config_path, required=self.is_config_explicit)
        return self._settings

    @property
    def store(self) -> Store:
        """The database, migrated to the newest schema."""
        if self._store is None:
            self._store = Store(self.db_url)
        return self._store

    @property
    def matcher(self) -> VendorMatcher:
        """The vendor matcher over the configured gazetteer."""
        if self._matcher is None:
            self._matcher = VendorMatcher(load_gazetteer(self.settings.vendors_file))
        return self._matcher

    def close(self) -> None:
        """Release the database."""
        if self._store is not None:
            self._store.close()


def state(ctx: typer.Context) -> State:
    """The State of the running command."""
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj
