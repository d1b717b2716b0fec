"""Settings, resolved once from a TOML file and passed down.

Relative paths inside a config file are relative to that file's folder.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.errors import ConfigError

DEFAULT_CONFIG = Path("config/tracker.toml")
DEFAULT_DB_URL = "sqlite:///tracker.db"
BUNDLED_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How the fetcher talks to the network."""

    timeout_s: float = 20.0
    connect_timeout_s: float = 10.0
    max_body_bytes: int = 10_000_000
    max_redirects: int = 5
    concurrency: int = 8
    user_agent: str = "tracker/0.1 (self-hosted supply-chain news tracker)"
    allow_private_hosts: bool = False
    fetch_pages: bool = True


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source declared in the configuration file."""

    name: str
    url: str
    kind: str = "feed"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the commands need to know, resolved."""

    path: Path | None
    fetch: FetchSettings = field(default_factory=FetchSettings)
    vendors_file: Path = BUNDLED_CONFIG_DIR / "vendors.toml"
    timezone: str = ""
    sources: tuple[SourceSpec, ...] = ()
    demo_site_dir: Path | None = None

    def tzinfo(self) -> ZoneInfo | None:
        """The display timezone, or None for the system's local time."""
        if not self.timezone:
            return None
        return ZoneInfo(self.timezone)


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"config: [{name}] must be a table")
    return value


def _fetch_settings(raw: dict[str, Any]) -> FetchSettings:
    known = set(FetchSettings.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(
            f"config: [fetch]: unknown keys {sorted(unknown)}; known: {sorted(known)}"
        )
    defaults = FetchSettings()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"config: [fetch] {key} = {value!r}: expected {expected.__name__}")
        if expected in (int, float) and value <= 0:
            raise ConfigError(f"config: [fetch] {key} must be positive, got {value}")
        values[key] = value
    return FetchSettings(**values)


def _sources(raw: Any) -> tuple[SourceSpec, ...]:
    if not isinstance(raw, list):
        raise ConfigError("config: [[sources]] must be an array of tables")
    specs: list[SourceSpec] = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("url"):
            raise ConfigError(f"config: source #{i} needs a name and a url")
        url = str(item["url"]).strip()
        if not url.startswith(("http://", "https://", "{fixtures}")):
            raise ConfigError(f"config: source {item['name']!r}: {url!r} is not an http(s) URL")
        specs.append(SourceSpec(str(item["name"]), url, str(item.get("kind", "feed"))))
    return tuple(specs)


def load_settings(path: Path | None, *, required: bool = False) -> Settings:
    """Read settings from ``path``; a missing default file gives the built-in defaults."""
    if path is None or not path.exists():
        if required and path is not None:
            raise ConfigError(f"config: {path}: file not found")
        return Settings(path=None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config: {path}: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config: {path}: cannot read ({exc})") from exc
    base = path.resolve().parent
    extract = _section(data, "extract")
    display = _section(data, "display")
    demo = _section(data, "demo")
    vendors = BUNDLED_CONFIG_DIR / "vendors.toml"
    if "vendors_file" in extract:
        vendors = base / str(extract["vendors_file"])
        if not vendors.exists():
            raise ConfigError(f"config: {path}: [extract] vendors_file {vendors} not found")
    timezone = str(display.get("timezone", "")) or os.environ.get("TRACKER_TIMEZONE", "")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"config: [display] timezone {timezone!r} is not a known zone"
            ) from exc
    site = demo.get("site_dir")
    return Settings(
        path=path,
        fetch=_fetch_settings(_section(data, "fetch")),
        vendors_file=vendors,
        timezone=timezone,
        sources=_sources(data.get("sources", [])),
        demo_site_dir=(base / str(site)).resolve() if site else None,
    )
