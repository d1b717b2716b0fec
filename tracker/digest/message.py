"""Pure: a rendered digest as one e-mail per recipient (multipart/alternative, RFC 2046).

``email.message.EmailMessage`` with the default policy encodes non-ASCII subjects and names
(RFC 2047) and picks a transfer encoding per part. The Message-ID is derived from (digest,
period, recipient), so a message sent twice after a crash carries the same Message-ID and
receiving systems can drop the copy.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import quote

from tracker.digest.render import RenderedDigest
from tracker.digest.settings import address as _address

POLICY = policy.SMTP.clone(cte_type="7bit")
"""CRLF line ends and 7-bit bodies (quoted-printable or base64, 76-character lines): the bytes
stored in the outbox go to any server as they are, with or without 8BITMIME."""
_OUTPUT = POLICY.clone(max_line_length=998)
"""Headers are written unfolded up to RFC 5322's hard limit: CPython folds a subject of 70
to 78 characters right after "Subject:", which its own parser (and others) then read with a
leading space."""


def mail_domain(from_address: str) -> str:
    """The sender's domain, ASCII (IDNA) so it can stand in Message-ID and List-Id."""
    domain = str(_address(from_address).domain).strip().lower() or "localhost"
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "localhost"


def message_id(digest: str, period: str, recipient: str, domain: str) -> str:
    """The stable Message-ID of (digest, period, recipient)."""
    digest_hex = hashlib.sha256(f"{digest}\0{period}\0{recipient.lower()}".encode()).hexdigest()
    return f"<digest.{digest}.{period}.{digest_hex[:20]}@{domain}>"


def list_id(digest: str, domain: str) -> str:
    """The List-Id (RFC 2919) of a digest."""
    return f"tracker digest {digest} <{digest}.digest.{domain}>"


def unsubscribe_target(configured: str, digest: str, from_address: str) -> str:
    """The configured List-Unsubscribe URL, else a mailto: to the sender."""
    if configured:
        return configured
    subject = quote(f"unsubscribe {digest}")
    return f"mailto:{_address(from_address).addr_spec}?subject={subject}"


def compose_message(
    rendered: RenderedDigest,
    *,
    digest: str,
    period: str,
    from_address: str,
    to: str,
    date: datetime,
    unsubscribe: str,
) -> EmailMessage:
    """One recipient's copy: text part first, then HTML (clients show the last they can)."""
    domain = mail_domain(from_address)
    message = EmailMessage(policy=POLICY)
    message["Subject"] = rendered.subject
    message["From"] = from_address
    message["To"] = to
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id(digest, period, str(_address(to).addr_spec), domain)
    message["List-Id"] = list_id(digest, domain)
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message["X-Tracker-Digest"] = f"{digest} {period}"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message as handed to SMTP (and stored in the outbox): ASCII, CRLF."""
    return message.as_bytes(policy=_OUTPUT)
