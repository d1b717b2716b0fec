"""Settings, resolved once from a TOML file and passed down.

Relative paths inside a config file are relative to that file's folder.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.errors import ConfigError

if TYPE_CHECKING:
    from tracker.digest.settings import DigestSpec, SmtpSettings

DEFAULT_CONFIG = Path("config/tracker.toml")
DEFAULT_DB_URL = "sqlite:///tracker.db"
BUNDLED_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
# `tracker demo` serves the sample site here, so the sources it stores keep working (a port
# below the ephemeral range, rarely taken; a taken one falls back to a free port).
DEMO_PORT = 28413


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
    contact_url: str = ""  # appended to the User-Agent so site owners can reach you
    per_host_concurrency: int = 2
    per_host_delay_s: float = 1.0  # between the starts of two requests to one host
    respect_robots: bool = True  # robots.txt, for article pages (feeds are subscribed to)
    # Processes for parsing and extraction; 0: one per core; 1 (or 0 on one core): none, threads.
    workers: int = 0
    listing_max_pages: int = 3  # pages of a paginated listing followed while all links are new
    sitemap_max_children: int = 20  # child sitemaps of an index read per fetch, newest first
    sitemap_max_entries: int = 500  # entries taken per sitemap fetch, newest first
    sitemap_max_bytes: int = 50_000_000  # a sitemap's size after inflating (gzip bombs refused)


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """When sources are fetched again: intervals, backoff after failures, health."""

    interval_minutes: int = 30
    adaptive: bool = False  # follow each source's publishing rhythm, within min/max
    min_interval_minutes: int = 10
    max_interval_minutes: int = 1440
    jitter_fraction: float = 0.1  # +-10%: sources never re-synchronise
    max_backoff_minutes: int = 1440
    failing_after: int = 3  # 404s or DNS failures in a row before a source is "failing"
    silent_factor: float = 4.0  # silent: nothing for this many usual gaps
    tick_s: float = 30.0  # how often `tracker run` looks for due sources
    shutdown_grace_s: float = 10.0  # in-flight fetches get this long to finish on SIGTERM
    lease_s: float = 300.0  # a worker's hold on a source; a dead worker's expires after this
    claim_batch: int = 50  # sources one worker takes per tick (several workers share the rest)


@dataclass(frozen=True, slots=True)
class ExposureSettings:
    """How `tracker exposure` weighs links and news."""

    half_life_days: float = 90.0  # a reported supplier link weighs half after this long
    news_half_life_days: float = 14.0  # an event weighs half after this long
    window_days: int = 30  # the news window when --since is not given
    baseline_windows: int = 3  # the trend compares the window with this many before it
    tier_discount: float = 0.5  # each tier beyond the first counts this much
    tier_frontier: int = 20  # the next tier follows this many of the strongest links


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A named list of vendors and products (`tracker exposure --watchlist NAME`)."""

    name: str
    vendors: tuple[str, ...] = ()
    products: tuple[str, ...] = ()


SOURCE_KINDS = ("feed", "page", "sitemap")


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source declared in the configuration file."""

    name: str
    url: str
    kind: str = "feed"  # feed | page | sitemap
    selector: str | None = None  # page sources: CSS selector naming the article links
    xpath: str | None = None  # ...or an XPath expression


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the commands need to know, resolved."""

    path: Path | None
    fetch: FetchSettings = field(default_factory=FetchSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    vendors_file: Path = BUNDLED_CONFIG_DIR / "vendors.toml"
    catalog_dir: Path = BUNDLED_CONFIG_DIR / "catalog"
    attributions_file: Path = BUNDLED_CONFIG_DIR / "attributions.toml"
    timezone: str = ""
    sources: tuple[SourceSpec, ...] = ()
    demo_site_dir: Path | None = None
    demo_port: int = DEMO_PORT
    digests: tuple[DigestSpec, ...] = ()
    smtp: SmtpSettings | None = None
    exposure: ExposureSettings = field(default_factory=ExposureSettings)
    watchlists: tuple[Watchlist, ...] = ()

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


# Keys where 0 means something (no delay, no jitter, automatic).
_ZERO_ALLOWED = {"per_host_delay_s", "workers", "jitter_fraction"}


def _typed_section(raw: dict[str, Any], cls: type[Any], name: str) -> Any:
    known = set(cls.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(
            f"config: [{name}]: unknown keys {sorted(unknown)}; known: {sorted(known)}"
        )
    defaults = cls()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"config: [{name}] {key} = {value!r}: expected {expected.__name__}")
        if expected in (int, float) and key in _ZERO_ALLOWED and value < 0:
            raise ConfigError(f"config: [{name}] {key} must not be negative, got {value}")
        if expected in (int, float) and key not in _ZERO_ALLOWED and value <= 0:
            raise ConfigError(f"config: [{name}] {key} must be positive, got {value}")
        values[key] = value
    return cls(**values)


def _fetch_settings(raw: dict[str, Any]) -> FetchSettings:
    settings: FetchSettings = _typed_section(raw, FetchSettings, "fetch")
    if settings.contact_url and not settings.contact_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"config: [fetch] contact_url = {settings.contact_url!r}: expected an http(s) URL"
        )
    return settings


def _schedule_settings(raw: dict[str, Any]) -> ScheduleSettings:
    settings: ScheduleSettings = _typed_section(raw, ScheduleSettings, "schedule")
    if settings.min_interval_minutes > settings.max_interval_minutes:
        raise ConfigError("config: [schedule] min_interval_minutes is above max_interval_minutes")
    return settings


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
        kind = str(item.get("kind", "feed"))
        if kind not in SOURCE_KINDS:
            raise ConfigError(
                f"config: source {item['name']!r}: kind = {kind!r}; expected one of "
                + ", ".join(SOURCE_KINDS)
            )
        selector = str(item["selector"]) if item.get("selector") else None
        xpath = str(item["xpath"]) if item.get("xpath") else None
        if (selector or xpath) and kind != "page":
            raise ConfigError(
                f'config: source {item["name"]!r}: selector and xpath are for kind = "page"'
            )
        if selector and xpath:
            raise ConfigError(f"config: source {item['name']!r}: give selector or xpath, not both")
        specs.append(SourceSpec(str(item["name"]), url, kind, selector, xpath))
    return tuple(specs)


def _watchlists(raw: Any) -> tuple[Watchlist, ...]:
    if not isinstance(raw, list):
        raise ConfigError("config: [[watchlists]] must be an array of tables")
    lists: list[Watchlist] = []
    known = set(Watchlist.__dataclass_fields__)
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            raise ConfigError(f"config: watchlist #{i} needs a name")
        name = str(item["name"]).strip()
        if unknown := set(item) - known:
            raise ConfigError(
                f"config: watchlist {name!r}: unknown keys {sorted(unknown)}; "
                f"known: {sorted(known)}"
            )
        values: dict[str, tuple[str, ...]] = {}
        for key in ("vendors", "products"):
            value = item.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"config: watchlist {name!r}: {key}: expected a list of strings")
            values[key] = tuple(v.strip() for v in value if v.strip())
        if any(w.name == name for w in lists):
            raise ConfigError(f"config: watchlist {name!r} is defined twice")
        lists.append(Watchlist(name, values["vendors"], values["products"]))
    return tuple(lists)


def load_settings(path: Path | None, *, required: bool = False) -> Settings:
    """Read settings from ``path``; a missing default file gives the built-in defaults."""
    from tracker.digest.settings import parse_digests, parse_smtp

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
    extract_paths: dict[str, Path] = {}
    for key, default in (
        ("vendors_file", "vendors.toml"),
        ("catalog_dir", "catalog"),
        ("attributions_file", "attributions.toml"),
    ):
        extract_paths[key] = BUNDLED_CONFIG_DIR / default
        if key in extract:
            extract_paths[key] = base / str(extract[key])
            if not extract_paths[key].exists():
                raise ConfigError(f"config: {path}: [extract] {key} {extract_paths[key]} not found")
    vendors = extract_paths["vendors_file"]
    timezone = str(display.get("timezone", "")) or os.environ.get("TRACKER_TIMEZONE", "")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"config: [display] timezone {timezone!r} is not a known zone"
            ) from exc
    site = demo.get("site_dir")
    port = demo.get("port", DEMO_PORT)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ConfigError(f"config: [demo] port = {port!r}: expected a port number (0: any)")
    return Settings(
        path=path,
        fetch=_fetch_settings(_section(data, "fetch")),
        schedule=_schedule_settings(_section(data, "schedule")),
        vendors_file=vendors,
        catalog_dir=extract_paths["catalog_dir"],
        attributions_file=extract_paths["attributions_file"],
        timezone=timezone,
        sources=_sources(data.get("sources", [])),
        demo_site_dir=(base / str(site)).resolve() if site else None,
        demo_port=port,
        digests=parse_digests(data.get("digests", []), timezone),
        smtp=parse_smtp(data.get("smtp")),
        exposure=_typed_section(_section(data, "exposure"), ExposureSettings, "exposure"),
        watchlists=_watchlists(data.get("watchlists", [])),
    )
