"""Settings, resolved once from a TOML file and passed down.

Relative paths inside a config file are relative to that file's folder. The file is checked
by pydantic against the dataclasses below (the tables) and the ``Rule`` each field carries;
the first mistake is one ``ConfigError`` line naming the file, the table and the key. pydantic
is imported only when a file is read, so commands that need no settings start without it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tomllib
import typing
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.errors import ConfigError
from tracker.models import EVENT_TYPES

if TYPE_CHECKING:
    from pydantic import ValidationError

    from tracker.digest.settings import DigestSpec, SmtpSettings

DEFAULT_CONFIG = Path("config/tracker.toml")
DEFAULT_DB_URL = "sqlite:///tracker.db"
BUNDLED_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
# `tracker demo` serves the sample site here, so the sources it stores keep working (a port
# below the ephemeral range, rarely taken; a taken one falls back to a free port).
DEMO_PORT = 28413
MAX_NAME_CHARS = 200  # a source's or watchlist's name


class Rule:
    """What a field's value must satisfy, as pydantic metadata (``Annotated[float, POSITIVE]``):
    ``problem`` returns what is wrong with a value of the right type, or "" when nothing is."""

    def __init__(self, problem: Callable[[Any], str]) -> None:
        self.problem = problem

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic import AfterValidator

        def check(value: Any) -> Any:
            if problem := self.problem(value):
                raise ValueError(problem)
            return value

        return AfterValidator(check).__get_pydantic_core_schema__(source, handler)


class Convert:
    """A value made into what the settings keep, as pydantic metadata: ``convert`` returns
    it (trimmed, one string as a list of one...) or raises ValueError saying what is wrong;
    ``before`` runs it before the type is checked."""

    def __init__(self, convert: Callable[[Any], Any], *, before: bool = False) -> None:
        self.convert = convert
        self.before = before

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic import AfterValidator, BeforeValidator

        validator = BeforeValidator if self.before else AfterValidator
        return validator(self.convert).__get_pydantic_core_schema__(source, handler)


def rule(test: Callable[[Any], bool], message: str) -> Rule:
    """A ``Rule`` that says ``message`` when ``test`` fails."""
    return Rule(lambda value: "" if test(value) else message)


POSITIVE = rule(lambda v: math.isfinite(v) and v > 0, "must be a finite number > 0")
NOT_NEGATIVE = rule(lambda v: math.isfinite(v) and v >= 0, "must be a finite number >= 0")
FRACTION = rule(lambda v: 0 <= v <= 1, "must be a number from 0 to 1")
PORT = rule(lambda v: 1 <= v <= 65535, "must be a port number from 1 to 65535")


def zone_problem(name: str) -> str:
    """What is wrong with ``name`` as a timezone ("" for none; "" itself means local time)."""
    if not name:
        return ""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return 'not a known zone (use an IANA name such as "Europe/Berlin")'
    return ""


ZONE = Rule(zone_problem)


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def name_problem(name: str) -> str:
    """What is wrong with ``name`` as the name of a source or watchlist, or ""."""
    if not name.strip():
        return "must not be blank"
    if _has_control(name):
        return "must be one line without control characters"
    if len(name) > MAX_NAME_CHARS:
        return f"must be at most {MAX_NAME_CHARS} characters (it has {len(name)})"
    return ""


def url_problem(url: str) -> str:
    """What is wrong with ``url`` as an http(s) URL to fetch, or ""."""
    if _has_control(url) or any(ch.isspace() for ch in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535"...
        return f"is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http(s) URL"
    if port == 0:
        return "has port 0 (ports are 1 to 65535)"
    return ""


NAME = Rule(name_problem)
NOT_BLANK = rule(lambda text: bool(text.strip()), "must not be empty")


def _one_or_many(value: Any) -> Any:
    if isinstance(value, str):
        return (value,)
    return tuple(value) if isinstance(value, list) else value


def _tidy(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values))


# A list of non-empty strings (one string is a list of one), trimmed, each once.
Strings = Annotated[
    tuple[Annotated[str, NOT_BLANK], ...],
    Convert(_one_or_many, before=True),
    Convert(_tidy),
]

URL = Rule(lambda url: "" if url.startswith("{fixtures}") else url_problem(url))


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How the fetcher talks to the network."""

    timeout_s: Annotated[float, POSITIVE] = 20.0
    connect_timeout_s: Annotated[float, POSITIVE] = 10.0
    max_body_bytes: Annotated[int, POSITIVE] = 10_000_000
    max_redirects: Annotated[int, POSITIVE] = 5
    concurrency: Annotated[int, POSITIVE] = 8
    user_agent: str = "tracker/0.1 (self-hosted supply-chain news tracker)"
    allow_private_hosts: bool = False
    fetch_pages: bool = True
    # appended to the User-Agent so site owners can reach you
    contact_url: Annotated[str, Rule(lambda u: u and url_problem(u))] = ""
    per_host_concurrency: Annotated[int, POSITIVE] = 2
    per_host_delay_s: Annotated[float, NOT_NEGATIVE] = 1.0  # between two requests to one host
    respect_robots: bool = True  # robots.txt, for article pages (feeds are subscribed to)
    # Processes for parsing and extraction; 0: one per core; 1 (or 0 on one core): none, threads.
    workers: Annotated[int, NOT_NEGATIVE] = 0
    listing_max_pages: Annotated[int, POSITIVE] = 3  # listing pages followed while links are new
    sitemap_max_children: Annotated[int, POSITIVE] = 20  # child sitemaps per fetch, newest first
    sitemap_max_entries: Annotated[int, POSITIVE] = 500  # entries per sitemap fetch, newest first
    sitemap_max_bytes: Annotated[int, POSITIVE] = 50_000_000  # inflated size (no gzip bombs)


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """When sources are fetched again: intervals, backoff after failures, health."""

    interval_minutes: Annotated[int, POSITIVE] = 30
    adaptive: bool = False  # follow each source's publishing rhythm, within min/max
    min_interval_minutes: Annotated[int, POSITIVE] = 10
    max_interval_minutes: Annotated[int, POSITIVE] = 1440
    jitter_fraction: Annotated[float, NOT_NEGATIVE] = 0.1  # +-10%: sources never re-synchronise
    max_backoff_minutes: Annotated[int, POSITIVE] = 1440
    failing_after: Annotated[int, POSITIVE] = 3  # 404s or DNS failures in a row: "failing"
    silent_factor: Annotated[float, POSITIVE] = 4.0  # silent: nothing for this many usual gaps
    tick_s: Annotated[float, POSITIVE] = 30.0  # how often `tracker run` looks for due sources
    shutdown_grace_s: Annotated[float, POSITIVE] = 10.0  # in-flight fetches' time on SIGTERM
    lease_s: Annotated[float, POSITIVE] = 300.0  # a worker's hold on a source; a dead one's ends
    claim_batch: Annotated[int, POSITIVE] = 50  # sources one worker fetches at once
    fetch_log_days: Annotated[int, POSITIVE] = 90  # the fetch log keeps this long (and the last)


def _schedule_problem(schedule: ScheduleSettings) -> str:
    if schedule.min_interval_minutes > schedule.max_interval_minutes:
        return "min_interval_minutes is above max_interval_minutes"
    return ""


@dataclass(frozen=True, slots=True)
class ExposureSettings:
    """How `tracker exposure` weighs links and news."""

    half_life_days: Annotated[float, POSITIVE] = 90.0  # a supplier link weighs half after this
    news_half_life_days: Annotated[float, POSITIVE] = 14.0  # an event weighs half after this
    window_days: Annotated[int, POSITIVE] = 30  # the news window when --since is not given
    baseline_windows: Annotated[int, POSITIVE] = 3  # the trend compares this many windows
    tier_discount: Annotated[float, POSITIVE] = 0.5  # each tier beyond the first counts this
    tier_frontier: Annotated[int, POSITIVE] = 20  # the next tier follows the strongest links


EVENT_TYPE = rule(
    lambda kind: kind in EVENT_TYPES, f"is not an event type (one of {', '.join(EVENT_TYPES)})"
)


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A named list of what to follow, a ``[[watchlists]]`` table: `tracker exposure
    --watchlist NAME` ranks its vendors and products, a digest naming it (``watchlist =
    "NAME"``) follows all of it; a story matching any item is a candidate."""

    name: Annotated[str, NAME] = ""
    vendors: Strings = ()
    products: Strings = ()  # catalog ids, names, aliases or part numbers
    categories: Strings = ()  # catalog categories: soc, memory, packaging... (digests)
    event_types: Annotated[
        tuple[Annotated[str, EVENT_TYPE], ...], Convert(_one_or_many, before=True)
    ] = ()  # (digests)
    keywords: Strings = ()  # (digests)

    @property
    def is_empty(self) -> bool:
        """True when nothing is listed: a digest then follows every story."""
        return not (
            self.vendors or self.products or self.categories or self.event_types or self.keywords
        )


def _watchlists_problem(watchlists: Sequence[Watchlist]) -> str:
    for i, watchlist in enumerate(watchlists, 1):
        if not watchlist.name:
            return f"watchlist #{i} needs a name"
    return unique("watchlist").problem(watchlists)


ALERT_FORMATS = ("json", "slack", "teams")
NEW_SUPPLIER = "new_supplier"  # an alert trigger: a supplier reported for the first time
ALERT_EVENTS = ("disruption", "export_control", "shortage", NEW_SUPPLIER)
ALERT_EVENT = rule(
    lambda kind: kind in ALERT_EVENTS, f"is not an alert trigger (one of {', '.join(ALERT_EVENTS)})"
)


@dataclass(frozen=True, slots=True)
class AlertSpec:
    """An ``[[alerts]]`` table: POST each new story about the watchlist's vendors or products
    that carries one of ``events`` to a webhook, once per story and endpoint."""

    name: Annotated[str, NAME]
    watchlist: Annotated[str, NAME]
    url: Annotated[str, Rule(lambda url: url_problem(url) if url else "")] = ""
    url_env: str = ""  # the NAME of a variable holding the URL (webhook URLs are secrets)
    format: Literal["json", "slack", "teams"] = "json"
    events: Annotated[
        tuple[Annotated[str, ALERT_EVENT], ...], Convert(_one_or_many, before=True)
    ] = ALERT_EVENTS
    timeout_s: Annotated[float, POSITIVE] = 10.0
    max_attempts: Annotated[int, POSITIVE] = 8  # then failed
    retry_base_s: Annotated[float, POSITIVE] = 30.0  # first retry after this, then doubling
    retry_max_s: Annotated[float, POSITIVE] = 3600.0

    def endpoint(self) -> str:
        """The webhook URL (from ``url`` or the variable ``url_env``), or "" when unset."""
        if self.url:
            return self.url
        return os.environ.get(self.url_env, "") if self.url_env else ""


def _alert_problem(alert: AlertSpec) -> str:
    if bool(alert.url) == bool(alert.url_env):
        return "give url or url_env (the name of a variable holding the URL), one of them"
    return ""


ROLES = ("viewer", "analyst")


@dataclass(frozen=True, slots=True)
class WebUser:
    """Someone who may log in to `tracker serve` (the hash from `tracker web hash-password`)."""

    name: Annotated[str, NAME]
    password_hash: Annotated[str, NOT_BLANK]
    role: Literal["viewer", "analyst"] = "viewer"


@dataclass(frozen=True, slots=True)
class WebSettings:
    """`tracker serve`: who may use it. With neither a token nor users it serves loopback
    only, to anyone there, as an analyst."""

    token: str = ""  # or TRACKER_WEB_TOKEN: a shared secret (Bearer header, or the login form)
    token_role: Literal["viewer", "analyst"] = "analyst"
    users: tuple[WebUser, ...] = ()
    secret: str = ""  # signs session cookies; empty: a new one each start (sessions end)
    session_hours: Annotated[int, POSITIVE] = 12
    secure_cookies: bool = False  # mark cookies Secure (always so over https)

    @property
    def has_auth(self) -> bool:
        """True when logging in is required."""
        return bool(self.token or self.users)


SOURCE_KINDS = ("feed", "page", "sitemap")


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source declared in the configuration file."""

    name: Annotated[str, NAME]
    url: Annotated[str, URL]
    kind: Literal["feed", "page", "sitemap"] = "feed"
    selector: str | None = None  # page sources: CSS selector naming the article links
    xpath: str | None = None  # ...or an XPath expression


def _source_problem(source: SourceSpec) -> str:
    if (source.selector or source.xpath) and source.kind != "page":
        return 'selector and xpath are for kind = "page"'
    if source.selector and source.xpath:
        return "give selector or xpath, not both"
    return ""


def unique(what: str) -> Rule:
    """A ``Rule`` for an array of named tables: no name twice."""

    def problem(items: Iterable[Any]) -> str:
        seen: set[str] = set()
        for item in items:
            if item.name in seen:
                return f"{what} {item.name!r} is defined twice"
            seen.add(item.name)
        return ""

    return Rule(problem)


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
    web: WebSettings = field(default_factory=WebSettings)
    alerts: tuple[AlertSpec, ...] = ()
    notices: tuple[str, ...] = ()  # what the file should say otherwise (deprecated forms)

    def tzinfo(self) -> ZoneInfo | None:
        """The display timezone, or None for the system's local time."""
        if not self.timezone:
            return None
        return ZoneInfo(self.timezone)


# The tables of the file that are not settings of their own.


@dataclass(frozen=True, slots=True)
class _Extract:
    vendors_file: str = ""
    catalog_dir: str = ""
    attributions_file: str = ""


@dataclass(frozen=True, slots=True)
class _Display:
    timezone: Annotated[str, ZONE] = ""


@dataclass(frozen=True, slots=True)
class _Demo:
    site_dir: str = ""
    port: Annotated[int, rule(lambda p: 0 <= p <= 65535, "must be a port number (0: any)")] = (
        DEMO_PORT
    )


@cache
def _file_type() -> Any:
    """The dataclass a whole file is read into: one field per table, unknown tables refused."""
    from tracker.digest.settings import DIGEST_NAME, DigestTable, SmtpTable

    tables: list[tuple[str, Any, Any]] = [
        ("fetch", FetchSettings, FetchSettings()),
        ("schedule", Annotated[ScheduleSettings, Rule(_schedule_problem)], ScheduleSettings()),
        ("extract", _Extract, _Extract()),
        ("display", _Display, _Display()),
        ("demo", _Demo, _Demo()),
        ("sources", Annotated[tuple[_SOURCE, ...], unique("source")], ()),
        ("digests", Annotated[tuple[DigestTable, ...], unique(DIGEST_NAME)], ()),
        ("smtp", SmtpTable | None, None),
        ("exposure", ExposureSettings, ExposureSettings()),
        ("watchlists", Annotated[tuple[Watchlist, ...], Rule(_watchlists_problem)], ()),
        ("web", WebSettings, WebSettings()),
        ("alerts", Annotated[tuple[_ALERT, ...], unique("alert")], ()),
    ]
    fields = [(name, kind, field(default=default)) for name, kind, default in tables]
    made = dataclasses.make_dataclass("File", fields, frozen=True)
    refuse_unknown_keys(made)
    return made


_SOURCE = Annotated[SourceSpec, Rule(_source_problem)]
_ALERT = Annotated[AlertSpec, Rule(_alert_problem)]


def refuse_unknown_keys(*tables: type) -> None:
    """Make pydantic refuse keys the dataclasses ``tables`` do not have, when read from a file."""
    for table in tables:
        setattr(table, "__pydantic_config__", {"extra": "forbid"})  # noqa: B010


refuse_unknown_keys(FetchSettings, ScheduleSettings, ExposureSettings, Watchlist, SourceSpec)
refuse_unknown_keys(WebSettings, WebUser, AlertSpec)
refuse_unknown_keys(_Extract, _Display, _Demo)


def read_tables(data: dict[str, Any], path: Path) -> Any:
    """``data`` (a parsed TOML file) checked and read into the file's dataclasses.

    It is checked as JSON in pydantic's strict mode: TOML's types are JSON's (dates aside,
    which no key takes), so numbers, strings and booleans must be of the declared type while
    tables become dataclasses and arrays tuples."""
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(_file_type()).validate_json(json.dumps(data, default=str), strict=True)
    except ValidationError as exc:
        raise ConfigError(f"config: {path}: {describe_error(exc, data)}") from None


_TYPE_WORDS = {
    "dataclass_type": "expected a table",
    "tuple_type": "expected an array",
    "float_type": "expected a number",
    "int_type": "expected a whole number",
    "bool_type": "expected true or false",
    "string_type": "expected a string",
}


def describe_error(exc: ValidationError, data: dict[str, Any]) -> str:
    """The first error of ``exc`` in one line: where (table and key), what, the value given."""
    from tracker.wording import shorten

    error = exc.errors()[0]
    loc = list(error["loc"])
    where = _where(loc, data)
    kind = error["type"]
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        known = _known_keys(loc[:-1])
        guess = _closest(str(loc[-1]), known)
        if len(loc) == 1:
            hint = f" (did you mean [{guess}]?)" if guess else ""
            return f"[{loc[0]}]: unknown table{hint}; known: {', '.join(sorted(known))}"
        hint = f" (did you mean {guess}?)" if guess else f"; known: {', '.join(sorted(known))}"
        return f"{where}: unknown key{hint}"
    if kind in ("missing", "missing_argument"):
        return f"{where}: missing"
    if kind == "value_error":  # a Rule's or a Convert's own words
        message = str(error.get("ctx", {}).get("error", error["msg"]))
    else:
        message = _TYPE_WORDS.get(kind) or str(error["msg"]).replace("Input should be", "expected")
    given = error.get("input")
    if isinstance(given, dict | list):
        return f"{where}: {message}"
    return f"{where}: {message}, got {shorten(repr(given), 80)}"


def _where(loc: list[int | str], data: dict[str, Any]) -> str:
    """``[fetch] timeout_s``, ``[[sources]] 'name' url``, ``[[digests]] #2 watchlist.vendors``."""
    if not loc:
        return "file"
    head, rest = str(loc[0]), loc[1:]
    value = data.get(head)
    if isinstance(value, list) and rest and isinstance(rest[0], int):
        item = value[rest[0]] if rest[0] < len(value) else None
        name = item.get("name") if isinstance(item, dict) else None
        label = repr(name) if isinstance(name, str) else f"#{rest[0] + 1}"
        table, rest = f"[[{head}]] {label}", rest[1:]
    elif typing.get_origin(_unwrapped(_file_type(), head)) is tuple:
        table = f"[[{head}]]"
    else:
        table = f"[{head}]"
    keys = ".".join(str(part) for part in rest if isinstance(part, str))
    return f"{table} {keys}" if keys else table


def _unwrapped(table: Any, key: str) -> Any:
    """The type of ``key`` in the dataclass ``table``, Annotated's metadata left out."""
    return typing.get_type_hints(table).get(key)


def _known_keys(loc: list[int | str]) -> list[str]:
    """The keys the table at ``loc`` takes."""
    kind: Any = _file_type()
    for part in loc:
        if isinstance(part, int):
            continue
        kind = _unwrapped(kind, str(part))
        while typing.get_args(kind):  # tuple[X, ...], X | None: to X
            kind = typing.get_args(kind)[0]
    if not dataclasses.is_dataclass(kind):
        return []
    return [f.name for f in dataclasses.fields(kind)]


def _closest(typed: str, known: list[str]) -> str:
    from tracker.catalog.names import Names

    return Names("key", ((key, ()) for key in known)).suggest(typed) or ""


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
    from tracker.digest.settings import smtp_settings

    tables = read_tables(data, path)
    notices: list[str] = []
    base = path.resolve().parent
    extract_paths: dict[str, Path] = {}
    for key, default in (
        ("vendors_file", "vendors.toml"),
        ("catalog_dir", "catalog"),
        ("attributions_file", "attributions.toml"),
    ):
        given = getattr(tables.extract, key)
        extract_paths[key] = base / given if given else BUNDLED_CONFIG_DIR / default
        if given and not extract_paths[key].exists():
            raise ConfigError(f"config: {path}: [extract] {key}: {extract_paths[key]} not found")
    timezone = tables.display.timezone or os.environ.get("TRACKER_TIMEZONE", "")
    if problem := zone_problem(timezone):
        raise ConfigError(f"config: TRACKER_TIMEZONE: {timezone!r} is {problem}")
    site = tables.demo.site_dir
    return Settings(
        path=path,
        fetch=tables.fetch,
        schedule=tables.schedule,
        vendors_file=extract_paths["vendors_file"],
        catalog_dir=extract_paths["catalog_dir"],
        attributions_file=extract_paths["attributions_file"],
        timezone=timezone,
        sources=tables.sources,
        demo_site_dir=(base / site).resolve() if site else None,
        demo_port=tables.demo.port,
        digests=tuple(
            digest.spec(timezone, _digest_watchlist(digest, tables.watchlists, path, notices))
            for digest in tables.digests
        ),
        smtp=smtp_settings(tables.smtp, data["smtp"]) if tables.smtp else None,
        exposure=tables.exposure,
        watchlists=tables.watchlists,
        notices=tuple(notices),
        web=tables.web,
        alerts=_checked_alerts(tables.alerts, tables.watchlists, path),
    )


def _checked_alerts(
    alerts: tuple[AlertSpec, ...], watchlists: tuple[Watchlist, ...], path: Path
) -> tuple[AlertSpec, ...]:
    """The alerts, each naming a ``[[watchlists]]`` table (a ConfigError otherwise)."""
    known = {w.name for w in watchlists}
    for alert in alerts:
        if alert.watchlist not in known:
            from tracker.catalog.names import Names

            names = Names("watchlist", ((n, ()) for n in known), see="the [[watchlists]] tables")
            where = f"config: {path}: [[alerts]] {alert.name!r} watchlist"
            raise ConfigError(names.unknown(alert.watchlist, where))
    return alerts


def _digest_watchlist(
    digest: Any, watchlists: tuple[Watchlist, ...], path: Path, notices: list[str]
) -> Watchlist:
    """The watchlist a digest follows: the ``[[watchlists]]`` table it names, or (the older
    form, with a notice) its own ``[digests.watchlist]`` table."""
    if not digest.watchlist.name or not digest.watchlist.is_empty:
        if not digest.watchlist.is_empty:
            notices.append(
                f"config: {path}: [[digests]] {digest.name!r}: a [digests.watchlist] table is "
                f"deprecated: move it to a [[watchlists]] table named {digest.name!r} and write "
                f'watchlist = "{digest.name}" in the digest'
            )
        own: Watchlist = dataclasses.replace(digest.watchlist, name=digest.name)
        return own
    from tracker.catalog.names import Names

    known = {w.name: w for w in watchlists}
    names = Names("watchlist", ((name, ()) for name in known), see="the [[watchlists]] tables")
    found = names.find(digest.watchlist.name)
    if found is None:
        where = f"config: {path}: [[digests]] {digest.name!r} watchlist"
        raise ConfigError(names.unknown(digest.watchlist.name, where))
    return known[found]
