"""The [fetch] politeness keys and the [schedule] section."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.config import load_settings
from tracker.errors import ConfigError


def test_schedule_and_politeness_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "[fetch]\nper_host_delay_s = 0\nworkers = 0\ncontact_url = 'https://ops.example/bot'\n"
        "[schedule]\ninterval_minutes = 15\nadaptive = true\njitter_fraction = 0\n",
        encoding="utf-8",
    )
    settings = load_settings(path, required=True)
    assert settings.fetch.per_host_delay_s == 0.0
    assert settings.fetch.contact_url == "https://ops.example/bot"
    assert settings.schedule.interval_minutes == 15
    assert settings.schedule.adaptive is True
    assert settings.schedule.max_interval_minutes == 1440


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[fetch]\nper_host_delay_s = -1\n",
            r"\[fetch\] per_host_delay_s: must be a finite number >= 0, got -1",
        ),
        ("[fetch]\ncontact_url = 'me@example.com'\n", "contact_url: is not an http\\(s\\) URL"),
        (
            "[schedule]\ninterval = 3\n",
            r"\[schedule\] interval: unknown key \(did you mean interval_minutes\?\)",
        ),
        (
            "[schedule]\ninterval_minutes = 0\n",
            "interval_minutes: must be a finite number > 0, got 0",
        ),
        ("[schedule]\nmin_interval_minutes = 60\nmax_interval_minutes = 30\n", "above"),
        ("[schedule]\nadaptive = 'yes'\n", "adaptive: expected true or false, got 'yes'"),
    ],
)
def test_bad_values(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path, required=True)
