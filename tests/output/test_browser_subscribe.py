"""A real browser (headless Chromium, driven by Playwright) subscribes on `coopwatch serve`,
follows the confirmation link from the email the SMTP server received, changes the
preferences and unsubscribes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from smtpkit import Recorder, free_port, smtp_env, smtp_server
from test_browser import ARTIFACTS, REQUIRED, chromium

from coopwatch.store import Store
from coopwatch.subscriptions import list_subscribers


@pytest.fixture
def served(tmp_path: Path, site_dir: Path) -> Iterator[tuple[str, Recorder, str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    database = f"sqlite:///{tmp_path / 'b.db'}"
    with smtp_server() as (recorder, smtp_port):
        env = {**os.environ, **smtp_env(smtp_port, COOPWATCH_SITE_BASE_URL=url)}
        cli = Path(sys.executable).with_name("coopwatch")
        proc = subprocess.Popen(
            [str(cli), "--database-url", database, "serve", "--port", str(port),
             "--site-dir", str(site_dir)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(url, timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail("coopwatch serve did not start")
            yield url, recorder, database
        finally:
            proc.terminate()
            proc.communicate(timeout=10)


def test_subscribe_confirm_preferences_unsubscribe(served: tuple[str, Recorder, str]) -> None:
    url, recorder, database = served
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRED:
            pytest.fail("playwright is not installed (pip install -e '.[test]')", pytrace=False)
        pytest.skip("playwright is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.goto(url + "en/index.html")
        page.click("nav >> text=Subscribe")
        assert page.url.endswith("/en/subscribe")
        page.fill("input[name=email]", "Reader@Example.org")
        page.check("input[name=language][value=both]")
        page.check("input[name=frequency][value=weekly]")
        page.fill("input[name=codes]", "440783-440784")  # a pairing to follow
        page.click("button[type=submit]")
        assert page.locator("h1").inner_text() == "Check your inbox"
        # the confirmation email, as the SMTP server received it
        for _ in range(50):
            if recorder.messages:
                break
            time.sleep(0.1)
        (mail,) = recorder.messages
        text = mail.message.get_body(("plain",)).get_content()
        link = re.search(r"(http://127\.0\.0\.1:\d+/confirm\?t=\S+)", text)
        assert link, text
        page.goto(link.group(1))  # one click confirms
        assert "/en/preferences?t=" in page.url
        assert "Your subscription is confirmed." in page.content()
        assert page.input_value("input[name=codes]") == "440783-440784"
        page.check("input[name=frequency][value=daily]")
        page.click("button[name=save]")
        assert "Your preferences are saved." in page.content()
        page.screenshot(path=str(ARTIFACTS / "subscription-preferences.png"), full_page=True)
        with Store.open(database) as store:
            (sub,) = list_subscribers(store)
            assert (sub.status, sub.language, sub.frequency) == ("confirmed", "both", "daily")
        page.click("button[name=unsubscribe]")
        assert page.locator("h1").inner_text() == "You are unsubscribed"
        browser.close()
    with Store.open(database) as store:
        (sub,) = list_subscribers(store)
        assert sub.status == "unsubscribed" and sub.pairings == [("440783", "440784")]
