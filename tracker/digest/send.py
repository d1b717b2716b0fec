"""I/O: hand messages to the SMTP server.

One connection per delivery run. STARTTLS and implicit TLS verify the server's certificate
against the system's trust store. Failures become ``DeliveryFailed``: permanent for a 5xx
reply about the message or the recipient (retrying cannot help), transient otherwise
(connection refused, timeouts, 4xx, a login refused while the password is being fixed).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from types import TracebackType

from tracker.digest.settings import SmtpSettings, address
from tracker.errors import DeliveryFailed


def smtp_password(settings: SmtpSettings) -> str | None:
    """The password from the environment variable ``password_env`` names, or None."""
    if not settings.password_env:
        return None
    password = os.environ.get(settings.password_env)
    if not password:
        raise DeliveryFailed(
            f"digest: smtp: environment variable {settings.password_env} is not set (export "
            "it with the SMTP password before sending)"
        )
    return password


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"


def describe(exc: BaseException, where: str) -> DeliveryFailed:
    """An SMTP or network failure as a DeliveryFailed saying what happened."""
    prefix = f"digest: smtp: {where}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return DeliveryFailed(
            f"{prefix}: recipient refused: {_reply(code, text)}", is_permanent=code >= 500
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DeliveryFailed(
            f"{prefix}: login refused: {_reply(exc.smtp_code, exc.smtp_error)} (check username "
            "and the password variable)"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        return DeliveryFailed(
            f"{prefix}: {_reply(code, exc.smtp_error)}",
            is_permanent=500 <= code < 600 and not isinstance(exc, smtplib.SMTPConnectError),
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return DeliveryFailed(f"{prefix}: the server closed the connection ({exc})")
    if isinstance(exc, ssl.SSLError):
        return DeliveryFailed(f"{prefix}: TLS failed: {exc}")
    if isinstance(exc, TimeoutError):
        return DeliveryFailed(f"{prefix}: timed out")
    if isinstance(exc, ConnectionRefusedError):
        return DeliveryFailed(f"{prefix}: connection refused (is the SMTP server running?)")
    if isinstance(exc, OSError):
        return DeliveryFailed(f"{prefix}: {exc.strerror or exc}")
    return DeliveryFailed(f"{prefix}: {exc}")


class SmtpSender:
    """An open SMTP session: ``with SmtpSender(settings) as smtp: smtp.send(msg, rcpt)``."""

    def __init__(self, settings: SmtpSettings, password: str | None = None) -> None:
        self.settings = settings
        self.password = password
        self.where = f"{settings.host}:{settings.port}"
        self._smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect, secure and log in; DeliveryFailed when any step fails."""
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout_s, context=context
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
            self._smtp = smtp
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise DeliveryFailed(
                        f"digest: smtp: {self.where}: the server does not offer STARTTLS (set "
                        '[smtp] security = "tls" for implicit TLS, or check the port)'
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, self.password or "")
        except DeliveryFailed:
            self.close()
            raise
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise describe(exc, self.where) from exc

    def send(self, message: bytes, recipient: str) -> None:
        """Hand one message (the exact bytes) for one recipient to the server."""
        if self._smtp is None:
            raise DeliveryFailed(f"digest: smtp: {self.where}: not connected")
        sender = address(self.settings.from_address).addr_spec
        try:
            refused = self._smtp.sendmail(sender, [recipient], message)
        except (smtplib.SMTPException, OSError) as exc:
            # smtplib.SMTPException is an OSError: only a dropped connection ends the session;
            # after a refusal the server is ready for the next message (smtplib sent RSET).
            if isinstance(exc, smtplib.SMTPServerDisconnected) or not isinstance(
                exc, smtplib.SMTPException
            ):
                self.close()
            raise describe(exc, self.where) from exc
        if refused:
            code, text = next(iter(refused.values()))
            raise DeliveryFailed(
                f"digest: smtp: {self.where}: recipient refused: {_reply(code, text)}",
                is_permanent=code >= 500,
            )

    @property
    def is_open(self) -> bool:
        """True while the session can send."""
        return self._smtp is not None

    def close(self) -> None:
        """Say QUIT (or just drop a broken connection)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def __enter__(self) -> SmtpSender:
        self.open()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()
