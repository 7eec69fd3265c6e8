"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records messages and refuses on request."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """aiosmtpd handler. ``plans`` maps an address to answers for its next RCPT commands
    (e.g. ["451 4.3.0 Try later"] * 2, or ["550 5.1.1 No such user"]); ``kill_at`` kills
    process ``kill_pid`` once that many messages were accepted (a crash mid-send)."""

    messages: list[Received] = field(default_factory=list)
    plans: dict[str, list[str]] = field(default_factory=dict)
    connections: int = 0
    kill_at: int | None = None
    kill_pid: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(  # noqa: N802 - aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        with self.lock:
            self.connections += 1
        return responses

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            plan = self.plans.get(address.lower())
            if plan:
                return plan.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
            count = len(self.messages)
        if self.kill_at is not None and count == self.kill_at and self.kill_pid:
            os.kill(self.kill_pid, signal.SIGKILL)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]


@contextmanager
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


def smtp_env(port: int, **extra: str) -> dict[str, str]:
    """Settings (as environment) that send to the test server."""
    return {
        "COOPWATCH_SMTP_HOST": "127.0.0.1",
        "COOPWATCH_SMTP_PORT": str(port),
        "COOPWATCH_SMTP_SECURITY": "none",
        "COOPWATCH_SMTP_SENDER": "coopwatch <digests@coopwatch.example>",
        "COOPWATCH_SMTP_BACKOFF": "0.01",
        "COOPWATCH_SITE_BASE_URL": "https://digests.example.org/",
        "COOPWATCH_SITE_SECRET_KEY": "test-secret-key-not-for-production",
        **extra,
    }
