"""[[digests]] and [smtp]: good files load, bad ones are one clear ConfigError."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import load_catalog
from tracker.catalog.watch import watch_items
from tracker.config import load_settings
from tracker.errors import ConfigError

GOOD = """
[display]
timezone = "Asia/Taipei"

[smtp]
host = "smtp.example.com"
security = "tls"
username = "digest@example.com"
password_env = "TRACKER_SMTP_PASSWORD"
from_address = "Tracker <digest@example.com>"

[[digests]]
name = "daily"
recipients = ["Ana Müller <ana@example.com>", "ops@example.com"]
timezone = "Europe/Berlin"
time = "07:30"
unsubscribe = "https://example.com/unsubscribe"

[digests.watchlist]
vendors = ["TSMC"]
event_types = ["disruption"]
keywords = ["CoWoS"]

[digests.thresholds]
min_relevance = 0.5
max_per_group = 5

[[digests]]
name = "weekly-ops"
recipients = "台積電 <tsmc-watch@example.tw>"
cadence = "weekly"
day = "Friday"
send_empty = true
"""


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "tracker.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, required=True)


def test_a_good_file(tmp_path: Path) -> None:
    settings = load(tmp_path, GOOD)
    daily, weekly = settings.digests  # type: ignore[attr-defined]
    assert daily.name == "daily"
    assert daily.recipients == ("Ana Müller <ana@example.com>", "ops@example.com")
    assert daily.cadence.every == "daily"
    assert daily.cadence.at == time(7, 30)
    assert daily.cadence.timezone == "Europe/Berlin"
    assert daily.watchlist.vendors == ("TSMC",)
    assert daily.thresholds.min_relevance == 0.5
    assert daily.thresholds.max_per_group == 5
    assert daily.send_empty is False
    assert weekly.cadence.every == "weekly"
    assert weekly.cadence.weekday == 4
    assert weekly.cadence.timezone == "Asia/Taipei"  # [display] timezone by default
    assert weekly.recipients == ("台積電 <tsmc-watch@example.tw>",)
    assert weekly.send_empty is True
    assert weekly.watchlist.is_empty
    smtp = settings.smtp  # type: ignore[attr-defined]
    assert smtp.port == 465  # the implicit-TLS default
    assert smtp.password_env == "TRACKER_SMTP_PASSWORD"


def test_no_digests_no_smtp(tmp_path: Path) -> None:
    settings = load(tmp_path, "[fetch]\ntimeout_s = 5.0\n")
    assert settings.digests == ()  # type: ignore[attr-defined]
    assert settings.smtp is None  # type: ignore[attr-defined]


DIGEST = '[[digests]]\nname = "d"\nrecipients = ["a@example.com"]\n'
SMTP = '[smtp]\nhost = "mail.example.com"\nfrom_address = "t@example.com"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            DIGEST + 'time = "7am"\n',
            "[[digests]] 'd' time: expected HH:MM, 24-hour (\"07:00\"), got '7am'",
        ),
        (DIGEST + 'time = "24:00"\n', "expected HH:MM"),
        (
            DIGEST + 'timezone = "Mars/Olympus"\n',
            "timezone: not a known zone (use an IANA name such as "
            "\"Europe/Berlin\"), got 'Mars/Olympus'",
        ),
        (DIGEST + 'cadence = "hourly"\n', "cadence: expected 'daily' or 'weekly', got 'hourly'"),
        (DIGEST + 'cadence = "weekly"\n', "a weekly digest needs a day"),
        (DIGEST + 'day = "monday"\n', "day is only for weekly digests"),
        (DIGEST + "colour = 1\n", "[[digests]] 'd' colour: unknown key; known: cadence, day,"),
        (DIGEST + "send_empty = 1\n", "send_empty: expected true or false, got 1"),
        (DIGEST + 'unsubscribe = "ftp://x"\n', "expected a mailto: or http(s) URL"),
        (
            DIGEST + '[digests.watchlist]\nevent_types = ["fire"]\n',
            "watchlist.event_types: is not an event type (one of",
        ),
        (
            DIGEST + "[digests.watchlist]\nvendors = [1]\n",
            "watchlist.vendors: expected a string, got 1",
        ),
        (
            DIGEST + '[digests.watchlist]\nbrands = ["x"]\n',
            "watchlist.brands: unknown key; known: categories,",
        ),
        (
            DIGEST + "[digests.thresholds]\nmin_relevance = 2\n",
            "thresholds.min_relevance: must be a number from 0 to 1, got 2",
        ),
        (
            DIGEST + "[digests.thresholds]\nmax_per_group = 0\n",
            "thresholds.max_per_group: must be a finite number > 0, got 0",
        ),
        (
            DIGEST + '[digests.thresholds]\nmax_per_group = "5"\n',
            "expected a whole number, got '5'",
        ),
        (
            '[[digests]]\nname = "Daily Digest"\nrecipients = ["a@example.com"]\n',
            "[[digests]] 'Daily Digest' name: must be lower-case letters",
        ),
        (
            '[[digests]]\nname = "d"\nrecipients = []\n',
            "'d' recipients: is empty (list at least one address)",
        ),
        ('[[digests]]\nname = "d"\nrecipients = ["not an address"]\n', "is not one e-mail"),
        ('[[digests]]\nname = "d"\nrecipients = ["a@b.c, d@e.f"]\n', "is not one e-mail"),
        (
            '[[digests]]\nname = "d"\nrecipients = ["a@x.com", "A@x.com"]\n',
            "recipients: lists an address twice",
        ),
        (
            DIGEST + DIGEST.replace("[[digests]]", "\n[[digests]]"),
            "[[digests]]: digest 'd' is defined twice",
        ),
        ("digests = 3\n", "[[digests]]: expected an array, got 3"),
        (SMTP + 'security = "ssl"\n', "security: expected 'starttls', 'tls' or 'none', got 'ssl'"),
        (SMTP + "port = 70000\n", "[smtp] port: expected 1 to 65535, got 70000"),
        (SMTP + 'port = "25"\n', "[smtp] port: expected a whole number, got '25'"),
        (SMTP + 'username = "u"\n', "username is set but password_env is not"),
        (SMTP + 'password_env = "X"\n', "password_env is set but username is not"),
        (SMTP + 'username = "u"\npassword_env = "hunter2!"\n', "not the password"),
        (
            SMTP + 'username = "u"\npassword_env = "P"\nsecurity = "none"\n',
            "would send the password in clear text",
        ),
        (SMTP + "tls = true\n", "[smtp] tls: unknown key; known: from_address,"),
        ('[smtp]\nhost = "mail.example.com"\n', "[smtp]: from_address is missing"),
        ('[smtp]\nfrom_address = "nobody"\n', "'nobody' is not one e-mail address"),
    ],
)
def test_bad_settings_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert message in str(caught.value)
    assert str(caught.value).startswith("config: ")


def test_the_commented_example_in_config_tracker_toml_loads(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    text = (ROOT / "config" / "tracker.toml").read_text(encoding="utf-8")
    example = text[text.index("# [smtp]") :]
    lines = [line[2:] if line.startswith("# ") else "" for line in example.splitlines()]
    settings = load(tmp_path, "\n".join(lines))
    (daily,) = settings.digests  # type: ignore[attr-defined]
    assert daily.name == "daily"
    assert settings.smtp.password_env == "TRACKER_SMTP_PASSWORD"  # type: ignore[attr-defined]
    catalog = load_catalog(ROOT / "config" / "catalog")
    items = watch_items(daily.watchlist, gazetteer, catalog)
    assert [i.kind for i in items][:3] == ["vendor", "vendor", "product"]


NAMED = """
[[watchlists]]
name = "foundry"
vendors = ["TSMC"]
products = ["HBM"]
keywords = ["CoWoS"]

[[digests]]
name = "daily"
recipients = ["a@example.com"]
watchlist = "Foundry"
"""


def test_a_digest_follows_a_watchlist_configured_once(tmp_path: Path) -> None:
    settings = load(tmp_path, NAMED)
    (daily,) = settings.digests  # type: ignore[attr-defined]
    (foundry,) = settings.watchlists  # type: ignore[attr-defined]
    assert daily.watchlist is foundry  # the same list exposure --watchlist answers for
    assert foundry.keywords == ("CoWoS",)
    assert settings.notices == ()  # type: ignore[attr-defined]


def test_a_digest_naming_an_unknown_watchlist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, NAMED.replace('watchlist = "Foundry"', 'watchlist = "fondry"'))
    assert "[[digests]] 'daily' watchlist: no watchlist named 'fondry'" in str(caught.value)
    assert "(did you mean 'foundry'?)" in str(caught.value)


def test_the_older_digest_watchlist_table_still_works_with_a_notice(tmp_path: Path) -> None:
    settings = load(tmp_path, DIGEST + '[digests.watchlist]\nvendors = ["TSMC"]\n')
    (digest,) = settings.digests  # type: ignore[attr-defined]
    assert (digest.watchlist.name, digest.watchlist.vendors) == ("d", ("TSMC",))
    (notice,) = settings.notices  # type: ignore[attr-defined]
    assert "[[digests]] 'd': a [digests.watchlist] table is deprecated" in notice
    assert 'watchlist = "d"' in notice
    plain = load(tmp_path, DIGEST)  # no watchlist at all: every story, nothing to say
    assert plain.notices == ()  # type: ignore[attr-defined]
