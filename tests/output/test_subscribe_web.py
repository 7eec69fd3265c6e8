"""The subscription pages over HTTP: double opt-in, CSRF, rate limits, no way to learn who is
subscribed, the preferences page and the one-click unsubscribe POST (RFC 8058)."""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from smtpkit import Recorder, smtp_env, smtp_server

from coopwatch.settings import load_settings
from coopwatch.store import Store
from coopwatch.subscriptions import get, list_subscribers, normalize_email, subscribe
from output.mail import SmtpTransport, Transport
from output.subscribe import SubscriptionApp
from output.web import SiteServer


@dataclass
class Site:
    url: str
    store: Store
    recorder: Recorder
    app: SubscriptionApp


@pytest.fixture
def web(tmp_path: Path, site_dir: Path) -> Iterator[Site]:
    with smtp_server() as (recorder, port), Store.open(f"sqlite:///{tmp_path / 'w.db'}") as store:
        settings = load_settings(
            environ=smtp_env(port, COOPWATCH_SITE_RATE_CLIENT="7", COOPWATCH_SITE_RATE_ADDRESS="2")
        )

        def transport() -> AbstractContextManager[Transport]:
            return SmtpTransport.from_settings(settings, sleep=lambda s: None)

        app = SubscriptionApp(store, settings, transport)
        with SiteServer(site_dir, routes=app.routes()) as server:
            yield Site(server.url, store, recorder, app)


class Browser:
    """urllib with cookies, not following redirects (so each step can be checked)."""

    def __init__(self, base: str, client: str = "") -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, path: str, form: dict[str, str] | None = None, **headers: str):  # type: ignore[no-untyped-def]
        url = urllib.parse.urljoin(self.base, path)
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=10) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read().decode()

    def csrf(self, path: str) -> str:
        status, _h, body = self.request(path)
        assert status == 200
        found = re.search(r'name="csrf" value="([^"]+)"', body)
        assert found
        return found.group(1)

    def subscribe(self, email: str, lang: str = "en", **extra: str):  # type: ignore[no-untyped-def]
        token = self.csrf(f"{lang}/subscribe")
        form = {"csrf": token, "email": email, "language": "zh", "frequency": "daily", **extra}
        return self.request(f"{lang}/subscribe", form)


def confirm_link(recorder: Recorder, address: str) -> str:
    message = recorder.to(address)[-1].message
    text = message.get_body(("plain",)).get_content()
    found = re.search(r"https://digests\.example\.org/(confirm\?t=\S+)", text)
    assert found, text
    return found.group(1)


def test_double_opt_in_then_preferences_and_one_click_unsubscribe(web: Site) -> None:
    browser = Browser(web.url)
    status, _h, body = browser.subscribe("Reader@Example.ORG", place="440705")
    assert status == 200 and "confirmation link is on its way" in body
    assert list_subscribers(web.store) == []  # nothing stored, nothing else sent
    (mail,) = web.recorder.messages
    assert mail.message["Subject"] == "coopwatch · Confirm your subscription"
    # one click on the link confirms and leads to the preferences page
    status, headers, _b = browser.request(confirm_link(web.recorder, "Reader@example.org"))
    assert status == 303 and "/en/preferences?t=" in headers["Location"]
    (sub,) = list_subscribers(web.store)
    assert (sub.email, sub.language, sub.frequency, sub.places, sub.consent) == (
        "Reader@example.org", "zh", "daily", ["440705"], "double_opt_in",
    )  # fmt: skip
    status, _h, page = browser.request(headers["Location"])
    assert status == 200 and "Your subscription is confirmed." in page
    # a mail client's one-click unsubscribe: POST, no cookies, no CSRF token
    token = web.app.signer.manage_token(sub)
    req = urllib.request.Request(
        f"{web.url}unsubscribe?t={token}",
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
    assert get(web.store, sid=sub.id).status == "unsubscribed"  # type: ignore[union-attr]
    # a GET (a link checker) only shows a button
    subscribe(web.store, sub.email, language="en", frequency="weekly")
    status, _h, page = Browser(web.url).request(f"unsubscribe?t={token}")
    assert status == 200 and "<button" in page
    assert get(web.store, sid=sub.id).status == "confirmed"  # type: ignore[union-attr]


def test_same_answer_whether_or_not_subscribed(web: Site) -> None:
    subscribe(web.store, "known@example.org", language="en", frequency="weekly")
    known = Browser(web.url).subscribe("known@example.org")
    unknown = Browser(web.url).subscribe("unknown@example.org")
    assert known[0] == unknown[0] == 200 and known[2] == unknown[2]


def test_csrf_rate_limits_and_validation(web: Site) -> None:
    browser = Browser(web.url)
    # no token, a forged token, or another site's Origin: refused
    status, _h, body = browser.request("en/subscribe", {"email": "a@example.org"})
    assert status == 400 and "expired" in body
    browser.csrf("en/subscribe")
    forged = {"csrf": "x.y.z", "email": "a@example.org", "language": "en", "frequency": "daily"}
    assert browser.request("en/subscribe", forged)[0] == 400
    token = browser.csrf("en/subscribe")
    other = {**forged, "csrf": token}
    assert browser.request("en/subscribe", other, Origin="https://evil.example")[0] == 400
    assert browser.request("en/subscribe", {**other, "email": "not an address"})[0] == 400
    assert not web.recorder.messages
    # per address: two confirmation emails an hour; the third request looks the same
    second = Browser(web.url)
    assert second.subscribe("b@example.org")[0] == 200
    assert second.subscribe("B@example.org")[0] == 200
    assert second.subscribe("b@example.org")[0] == 200
    assert len(web.recorder.to("b@example.org")) + len(web.recorder.to("B@example.org")) == 2
    # per client: 7 requests an hour from one IP address (4 above, 3 here)
    status, headers, _b = second.subscribe("c@example.org")
    assert status == 429 and headers["Retry-After"] == "3600"


def test_bad_and_expired_links(web: Site) -> None:
    browser = Browser(web.url)
    assert browser.request("confirm?t=forged")[0] == 400

    class Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 49 * 3600  # signed 49 hours ago; links last 48

    signer = URLSafeTimedSerializer(web.app.signer.key, salt="coopwatch.confirm", signer=Past)
    old = signer.dumps({"e": "x@example.org", "l": "en", "f": "daily"})
    status, _h, body = browser.request(f"confirm?t={old}")
    assert status == 400 and "expired" in body
    assert get(web.store, key=normalize_email("x@example.org")[1]) is None
    assert browser.request("en/preferences?t=forged")[0] == 400


def test_preferences_change_and_unsubscribe_button(web: Site) -> None:
    sub = subscribe(web.store, "p@example.org", language="en", frequency="weekly")
    token = web.app.signer.manage_token(sub)
    browser = Browser(web.url)
    page = f"en/preferences?t={token}"
    csrf = browser.csrf(page)
    form = {"csrf": csrf, "language": "both", "frequency": "daily", "codes": "440783-440784"}
    status, headers, _b = browser.request(page, form)
    assert status == 303 and "saved=1" in headers["Location"]
    found = get(web.store, sid=sub.id)
    assert found and (found.language, found.frequency, found.pairings) == (
        "both", "daily", [("440783", "440784")],
    )  # fmt: skip
    status, _h, body = browser.request(f"en/unsubscribe?t={token}", {"csrf": csrf})
    assert status == 200 and "You are unsubscribed" in body
    assert get(web.store, sid=sub.id).status == "unsubscribed"  # type: ignore[union-attr]


def test_list_unsubscribe_header_of_a_digest_works_as_a_post(web: Site) -> None:
    """The URL in a received digest's List-Unsubscribe header, POSTed as a mail client does
    (RFC 8058: multipart/form-data body "List-Unsubscribe=One-Click", no cookies)."""
    from datetime import date

    from digestkit import fill

    from output.send import send_digests

    fill(web.store)
    sub = subscribe(web.store, "reader@example.org", language="zh", frequency="weekly")
    with web.app.transport() as transport:
        send_digests(web.store, web.app.settings, transport, today=date(2022, 5, 9))
    message = web.recorder.to("reader@example.org")[0].message
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>").replace("https://digests.example.org/", web.url)
    boundary = "cwboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        f"One-Click\r\n--{boundary}--\r\n"
    ).encode()
    req = urllib.request.Request(
        url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and resp.read() == b"Unsubscribed.\n"
    assert get(web.store, sid=sub.id).status == "unsubscribed"  # type: ignore[union-attr]
