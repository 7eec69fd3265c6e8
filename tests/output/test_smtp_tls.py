"""SMTP over STARTTLS and implicit TLS against a real TLS-speaking server on 127.0.0.1."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
import trustme
from aiosmtpd.controller import Controller
from smtpkit import Recorder, free_port

from output.mail import Outgoing, SmtpTransport, TransportDown

MESSAGE = Outgoing(
    sender="digests@coopwatch.example",
    to="reader@example.org",
    message_id="<tls-test@coopwatch.example>",
    data=b"From: digests@coopwatch.example\r\nTo: reader@example.org\r\n"
    b"Subject: TLS\r\n\r\nHello over TLS.\r\n",
)


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def contexts(ca: trustme.CA) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


@pytest.fixture(params=["starttls", "tls"])
def tls_server(
    request: pytest.FixtureRequest, authority: trustme.CA
) -> Iterator[tuple[str, Recorder, int, ssl.SSLContext]]:
    server_ctx, client_ctx = contexts(authority)
    recorder, port = Recorder(), free_port()
    if request.param == "starttls":
        controller = Controller(
            recorder,
            hostname="127.0.0.1",
            port=port,
            tls_context=server_ctx,
            require_starttls=True,
        )
    else:
        controller = Controller(recorder, hostname="127.0.0.1", port=port, ssl_context=server_ctx)
    controller.start()
    try:
        yield request.param, recorder, port, client_ctx
    finally:
        controller.stop()


def test_messages_go_over_tls(tls_server: tuple[str, Recorder, int, ssl.SSLContext]) -> None:
    security, recorder, port, client_ctx = tls_server
    transport = SmtpTransport("127.0.0.1", port, security=security, ssl_context=client_ctx)
    try:
        transport.send(MESSAGE)
        transport.send(MESSAGE)
    finally:
        transport.close()
    assert len(recorder.messages) == 2 and transport.connections == 1
    assert b"Hello over TLS." in recorder.messages[0].raw


def test_an_untrusted_certificate_is_refused(
    tls_server: tuple[str, Recorder, int, ssl.SSLContext],
) -> None:
    security, recorder, port, _trusting = tls_server
    transport = SmtpTransport("127.0.0.1", port, security=security, retries=0, sleep=lambda s: None)
    with pytest.raises((TransportDown, ssl.SSLError)):
        transport.send(MESSAGE)
    transport.close()
    assert recorder.messages == []
