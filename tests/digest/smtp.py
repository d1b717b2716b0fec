"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for the tests."""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    """One message as the server got it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Keeper:
    """The handler: keeps messages; refuses the addresses in ``refuse`` with a 550."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Event = field(default_factory=threading.Event)  # set by each message

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), data))
        self.arrived.set()
        return "250 Message accepted for delivery"


class SmtpServer:
    """``start()``/``stop()`` an aiosmtpd server on a fixed port of 127.0.0.1."""

    def __init__(self) -> None:
        self.port = free_port()
        self.keeper = Keeper()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.keeper.received

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]

    def start(self) -> None:
        self._controller = Controller(self.keeper, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def config_lines(self) -> list[str]:
        """An [smtp] section pointing at this server."""
        return [
            "[smtp]",
            'host = "127.0.0.1"',
            f"port = {self.port}",
            'security = "none"',
            'from_address = "Tracker Digest <digest@tracker.example.com>"',
            "timeout_s = 5.0",
            "retry_base_s = 60.0",
        ]
