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
        ("[fetch]\ntimeout = 3\n", "unknown keys"),
        ("[fetch]\ntimeout_s = 'slow'\n", "expected float"),
        ("[fetch]\nmax_redirects = -1\n", "must be positive"),
        ("[fetch]\nallow_private_hosts = 1\n", "expected bool"),
        ("[display]\ntimezone = 'Mars/Olympus'\n", "not a known zone"),
        ("[extract]\nvendors_file = 'nope.toml'\n", "not found"),
        ("[[sources]]\nname = 'x'\n", "needs a name and a url"),
        ("fetch = 3\n", "must be a table"),
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
