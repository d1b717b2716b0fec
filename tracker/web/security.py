"""The web workspace's safety: password hashes, signed session cookies, safe links.

Pure standard library: scrypt for passwords (``hashlib.scrypt``), HMAC-SHA256 for cookies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

# scrypt's cost: 16 MiB of memory and about 50 ms per hash on a slow core.
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) of ``password``, for [web] users."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` hashes to ``stored`` (a ``hash_password`` result)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = hashlib.scrypt(
            password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, _unb64(digest))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs small JSON records into cookie values, with an expiry."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("tracker-web:" + secret).encode()).digest()

    def sign(self, record: dict[str, Any], max_age_s: float) -> str:
        body = _b64(json.dumps({**record, "exp": time.time() + max_age_s}).encode())
        return f"{body}.{self._mac(body)}"

    def unsign(self, value: str) -> dict[str, Any] | None:
        """The record, or None when the value is forged, damaged or expired."""
        body, _, mac = value.partition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            record = json.loads(_unb64(body))
        except ValueError:
            return None
        if not isinstance(record, dict) or float(record.get("exp", 0)) < time.time():
            return None
        return record

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


def safe_url(url: object) -> str | None:
    """``url`` when it is an http(s) link with a host, else None (never ``javascript:``,
    ``data:`` or a relative link taken from a feed)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if any(ord(c) < 32 or c == "\x7f" for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def new_token() -> str:
    """A random CSRF token or secret."""
    return secrets.token_urlsafe(24)


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison; False for an empty ``expected``."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
