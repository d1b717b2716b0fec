"""The watchlists and digests pages: what is new for each watchlist, every digest as it was
sent (read from the outbox), and the next one as `tracker digest preview --next` renders it."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from tests.conftest import SAMPLE_NOW
from tests.web.conftest import HOSTILE_TITLE, TOKEN, ServeFn, Store, auth_settings
from tracker.catalog.gazetteer import load_gazetteer
from tracker.catalog.products import load_catalog
from tracker.config import Settings, Watchlist
from tracker.digest import delivery
from tracker.digest.settings import DigestSpec, SmtpSettings

PHONES = Watchlist(name="phones", vendors=("Luxshare",))
TRAYS = Watchlist(name="trays", vendors=("Foxconn",))
SPEC = DigestSpec(name="daily", recipients=("Ana <ana@example.com>",), watchlist=PHONES)
CONF = Settings(path=None)
SMTP = SmtpSettings(host="127.0.0.1", security="none", from_address="t@example.com")


def settings() -> Settings:
    return Settings(path=None, watchlists=(PHONES, TRAYS), digests=(SPEC,), smtp=SMTP)


def test_each_watchlist_with_what_is_new_for_it(serve: ServeFn) -> None:
    with serve(settings()).client() as client:
        page = client.get("/watchlists")
    assert page.status_code == 200
    phones, trays = page.text.split("<h2>")[1:3]
    assert "Luxshare to assemble iPhones in Vietnam" in phones
    assert "Foxconn wins" not in phones
    assert "Foxconn wins Nvidia trays" in trays
    assert HOSTILE_TITLE not in trays  # escaped
    assert "&lt;script&gt;" in trays


def test_the_digest_archive_as_sent_and_the_next_one(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    store = web_store[0]
    items = delivery.resolve_items(
        SPEC, load_gazetteer(CONF.vendors_file), load_catalog(CONF.catalog_dir)
    )
    period = delivery.period_for(store, SPEC, SAMPLE_NOW, day=date(2026, 11, 20))
    planned = delivery.plan(store, SPEC, SMTP, period, items, SAMPLE_NOW)
    assert planned.queued == ["ana@example.com"]
    with serve(settings()).client() as client:
        archive = client.get("/digests")
        link = re.search(r'href="(/digests/daily/sent/[^"]+)"', archive.text)
        assert link is not None, archive.text
        sent = client.get(link.group(1))
        html = client.get(link.group(1), params={"as": "html"})
        upcoming = client.get("/digests/daily/next")
        unknown = client.get("/digests/weekly/next")
        never = client.get("/digests/daily/sent/1999-01-01")
    assert "ana@example.com: pending" in archive.text
    assert sent.status_code == 200
    assert planned.subject in sent.text
    assert "Luxshare to assemble iPhones in Vietnam" in sent.text
    assert "Luxshare to assemble iPhones in Vietnam" in html.text
    assert "sandbox" in html.headers["content-security-policy"]
    assert upcoming.status_code == 200
    assert "The next digest as it stands now" in upcoming.text
    assert unknown.status_code == 404
    assert never.status_code == 404


def test_the_new_pages_need_a_login_when_auth_is_configured(serve: ServeFn) -> None:
    conf = dataclasses.replace(auth_settings(), watchlists=(PHONES,), digests=(SPEC,))
    with serve(conf).client() as client:
        refused = [client.get(p) for p in ("/watchlists", "/digests", "/alerts")]
        refused.append(client.get("/digests/daily/next"))
        allowed = client.get("/watchlists", headers={"Authorization": f"Bearer {TOKEN}"})
    assert [r.status_code for r in refused] == [303] * 4
    assert allowed.status_code == 200
    assert "script-src 'self'" in allowed.headers["content-security-policy"]
