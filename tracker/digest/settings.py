"""Pure: the ``[[digests]]`` and ``[smtp]`` tables of the configuration, and their checks.

``tracker.config`` reads them with the rest of the file (``DigestTable``, ``SmtpSettings``);
every mistake is one ``ConfigError`` naming the digest and the key.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import time, tzinfo
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from tracker.config import (
    FRACTION,
    POSITIVE,
    ZONE,
    Convert,
    Rule,
    Strings,
    Watchlist,
    refuse_unknown_keys,
    rule,
)
from tracker.errors import ConfigError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CADENCES = ("daily", "weekly")
SECURITY_MODES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
DIGEST_NAME = "digest"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADERS = HeaderRegistry()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """What makes the cut."""

    min_relevance: Annotated[float, FRACTION] = 0.3  # see tracker.digest.select.relevance
    max_per_group: Annotated[int, POSITIVE] = 10  # stories per watchlist item; the rest counted
    spike_factor: Annotated[float, POSITIVE] = 3.0  # spikes at this many times its baseline
    spike_min_articles: Annotated[int, POSITIVE] = 3  # in at least this many articles


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

    host: Annotated[str, rule(lambda h: bool(h.strip()), "is empty")] = "localhost"
    port: Annotated[int, rule(lambda p: 0 < p < 65536, "expected 1 to 65535")] = 587
    security: Literal["starttls", "tls", "none"] = "starttls"  # tls: implicit, port 465
    username: str = ""
    password_env: Annotated[str, Rule(lambda name: _env_problem(name))] = ""  # its NAME
    from_address: Annotated[str, Rule(lambda text: _address_problem(text))] = ""
    timeout_s: Annotated[float, POSITIVE] = 30.0
    max_attempts: Annotated[int, POSITIVE] = 10  # then failed (shown by `digest status`)
    retry_base_s: Annotated[float, POSITIVE] = 60.0  # first retry after this, then doubling
    retry_max_s: Annotated[float, POSITIVE] = 21600.0  # never longer between two attempts
    # A sender's claim on a message, renewed while the server takes it: another sender
    # takes the message over this long after a sender stopped renewing (it died).
    lease_s: Annotated[float, POSITIVE] = 120.0


def _parsed(value: str) -> AddressHeader:
    header = _HEADERS("to", value)
    assert isinstance(header, AddressHeader)
    return header


def formatted_address(value: str) -> str:
    """``value`` as one formatted address ("Name <a@b.c>"); ValueError when it is not one."""
    try:
        header = _parsed(value.strip())
    except (ValueError, IndexError) as exc:  # the parser's own failures on odd input
        raise ValueError(f"{value!r} is not an e-mail address") from exc
    addresses = header.addresses
    if (
        getattr(header, "defects", ())
        or len(addresses) != 1
        or not addresses[0].username
        or "." not in addresses[0].domain
        or any(c in value for c in "\r\n")
    ):
        raise ValueError(f"{value!r} is not one e-mail address")
    return str(addresses[0])


def parse_address(value: str, where: str) -> str:
    """``value`` as one formatted address; ConfigError naming ``where`` when it is not one."""
    try:
        return formatted_address(value)
    except ValueError as exc:
        raise ConfigError(f"config: {where}: {exc}") from None


def address(formatted: str) -> Address:
    """The one address of an already checked formatted address."""
    return _parsed(formatted).addresses[0]


def address_of(formatted: str) -> str:
    """The bare address of a formatted one, lower-cased: the outbox's recipient key."""
    return address(formatted).addr_spec.lower()


def _address_problem(text: str) -> str:
    try:
        formatted_address(text)
    except ValueError as exc:
        return str(exc)
    return ""


def _env_problem(name: str) -> str:
    if name and not _ENV_NAME.match(name):
        return (
            "expected the NAME of an environment variable (such as "
            '"TRACKER_SMTP_PASSWORD"), not the password'
        )
    return ""


def _smtp_problem(smtp: SmtpSettings) -> str:
    if not smtp.from_address:
        return 'from_address is missing ("Tracker <digest@example.com>")'
    if smtp.username and not smtp.password_env:
        return "username is set but password_env is not (name the variable holding the password)"
    if smtp.password_env and not smtp.username:
        return "password_env is set but username is not"
    if smtp.username and smtp.security == "none":
        return (
            'a username with security = "none" would send the password in clear text '
            '(use "starttls" or "tls")'
        )
    return ""


SmtpTable = Annotated[SmtpSettings, Rule(_smtp_problem)]


def smtp_settings(table: SmtpSettings, raw: dict[str, Any]) -> SmtpSettings:
    """The ``[smtp]`` table read, with the security mode's usual port when none is given."""
    if "port" in raw:
        return table
    return dataclasses.replace(table, port=DEFAULT_PORTS[table.security])


def _recipients(values: tuple[str, ...]) -> tuple[str, ...]:
    formatted = tuple(formatted_address(value) for value in values)
    if not formatted:
        raise ValueError("is empty (list at least one address)")
    if len({address_of(r) for r in formatted}) != len(formatted):
        raise ValueError("lists an address twice")
    return formatted


def _named(value: Any) -> Any:
    """``watchlist = "name"`` as the (empty) watchlist of that name, to be looked up."""
    return Watchlist(name=value) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class _DigestTable:
    """One ``[[digests]]`` table as written."""

    name: Annotated[
        str,
        rule(
            _NAME.match,
            "must be lower-case letters, digits, - or _ (it appears in List-Id and Message-ID)",
        ),
    ]
    recipients: Annotated[Strings, Convert(_recipients)] = ()
    cadence: Literal["daily", "weekly"] = "daily"
    time: Annotated[str, rule(_TIME.match, 'expected HH:MM, 24-hour ("07:00")')] = "07:00"
    day: Annotated[
        str | None,
        rule(
            lambda day: day is None or day.strip().lower() in WEEKDAYS,
            f"expected a day ({', '.join(WEEKDAYS)})",
        ),
    ] = None
    timezone: Annotated[str | None, ZONE] = None
    # the name of a [[watchlists]] table; a table of its own is the older, deprecated form
    watchlist: Annotated[Watchlist, Convert(_named, before=True)] = field(default_factory=Watchlist)
    thresholds: Thresholds = field(default_factory=Thresholds)
    send_empty: bool = False  # send a "nothing new" notice on an empty period
    title: Annotated[str, rule(lambda t: t.strip() and "\n" not in t, "expected one line")] = (
        "Supply-chain digest"
    )
    unsubscribe: Annotated[
        str,
        rule(
            lambda u: not u or u.startswith(("mailto:", "https://", "http://")),
            "expected a mailto: or http(s) URL",
        ),
    ] = ""

    def spec(self, default_timezone: str, watchlist: Watchlist) -> DigestSpec:
        """The digest, following ``watchlist``; its timezone ``default_timezone`` when it
        names none."""
        match = _TIME.match(self.time)
        assert match is not None  # checked
        weekday = WEEKDAYS.index(self.day.strip().lower()) if self.day else 0
        cadence = Cadence(
            self.cadence,
            time(int(match[1]), int(match[2])),
            weekday,
            self.timezone or default_timezone or "UTC",
        )
        return DigestSpec(
            name=self.name,
            recipients=self.recipients,
            cadence=cadence,
            watchlist=watchlist,
            thresholds=self.thresholds,
            send_empty=self.send_empty,
            title=self.title.strip(),
            unsubscribe=self.unsubscribe,
        )


def _digest_problem(table: _DigestTable) -> str:
    if table.cadence == "daily" and table.day is not None:
        return 'day is only for weekly digests (cadence = "weekly")'
    if table.cadence == "weekly" and table.day is None:
        return f"a weekly digest needs a day ({', '.join(WEEKDAYS)})"
    return ""


DigestTable = Annotated[_DigestTable, Rule(_digest_problem)]
refuse_unknown_keys(_DigestTable, Thresholds, SmtpSettings)
