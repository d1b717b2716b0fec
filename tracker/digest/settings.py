"""Pure: the ``[[digests]]`` and ``[smtp]`` sections of the configuration, validated.

``tracker.config`` calls ``parse_digests`` and ``parse_smtp``; every mistake is a
``ConfigError`` naming the digest and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import time, tzinfo
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.errors import ConfigError
from tracker.models import EVENT_TYPES

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CADENCES = ("daily", "weekly")
SECURITY_MODES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADERS = HeaderRegistry()


@dataclass(frozen=True, slots=True)
class Watchlist:
    """What a digest follows; a story matching any item is a candidate."""

    vendors: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # catalog ids, names, aliases or part numbers
    categories: tuple[str, ...] = ()  # catalog categories: soc, memory, packaging...
    event_types: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when nothing is listed: the digest then follows every story."""
        return not (
            self.vendors or self.products or self.categories or self.event_types or self.keywords
        )


@dataclass(frozen=True, slots=True)
class Thresholds:
    """What makes the cut."""

    min_relevance: float = 0.3  # 0..1; see tracker.digest.select.relevance
    max_per_group: int = 10  # stories shown per watchlist item; the rest are counted
    spike_factor: float = 3.0  # a vendor spikes at this many times its 14-day baseline
    spike_min_articles: int = 3  # and in at least this many articles of the period


@dataclass(frozen=True, slots=True)
class Cadence:
    """When a digest is due: daily at a local time, or weekly on a day at that time."""

    every: str = "daily"
    at: time = time(7, 0)
    weekday: int = 0  # Monday = 0, for weekly digests
    timezone: str = "UTC"

    @property
    def tz(self) -> tzinfo:
        """The digest's timezone (checked when the settings were read)."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class DigestSpec:
    """One configured digest."""

    name: str
    recipients: tuple[str, ...]  # formatted addresses: "Ana Müller <ana@example.com>"
    cadence: Cadence = field(default_factory=Cadence)
    watchlist: Watchlist = field(default_factory=Watchlist)
    thresholds: Thresholds = field(default_factory=Thresholds)
    send_empty: bool = False  # send a "nothing new" notice on an empty period
    title: str = "Supply-chain digest"
    unsubscribe: str = ""  # List-Unsubscribe target: mailto: or http(s) URL


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """How digests leave: one SMTP server."""

    host: str = "localhost"
    port: int = 587
    security: str = "starttls"  # starttls | tls (implicit, port 465) | none
    username: str = ""
    password_env: str = ""  # the NAME of the environment variable holding the password
    from_address: str = ""
    timeout_s: float = 30.0
    max_attempts: int = 10  # then the message is marked failed (shown by `digest status`)
    retry_base_s: float = 60.0  # first retry after this long, doubling each time
    retry_max_s: float = 21600.0  # never wait longer than this between two attempts
    # A sender's claim on a message, renewed while the server takes it: another sender
    # takes the message over this long after a sender stopped renewing (it died).
    lease_s: float = 120.0


def _where(name: str | None, index: int) -> str:
    return f"[[digests]] {name!r}" if name else f"[[digests]] #{index}"


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"config: {where} {key}: expected a list of non-empty strings")
    return tuple(dict.fromkeys(v.strip() for v in value))


def _unknown(raw: dict[str, Any], known: set[str], where: str) -> None:
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(
            f"config: {where}: unknown keys {sorted(unknown)}; known: {sorted(known)}"
        )


def _parsed(value: str) -> AddressHeader:
    header = _HEADERS("to", value)
    assert isinstance(header, AddressHeader)
    return header


def parse_address(value: str, where: str) -> str:
    """``value`` as one formatted address ("Name <a@b.c>"); ConfigError when it is not one."""
    try:
        header = _parsed(value.strip())
    except (ValueError, IndexError) as exc:  # the parser's own failures on odd input
        raise ConfigError(f"config: {where}: {value!r} is not an e-mail address") from exc
    addresses = header.addresses
    if (
        getattr(header, "defects", ())
        or len(addresses) != 1
        or not addresses[0].username
        or "." not in addresses[0].domain
        or any(c in value for c in "\r\n")
    ):
        raise ConfigError(f"config: {where}: {value!r} is not one e-mail address")
    return str(addresses[0])


def address(formatted: str) -> Address:
    """The one address of an already checked formatted address."""
    return _parsed(formatted).addresses[0]


def address_of(formatted: str) -> str:
    """The bare address of a formatted one, lower-cased: the outbox's recipient key."""
    return address(formatted).addr_spec.lower()


def _watchlist(raw: Any, where: str) -> Watchlist:
    if not isinstance(raw, dict):
        raise ConfigError(f"config: {where} watchlist must be a table")
    known = {f.name for f in fields(Watchlist)}
    _unknown(raw, known, f"{where} watchlist")
    values = {key: _strings(value, where, f"watchlist.{key}") for key, value in raw.items()}
    for event_type in values.get("event_types", ()):
        if event_type not in EVENT_TYPES:
            raise ConfigError(
                f"config: {where} watchlist.event_types: {event_type!r} is not an event type "
                f"(one of {', '.join(EVENT_TYPES)})"
            )
    return Watchlist(**values)


def _thresholds(raw: Any, where: str) -> Thresholds:
    if not isinstance(raw, dict):
        raise ConfigError(f"config: {where} thresholds must be a table")
    known = {f.name for f in fields(Thresholds)}
    _unknown(raw, known, f"{where} thresholds")
    defaults = Thresholds()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(
                f"config: {where} thresholds.{key} = {value!r}: expected {expected.__name__}"
            )
        values[key] = value
    result = Thresholds(**values)
    if not 0.0 <= result.min_relevance <= 1.0:
        raise ConfigError(
            f"config: {where} thresholds.min_relevance = {result.min_relevance}: "
            "expected a number from 0 to 1"
        )
    for key in ("max_per_group", "spike_min_articles", "spike_factor"):
        if getattr(result, key) <= 0:
            raise ConfigError(f"config: {where} thresholds.{key} must be positive")
    return result


def _cadence(raw: dict[str, Any], where: str, default_timezone: str) -> Cadence:
    every = raw.get("cadence", "daily")
    if every not in CADENCES:
        raise ConfigError(f"config: {where} cadence = {every!r}: expected 'daily' or 'weekly'")
    at = raw.get("time", "07:00")
    match = _TIME.match(at) if isinstance(at, str) else None
    if match is None:
        raise ConfigError(f'config: {where} time = {at!r}: expected HH:MM, 24-hour ("07:00")')
    day = raw.get("day")
    if every == "daily" and day is not None:
        raise ConfigError(f'config: {where} day is only for weekly digests (cadence = "weekly")')
    weekday = 0
    if every == "weekly":
        if not isinstance(day, str) or day.strip().lower() not in WEEKDAYS:
            raise ConfigError(
                f"config: {where} day = {day!r}: a weekly digest needs a day "
                f"({', '.join(WEEKDAYS)})"
            )
        weekday = WEEKDAYS.index(day.strip().lower())
    timezone = raw.get("timezone", default_timezone or "UTC")
    if not isinstance(timezone, str):
        raise ConfigError(f"config: {where} timezone = {timezone!r}: expected an IANA name")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"config: {where} timezone {timezone!r} is not a known zone (use an IANA name "
            'such as "Europe/Berlin")'
        ) from exc
    return Cadence(every, time(int(match[1]), int(match[2])), weekday, timezone)


_DIGEST_KEYS = {
    "name", "recipients", "cadence", "time", "day", "timezone", "watchlist", "thresholds",
    "send_empty", "title", "unsubscribe",
}  # fmt: skip


def _digest(raw: Any, index: int, default_timezone: str) -> DigestSpec:
    if not isinstance(raw, dict):
        raise ConfigError(f"config: [[digests]] #{index} must be a table")
    name = raw.get("name")
    where = _where(name if isinstance(name, str) else None, index)
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(
            f"config: {where}: name {name!r} must be lower-case letters, digits, - or _ "
            "(it appears in List-Id and Message-ID)"
        )
    _unknown(raw, _DIGEST_KEYS, where)
    recipients = _strings(raw.get("recipients", []), where, "recipients")
    if not recipients:
        raise ConfigError(f"config: {where}: recipients is empty (list at least one address)")
    formatted = tuple(parse_address(r, f"{where} recipients") for r in recipients)
    if len({address_of(r) for r in formatted}) != len(formatted):
        raise ConfigError(f"config: {where}: recipients lists an address twice")
    send_empty = raw.get("send_empty", False)
    if not isinstance(send_empty, bool):
        raise ConfigError(f"config: {where} send_empty = {send_empty!r}: expected true or false")
    title = raw.get("title", "Supply-chain digest")
    if not isinstance(title, str) or not title.strip() or "\n" in title:
        raise ConfigError(f"config: {where} title = {title!r}: expected one line of text")
    unsubscribe = raw.get("unsubscribe", "")
    if not isinstance(unsubscribe, str) or (
        unsubscribe and not unsubscribe.startswith(("mailto:", "https://", "http://"))
    ):
        raise ConfigError(
            f"config: {where} unsubscribe = {unsubscribe!r}: expected a mailto: or http(s) URL"
        )
    return DigestSpec(
        name=name,
        recipients=formatted,
        cadence=_cadence(raw, where, default_timezone),
        watchlist=_watchlist(raw.get("watchlist", {}), where),
        thresholds=_thresholds(raw.get("thresholds", {}), where),
        send_empty=send_empty,
        title=title.strip(),
        unsubscribe=unsubscribe,
    )


def parse_digests(raw: Any, default_timezone: str = "") -> tuple[DigestSpec, ...]:
    """The ``[[digests]]`` array; a digest without its own timezone uses ``default_timezone``."""
    if not isinstance(raw, list):
        raise ConfigError("config: [[digests]] must be an array of tables")
    specs = tuple(_digest(item, i, default_timezone) for i, item in enumerate(raw, 1))
    names = [s.name for s in specs]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"config: [[digests]] {name!r} is defined twice")
    return specs


def parse_smtp(raw: Any) -> SmtpSettings | None:
    """The ``[smtp]`` table, or None when the file has none."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError("config: [smtp] must be a table")
    known = {f.name for f in fields(SmtpSettings)}
    _unknown(raw, known, "[smtp]")
    defaults = SmtpSettings()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(f"config: [smtp] {key} = {value!r}: expected {expected.__name__}")
        values[key] = value.strip() if isinstance(value, str) else value
    security = values.get("security", defaults.security)
    if security not in SECURITY_MODES:
        raise ConfigError(
            f'config: [smtp] security = {security!r}: expected "starttls", "tls" (implicit '
            'TLS, usually port 465) or "none"'
        )
    values.setdefault("port", DEFAULT_PORTS[security])
    settings = SmtpSettings(**values)
    if not settings.host:
        raise ConfigError("config: [smtp] host is empty")
    if not 0 < settings.port < 65536:
        raise ConfigError(f"config: [smtp] port = {settings.port}: expected 1 to 65535")
    if not settings.from_address:
        raise ConfigError('config: [smtp] from_address is missing ("Tracker <digest@example.com>")')
    parse_address(settings.from_address, "[smtp] from_address")
    if settings.password_env and not _ENV_NAME.match(settings.password_env):
        raise ConfigError(
            f"config: [smtp] password_env = {settings.password_env!r}: expected the NAME of an "
            'environment variable (such as "TRACKER_SMTP_PASSWORD"), not the password'
        )
    if settings.username and not settings.password_env:
        raise ConfigError(
            "config: [smtp] username is set but password_env is not (name the environment "
            "variable that holds the password)"
        )
    if settings.password_env and not settings.username:
        raise ConfigError("config: [smtp] password_env is set but username is not")
    if settings.username and settings.security == "none":
        raise ConfigError(
            'config: [smtp] a username with security = "none" would send the password in '
            'clear text (use "starttls" or "tls")'
        )
    for key in ("timeout_s", "retry_base_s", "retry_max_s", "max_attempts", "lease_s"):
        if not getattr(settings, key) > 0:
            raise ConfigError(f"config: [smtp] {key} must be positive")
    return settings
