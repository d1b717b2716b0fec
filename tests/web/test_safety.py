"""Safe by default: logins when auth is configured, roles, CSRF on every POST, loopback only
without auth."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from tests.web.conftest import PASSWORD, TOKEN, ServeFn, Store, auth_settings
from tracker.cli.app import app
from tracker.cli.web import is_loopback
from tracker.web.security import Signer, hash_password, safe_url, verify_password

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _log_in(client: object, user: str, password: str) -> object:
    page = client.get("/login")  # type: ignore[attr-defined]
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    form = {"csrf": token, "user": user, "password": password, "next": "/sources"}
    return client.post("/login", data=form)  # type: ignore[attr-defined]


def test_without_a_login_every_page_is_refused(serve: ServeFn) -> None:
    with serve(auth_settings()).client() as client:
        page = client.get("/search?q=x")
        post = client.post("/review", data={"article_id": "1"})
        static = client.get("/static/style.css")
        wrong = client.get("/search", headers={"Authorization": "Bearer not-the-token"})
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fsearch%3Fq%3Dx"
    assert post.status_code == 401
    assert static.status_code == 200
    assert wrong.status_code == 303


def test_the_token_as_a_bearer_header_or_in_the_login_form(serve: ServeFn) -> None:
    server = serve(auth_settings())
    with server.client() as client:
        assert (
            client.get("/sources", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        )
    with server.client() as client:
        logged = _log_in(client, "", TOKEN)
        assert logged.status_code == 303  # type: ignore[attr-defined]
        assert logged.headers["location"] == "/sources"  # type: ignore[attr-defined]
        assert client.get("/sources").status_code == 200


def test_a_wrong_password_is_refused_and_a_user_logs_in(serve: ServeFn) -> None:
    server = serve(auth_settings())
    with server.client() as client:
        assert _log_in(client, "ann", "wrong password").status_code == 401  # type: ignore[attr-defined]
        assert client.get("/sources").status_code == 303
        assert _log_in(client, "ann", PASSWORD).status_code == 303  # type: ignore[attr-defined]
        page = client.get("/sources")
        assert page.status_code == 200
        assert "ann (analyst)" in page.text


def test_a_viewer_reads_but_cannot_review(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    article = web_store[1]["first"]
    with serve(auth_settings()).client() as client:
        _log_in(client, "vic", PASSWORD)
        page = client.get(f"/article/{article}")
        assert page.status_code == 200
        assert 'value="rejected"' not in page.text  # no review buttons
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        answer = client.post("/review", data={
            "csrf": token, "article_id": str(article), "verdict": "rejected",
            "kind": "relation", "supplier": "Luxshare", "customer": "Apple",
        })  # fmt: skip
    assert answer.status_code == 403


def test_a_forged_form_is_refused(serve: ServeFn, web_store: tuple[Store, dict[str, int]]) -> None:
    article = web_store[1]["first"]
    form = {"article_id": str(article), "verdict": "rejected", "kind": "relation",
            "supplier": "Luxshare", "customer": "Apple"}  # fmt: skip
    with serve().client() as client:
        client.get("/search")  # a session, with its token
        missing = client.post("/review", data=form)
        forged = client.post("/review", data={**form, "csrf": "guessed"})
        page = client.get(f"/article/{article}")
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        elsewhere = client.post(
            "/review", data={**form, "csrf": token}, headers={"Origin": "https://evil.example"}
        )
        after = client.get(f"/article/{article}")
    assert missing.status_code == 403
    assert forged.status_code == 403
    assert elsewhere.status_code == 403
    assert "rejected by review" not in after.text
    # a token from another session is no good either
    with serve().client() as other:
        stolen = other.post("/review", data={**form, "csrf": token})
    assert stolen.status_code == 403


def test_a_forged_session_cookie_is_ignored(serve: ServeFn) -> None:
    forged = Signer("not the secret").sign({"u": "ann", "r": "analyst", "c": "x"}, 3600)
    with serve(auth_settings()).client(cookies={"tracker_session": forged}) as client:
        assert client.get("/sources").status_code == 303


def test_serve_beyond_loopback_needs_auth(tmp_path: object, db_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", db_url, "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "not loopback" in result.output
    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("192.0.2.1")


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://news.example/a", True),
        ("HTTP://news.example/a", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//news.example/a", False),
        ("https://news.example/\nx", False),
        ("/relative", False),
    ],
)
def test_only_http_links(url: str, kept: bool) -> None:
    assert (safe_url(url) is not None) is kept


def test_password_hashes() -> None:
    stored = hash_password("s3cret-enough")
    assert stored.startswith("scrypt$")
    assert verify_password("s3cret-enough", stored)
    assert not verify_password("wrong", stored)
    assert not verify_password("s3cret-enough", "garbage")


def test_hash_password_command_makes_a_hash_the_login_accepts() -> None:
    result = CliRunner().invoke(app, ["web", "hash-password", "--stdin"], input="long enough\n")
    assert result.exit_code == 0, result.output
    assert verify_password("long enough", result.stdout.strip())
    short = CliRunner().invoke(app, ["web", "hash-password", "--stdin"], input="short\n")
    assert short.exit_code == 2
