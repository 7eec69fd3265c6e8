"""Digests by email to a real SMTP server on 127.0.0.1: headers, parts, languages, only what
is new, retries, permanent failures, dry run, and no duplicates after a crash mid-send."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from digestkit import article
from smtpkit import Recorder, smtp_env, smtp_server

from coopwatch import sendlog
from coopwatch.settings import Settings, load_settings
from coopwatch.store import Store
from coopwatch.subscriptions import get, normalize_email, subscribe
from output.mail import FileTransport, SmtpTransport
from output.send import send_digests

MONDAY = date(2022, 5, 9)  # weekly subscribers get the week of May 2; daily ones May 8
CST = timezone(timedelta(hours=8))


@pytest.fixture
def server() -> Iterator[tuple[Recorder, int]]:
    with smtp_server() as found:
        yield found


@pytest.fixture
def mail_store(tmp_path: Path) -> Iterator[Store]:
    from digestkit import fill

    with Store.open(f"sqlite:///{tmp_path / 'c.db'}") as opened:
        fill(opened)
        yield opened


def settings_for(port: int, **extra: str) -> Settings:
    return load_settings(environ=smtp_env(port, **extra))


def send(store: Store, settings: Settings, today: date = MONDAY, **kw: object):  # type: ignore[no-untyped-def]
    with SmtpTransport.from_settings(settings, sleep=lambda s: None) as transport:
        return send_digests(store, settings, transport, today=today, **kw)  # type: ignore[arg-type]


def test_headers_parts_and_both_languages(mail_store: Store, server: tuple[Recorder, int]) -> None:
    recorder, port = server
    subscribe(mail_store, "Ann@Example.org", language="en", frequency="weekly")
    subscribe(mail_store, "li@example.org", language="zh", frequency="weekly", consent="admin")
    subscribe(mail_store, "both@example.org", language="both", frequency="weekly")
    report = send(mail_store, settings_for(port))
    assert report.counts["sent"] == 3 and recorder.connections == 1  # one connection reused
    en, zh, both = (
        recorder.to(a)[0] for a in ("Ann@example.org", "li@example.org", "both@example.org")
    )
    msg = en.message
    assert str(msg["Subject"]) == "coopwatch · Digest: Week of May 2, 2022"
    assert msg["Message-ID"] == "<weekly.2022-W18.1@coopwatch.example>" and msg["Date"]
    assert msg["From"] == "coopwatch <digests@coopwatch.example>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https://digests\.example\.org/unsubscribe\?t=[\w.-]+>", msg["List-Unsubscribe"]
    )
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Heshan–Kaiping" in text and "RMB 33 million" in text and "Unsubscribe: https://" in text
    assert "Heshan–Kaiping" in html and "<style" not in html and 'style="' in html  # CSS inlined
    assert "https://digests.example.org/en/digests/2022-W18.html" in html
    assert "https://digests.example.org/en/preferences?t=" in html
    # Chinese: the subject is an RFC 2047 encoded word on the wire, the body is Chinese
    raw_subject = re.search(rb"^Subject: (.*)$", zh.raw, re.M)
    assert raw_subject and b"=?utf-8?" in raw_subject.group(1)
    assert (
        str(make_header(decode_header(zh.message["Subject"])))
        == "coopwatch · 摘要：2022年5月2日当周"
    )
    zh_text = zh.message.get_body(("plain",)).get_content()
    assert "鹤山—开平" in zh_text and "3300万元" in zh_text and "退订" in zh_text
    both_html = both.message.get_body(("html",)).get_content()
    assert "Heshan–Kaiping" in both_html and "鹤山—开平" in both_html
    assert "Digest: Week of May 2, 2022 / coopwatch · 摘要" in str(both.message["Subject"])


def test_only_what_is_new_and_filters(mail_store: Store, server: tuple[Recorder, int]) -> None:
    recorder, port = server
    settings = settings_for(port)
    subscribe(mail_store, "all@example.org", language="en", frequency="weekly")
    subscribe(
        mail_store, "xinhui@example.org", language="en", frequency="weekly", places=["440705"]
    )
    subscribe(
        mail_store, "nobody@example.org", language="en", frequency="weekly", places=["110101"]
    )
    first = send(mail_store, settings)
    assert first.counts["sent"] == 2 and first.counts["nothing_new"] == 1
    xinhui = recorder.to("xinhui@example.org")[0].message.get_body(("plain",)).get_content()
    assert "新会区与台山市签署协议" in xinhui and "Heshan and Kaiping sign" not in xinhui
    # rerun: everything was sent already
    again = send(mail_store, settings)
    assert again.counts["already_sent"] == 2 and len(recorder.messages) == 2
    # next week: one new story; a story already sent (from the week before) is not repeated
    mail_store.add_article(
        article(
            "https://news.example.org/en/2022/05/10/new.html",
            "Heshan and Kaiping open a joint clinic",
            "Heshan and Kaiping opened a joint clinic, officials said.",
            datetime(2022, 5, 10, 9, tzinfo=CST),
            "Jiangmen Daily",
            "en",
        )
    )
    week = send(mail_store, settings, today=date(2022, 5, 16))
    assert week.counts["sent"] == 1 and week.counts["nothing_new"] == 2
    text = recorder.to("all@example.org")[1].message.get_body(("plain",)).get_content()
    assert "joint clinic" in text and "sign pairing agreement" not in text


def test_temporary_refusals_are_retried(mail_store: Store, server: tuple[Recorder, int]) -> None:
    recorder, port = server
    subscribe(mail_store, "later@example.org", language="en", frequency="weekly")
    recorder.plans["later@example.org"] = ["451 4.3.0 Try again later"] * 2
    report = send(mail_store, settings_for(port))
    assert report.counts["sent"] == 1 and len(recorder.to("later@example.org")) == 1
    # refused more often than the retries allow: a temporary failure, retried next run
    subscribe(mail_store, "busy@example.org", language="en", frequency="weekly")
    recorder.plans["busy@example.org"] = ["451 4.3.0 Try again later"] * 4
    report = send(mail_store, settings_for(port))
    assert report.counts["temporary"] == 1 and not recorder.to("busy@example.org")
    report = send(mail_store, settings_for(port))
    assert report.counts["sent"] == 1 and len(recorder.to("busy@example.org")) == 1


def test_permanent_failures_are_recorded_and_pause_the_address(
    mail_store: Store, server: tuple[Recorder, int]
) -> None:
    recorder, port = server
    settings = settings_for(port, COOPWATCH_SMTP_MAX_FAILURES="2")
    sub = subscribe(mail_store, "gone@example.org", language="en", frequency="daily")
    subscribe(mail_store, "fine@example.org", language="en", frequency="daily")
    recorder.plans["gone@example.org"] = ["550 5.1.1 No such user"] * 5
    days = [date(2022, 5, 3), date(2022, 5, 6)]  # two daily digests with stories
    reports = [send(mail_store, settings, today=d, frequency="daily") for d in days]
    assert [r.counts["permanent"] for r in reports] == [1, 1]
    assert reports[1].paused == ["gone@example.org"]
    found = get(mail_store, sid=sub.id)
    assert found is not None and found.status == "paused" and found.failures == 2
    assert [code for _at, code, _m in sendlog.failures_of(mail_store, sub.id)] == [550, 550]
    assert len(recorder.to("fine@example.org")) == 2 and not recorder.to("gone@example.org")


def test_dry_run_writes_eml_files(mail_store: Store, tmp_path: Path) -> None:
    settings = load_settings(environ=smtp_env(1))
    subscribe(mail_store, "ann@example.org", language="en", frequency="weekly")
    transport = FileTransport(tmp_path / "outbox")
    report = send_digests(mail_store, settings, transport, today=MONDAY, record=False)
    assert report.counts["sent"] == 1
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in eml.read_bytes()
    assert sendlog.summary(mail_store) == {}  # a dry run keeps nothing from the real send


def test_no_duplicates_after_a_crash_mid_send(tmp_path: Path, server: tuple[Recorder, int]) -> None:
    """`coopwatch send` is killed (SIGKILL) right as the server accepts its 3rd message; the
    rerun sends the rest, and nobody gets a digest twice."""
    from digestkit import fill

    recorder, port = server
    url = f"sqlite:///{tmp_path / 'c.db'}"
    addresses = [f"reader{i}@example.org" for i in range(8)]
    with Store.open(url) as store:
        fill(store)
        for address in addresses:
            subscribe(store, address, language="en", frequency="weekly")
    cli = Path(sys.executable).with_name("coopwatch")
    env = {**os.environ, **smtp_env(port)}
    command = [str(cli), "--database-url", url, "send", "--today", MONDAY.isoformat()]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    recorder.kill_pid, recorder.kill_at = proc.pid, 3
    proc.communicate(timeout=120)
    assert proc.returncode == -9 and len(recorder.messages) == 3
    recorder.kill_at = None
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    received = [r for m in recorder.messages for r in m.recipients]
    assert sorted(received) == sorted(addresses)  # each exactly once
    with Store.open(url) as store:
        assert sendlog.summary(store) == {"sent": 7, "sending": 1}  # the 3rd: uncertain
        assert normalize_email(addresses[0])[1]
