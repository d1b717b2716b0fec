"""Webhook alerts against a real HTTP server on 127.0.0.1: once per story and endpoint, a
retry with backoff after a 500, Slack and Teams bodies, and `tracker alerts test`."""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from tests.web.conftest import AT, Server, Store, fill
from tracker.alerts import delivery
from tracker.catalog.gazetteer import load_gazetteer
from tracker.catalog.products import load_catalog
from tracker.cli.app import app
from tracker.config import AlertSpec, Settings, Watchlist
from tracker.digest.jobs import digest_job
from tracker.errors import ConfigError
from tracker.extract import Extractor
from tracker.store.alerts import recent
from tracker.store.tables import Article, Event, EventVendor
from tracker.web.app import create_app

NOW = AT + timedelta(hours=1)


class Hooks:
    """A webhook receiver: records each POST by path; answers 500 to the first ``fail`` posts
    of a path, 200 after."""

    def __init__(self, fail: dict[str, int]) -> None:
        self.posts: dict[str, list[Any]] = {}
        self.fail = dict(fail)
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hooks.posts.setdefault(self.path, []).append(json.loads(body))
                failing = hooks.fail.get(self.path, 0)
                hooks.fail[self.path] = failing - 1
                self.send_response(500 if failing > 0 else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    server = Hooks({"/trays": 1})
    yield server
    server.close()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store(db_url)
    ids = fill(store)
    with store.session() as session:  # a shortage at Foxconn, in the hostile feed's article
        event = Event(article_id=ids["hostile"], type="shortage", evidence="Trays are short.")
        session.add(event)
        session.flush()
        session.add(EventVendor(event_id=event.id or 0, vendor="Foxconn"))
    try:
        yield store
    finally:
        store.close()


def settings(hooks: Hooks) -> Settings:
    return Settings(
        path=None,
        watchlists=(
            Watchlist(name="trays", vendors=("Foxconn",)),
            Watchlist(name="phones", vendors=("Apple",)),
        ),
        alerts=(
            AlertSpec(name="ops", watchlist="trays", url=hooks.url + "/trays"),
            AlertSpec(name="chat", watchlist="phones", url=hooks.url + "/phones", format="slack"),
            AlertSpec(
                name="team",
                watchlist="phones",
                url=hooks.url + "/team",
                format="teams",
                events=("shortage",),
            ),
        ),
    )


def targets(conf: Settings) -> list[delivery.Target]:
    base = Settings(path=None)
    return delivery.targets(conf, load_gazetteer(base.vendors_file), load_catalog(base.catalog_dir))


def test_once_per_story_and_endpoint_with_a_retry_after_a_500(store: Store, hooks: Hooks) -> None:
    conf = settings(hooks)
    found = targets(conf)
    assert delivery.alerts_tick(store, conf, found, NOW) == (2, 1, 1)
    assert delivery.alerts_tick(store, conf, found, NOW) == (0, 0, 0)  # the retry is not due
    assert len(hooks.posts["/trays"]) == 1
    later = NOW + timedelta(seconds=31)
    assert delivery.alerts_tick(store, conf, found, later) == (0, 1, 0)
    assert delivery.alerts_tick(store, conf, found, later + timedelta(hours=1)) == (0, 0, 0)
    assert {path: len(bodies) for path, bodies in hooks.posts.items()} == {
        "/trays": 2,
        "/phones": 1,
    }
    shortage = hooks.posts["/trays"][-1]
    assert shortage["trigger"] == "shortage"
    assert shortage["vendors"] == ["Foxconn"]
    assert shortage["story"] == "https://other.example/foxconn"
    slack = hooks.posts["/phones"][0]["text"]
    assert slack.startswith("*New supplier* (Luxshare, Apple)")
    assert "<https://news.example/2026/luxshare-apple?utm_source=rss|" in slack
    with store.session() as session:
        rows = recent(session)
    assert {(r["alert"], r["state"], r["attempts"]) for r in rows} == {
        ("ops", "sent", 2),
        ("chat", "sent", 1),
    }


def test_a_hostile_title_is_escaped_for_slack_and_a_teams_card_is_made(
    store: Store, hooks: Hooks
) -> None:
    conf = settings(hooks)
    conf = Settings(
        path=None,
        watchlists=conf.watchlists,
        alerts=(
            AlertSpec(name="chat", watchlist="trays", url=hooks.url + "/chat", format="slack"),
            AlertSpec(name="team", watchlist="trays", url=hooks.url + "/team", format="teams"),
        ),
    )
    delivery.alerts_tick(store, conf, targets(conf), NOW)
    slack = hooks.posts["/chat"][0]["text"]
    assert "&lt;script&gt;" in slack
    assert "<script>" not in slack
    assert "javascript:" not in slack.split("|")[0]  # no link made of a javascript: URL
    card = hooks.posts["/team"][0]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert "actions" not in card["content"]
    assert card["content"]["body"][0]["text"] == "Shortage: Foxconn"


def test_alerts_test_posts_to_the_endpoint_of_the_config(
    store: Store, hooks: Hooks, tmp_path: Path
) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text(
        f"""
[[watchlists]]
name = "trays"
vendors = ["Foxconn"]

[[alerts]]
name = "ops"
watchlist = "trays"
url = "{hooks.url}/ok"
format = "teams"

[[alerts]]
name = "broken"
watchlist = "trays"
url = "{hooks.url}/trays"
""",
        encoding="utf-8",
    )
    run = CliRunner().invoke
    base = ["--config", str(config), "--db", store.url, "alerts"]
    ok = run(app, [*base, "test", "ops"], catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    broken = run(app, [*base, "test", "broken"], catch_exceptions=False)
    assert broken.exit_code == 1
    assert "HTTP 500" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1
    unknown = run(app, [*base, "test", "nope"], catch_exceptions=False)
    assert unknown.exit_code == 2
    card = hooks.posts["/ok"][0]["attachments"][0]["content"]
    assert "Test alert" in card["body"][1]["text"]
    listed = run(app, [*base, "status", "--format", "json"], catch_exceptions=False)
    assert listed.exit_code == 0
    assert json.loads(listed.stdout) == []  # a test goes through no outbox


def test_an_alert_of_an_unknown_watchlist_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text(
        '[[watchlists]]\nname = "trays"\n\n[[alerts]]\nname = "a"\nwatchlist = "tray"\n'
        'url = "http://127.0.0.1:9/x"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["--config", str(config), "alerts", "test", "a"])
    assert result.exit_code == 1
    assert "watchlist" in result.stderr
    assert "trays" in result.stderr  # the closest known name


def test_the_web_shows_recent_alerts_and_their_delivery(store: Store, hooks: Hooks) -> None:
    conf = settings(hooks)
    delivery.alerts_tick(store, conf, targets(conf), NOW)
    server = Server(create_app(store, dataclasses.replace(conf, timezone="UTC"), now=lambda: NOW))
    try:
        with server.client() as client:
            page = client.get("/alerts")
            lists = client.get("/watchlists")
    finally:
        server.stop()
    assert page.status_code == 200
    assert "&lt;script&gt;alert" in page.text  # the hostile title, escaped
    assert "<script>alert" not in page.text
    assert re.search(r'class="delivery retrying">retrying<', page.text)
    assert re.search(r'class="delivery sent">sent<', page.text)
    assert "HTTP 500" in page.text
    assert "Alerts to 1 endpoint(s): ops (json)" in lists.text


def test_the_outbox_tick_of_tracker_run_posts_alerts(
    store: Store, hooks: Hooks, gazetteer_extractor: Extractor
) -> None:
    with store.session() as session:  # the shortage story fetched an hour ago
        article = session.exec(
            select(Article).where(Article.canonical_url == "https://other.example/foxconn")
        ).one()
        article.fetched_at = datetime.now(UTC) - timedelta(hours=1)
        session.add(article)
    conf = settings(hooks)
    conf = dataclasses.replace(conf, alerts=conf.alerts[:1])  # ops: 500 first, then 200
    assert digest_job(store, Settings(path=None), gazetteer_extractor) is None
    tick = digest_job(store, conf, gazetteer_extractor)
    assert tick is not None
    tick()
    tick()  # the retry is not due yet
    assert len(hooks.posts["/trays"]) == 1
    with store.session() as session:
        assert [r["state"] for r in recent(session)] == ["retrying"]


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("", "give url or url_env"),
        ('url = "http://127.0.0.1:9/x"\nurl_env = "HOOK"\n', "give url or url_env"),
        ('url = "ftp://127.0.0.1/x"\n', "is not an http(s) URL"),
        ('url_env = "HOOK"\nformat = "discord"\n', "format"),
        ('url_env = "HOOK"\nevents = ["earnings"]\n', "is not an alert trigger"),
    ],
)
def test_a_bad_alert_table_is_one_line_naming_it(tmp_path: Path, keys: str, message: str) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text(
        f'[[watchlists]]\nname = "trays"\n\n[[alerts]]\nname = "a"\nwatchlist = "trays"\n{keys}',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["--config", str(config), "alerts", "test", "a"])
    assert result.exit_code == 1
    assert "[[alerts]]" in result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_url_from_a_variable(monkeypatch: pytest.MonkeyPatch, hooks: Hooks) -> None:
    spec = AlertSpec(name="v", watchlist="trays", url_env="TRACKER_TEST_HOOK")
    monkeypatch.setenv("TRACKER_TEST_HOOK", hooks.url + "/from-env")
    assert delivery.send_test(spec, NOW) is None
    assert hooks.posts["/from-env"][0]["trigger"] == "disruption"
    monkeypatch.delenv("TRACKER_TEST_HOOK")
    with pytest.raises(ConfigError, match="TRACKER_TEST_HOOK is not set"):
        delivery.send_test(spec, NOW)


def test_an_alert_moved_to_another_url_posts_there_and_leaves_the_old_rows(
    store: Store, hooks: Hooks
) -> None:
    conf = settings(hooks)
    first = dataclasses.replace(conf, alerts=conf.alerts[:1])  # ops: /trays answers 500 first
    assert delivery.alerts_tick(store, first, targets(first), NOW) == (1, 0, 1)
    moved = dataclasses.replace(
        first, alerts=(dataclasses.replace(first.alerts[0], url=hooks.url + "/moved"),)
    )
    later = NOW + timedelta(hours=1)
    assert delivery.alerts_tick(store, moved, targets(moved), later) == (1, 1, 0)
    assert {path: len(bodies) for path, bodies in hooks.posts.items()} == {
        "/trays": 1,
        "/moved": 1,
    }
    with store.session() as session:
        assert sorted(r["state"] for r in recent(session)) == ["retrying", "sent"]
