from pathlib import Path

import pytest

from tests.conftest import ROOT, Cli
from tracker.config import load_settings
from tracker.errors import ConfigError


def test_bundled_configs_load() -> None:
    settings = load_settings(ROOT / "config" / "tracker.toml", required=True)
    assert settings.fetch.max_redirects == 5
    assert settings.fetch.allow_private_hosts is False
    demo = load_settings(ROOT / "config" / "demo.toml", required=True)
    assert demo.fetch.allow_private_hosts is True
    assert demo.demo_site_dir == (ROOT / "fixtures" / "site").resolve()
    assert [s.name for s in demo.sources] == [
        "fabledger",
        "componentwire",
        "supplyline",
        "tradedesk-top",
    ]
    assert [s.kind for s in demo.sources] == ["feed", "feed", "feed", "page"]


def test_missing_default_config_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.toml")
    assert settings.path is None
    assert settings.fetch.timeout_s == 20.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fetch\n", "Expected"),
        ("[fetch]\ntimeout = 3\n", r"\[fetch\] timeout: unknown key \(did you mean timeout_s\?\)"),
        ("[fetch]\ntimeout_s = 'slow'\n", "timeout_s: expected a number, got 'slow'"),
        ("[fetch]\nmax_redirects = -1\n", "max_redirects: must be a finite number > 0, got -1"),
        (
            "[fetch]\nallow_private_hosts = 1\n",
            "allow_private_hosts: expected true or false, got 1",
        ),
        ("[display]\ntimezone = 'Mars/Olympus'\n", "not a known zone"),
        ("[extract]\nvendors_file = 'nope.toml'\n", "not found"),
        ("[[sources]]\nname = 'x'\n", "\\[\\[sources\\]\\] 'x' url: missing"),
        ("fetch = 3\n", r"\[fetch\]: expected a table, got 3"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path, required=True)


def test_bad_config_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[fetch]\ntimeout_s = 'slow'\n", encoding="utf-8")
    result = Cli(path, f"sqlite:///{tmp_path / 'x.db'}")("sources", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: config:")
    assert "Traceback" not in result.output
    absent = Cli(tmp_path / "absent.toml", f"sqlite:///{tmp_path / 'x.db'}")("sources", "list")
    assert absent.exit_code == 1
    assert "file not found" in absent.stderr


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("", encoding="utf-8")
    result = Cli(path, "nosuchdb://x/y")("sources", "list")
    assert result.exit_code == 1
    assert "cannot use database URL" in result.stderr
    unwritable = Cli(path, "sqlite:////proc/nope/x.db")("sources", "list")
    assert unwritable.exit_code == 1
    assert "error: store:" in unwritable.stderr


SOURCE = '[[sources]]\nname = "{name}"\nurl = "{url}"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[fetch]\ntimeout_s = nan\n",
            r"\[fetch\] timeout_s: must be a finite number > 0, got nan",
        ),
        (
            "[fetch]\ntimeout_s = inf\n",
            r"\[fetch\] timeout_s: must be a finite number > 0, got inf",
        ),
        ("[fetch]\ntimeout_s = -3\n", r"\[fetch\] timeout_s: must be a finite number > 0, got -3"),
        ("[fetch]\nper_host_delay_s = nan\n", "per_host_delay_s: must be a finite number >= 0"),
        ("[schedule]\ntick_s = -inf\n", r"\[schedule\] tick_s: must be a finite number > 0"),
        ("[fecth]\ntimeout_s = 3\n", r"\[fecth\]: unknown table \(did you mean \[fetch\]\?\)"),
        ("[colour]\n", r"\[colour\]: unknown table; known: alerts, demo, digests, display"),
        (
            SOURCE.format(name="a", url="https://a.example/feed")
            + SOURCE.format(name="a", url="https://b.example/feed"),
            r"\[\[sources\]\]: source 'a' is defined twice",
        ),
        (SOURCE.format(name=" ", url="https://a.example/"), "name: must not be blank"),
        (
            SOURCE.format(name=r"a\r\nBcc: x", url="https://a.example/"),
            "name: must be one line without control characters",
        ),
        (SOURCE.format(name="n" * 201, url="https://a.example/"), "at most 200 characters"),
        (
            SOURCE.format(name="a", url=r"https://a.example/\u0001"),
            "'a' url: must not contain spaces or control characters",
        ),
        (
            SOURCE.format(name="a", url="https://a.example:99999/feed"),
            r"'a' url: is not a valid URL \(Port out of range",
        ),
        (
            SOURCE.format(name="a", url="http://[::1/x.xml"),
            r"url: is not a valid URL \(Invalid IPv6",
        ),
        (SOURCE.format(name="a", url="ftp://a.example/x"), "url: is not an http"),
    ],
)
def test_hostile_values_are_refused_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings(path, required=True)
    assert str(raised.value).startswith(f"config: {path}: ")
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["https://a.example/feed", "--name", ""], "--name '': must not be blank"),
        (["https://a.example/feed", "--name", "   "], "must not be blank"),
        (["https://a.example/feed", "--name", "a\r\nb"], "without control characters"),
        (["https://a.example/feed", "--name", "a\x01"], "without control characters"),
        (["https://a.example/feed", "--name", "n" * 10_000], "at most 200 characters"),
        (["https://a.example/\x01"], "must not contain spaces or control characters"),
        (["https://a.example:99999/feed"], r"is not a valid URL (Port out of range"),
        (["https://a.example:0/feed"], "has port 0"),
        (["http://[::1/x.xml"], "is not a valid URL (Invalid IPv6 URL)"),
        (["file:///etc/passwd"], "is not an http(s) URL"),
    ],
)
def test_sources_add_refuses_bad_names_and_urls(
    tmp_path: Path, args: list[str], message: str
) -> None:
    config = tmp_path / "c.toml"
    config.write_text("", encoding="utf-8")
    result = Cli(config, f"sqlite:///{tmp_path / 'x.db'}")(
        "sources", "add", "--kind", "feed", *args
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: sources add: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "added" not in result.output
