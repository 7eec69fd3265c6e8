"""A real browser (headless Chromium) reads the site from `coopwatch serve` in both languages."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html as lxml_html

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
REQUIRED = os.environ.get("COOPWATCH_REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "Chromium is not installed (Debian: apt-get install chromium)"
        if REQUIRED:
            pytest.fail(f"{message}, and COOPWATCH_REQUIRE_SERVICES is set", pytrace=False)
        pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(site_dir_module: Path) -> Iterator[str]:
    """`coopwatch serve` in a subprocess, as a reader would start it."""
    port = free_port()
    cli = Path(sys.executable).with_name("coopwatch")
    proc = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--site-dir", str(site_dir_module)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("coopwatch serve did not start")
        yield url
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


@pytest.fixture(scope="module")
def site_dir_module(site):  # type: ignore[no-untyped-def]
    return site.directory


def browse(tmp_path: Path, url: str, *extra: str) -> str:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *extra,
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_both_languages_switch_and_picture(served: str, tmp_path: Path) -> None:
    en = lxml_html.fromstring(browse(tmp_path, served + "en/digests/2022-W18.html", "--dump-dom"))
    assert en.get("lang") == "en"
    assert en.xpath("string(//h1)") == "Digest: Week of May 2, 2022"
    text = en.text_content()
    assert "Heshan–Kaiping" in text and "RMB 33 million" in text and "also reported by" in text
    svg = en.xpath("//*[local-name()='svg' and @role='img']")
    assert svg and len(svg[0].xpath(".//*[local-name()='circle']")) == 4
    # the language switch, followed as a reader would
    (switch,) = en.xpath("//nav[@class='langs']//a[@hreflang='zh-Hans']")
    zh_url = urllib.request.urljoin(served + "en/digests/2022-W18.html", switch.get("href"))
    zh = lxml_html.fromstring(browse(tmp_path, zh_url, "--dump-dom"))
    assert zh.get("lang") == "zh-Hans"
    assert zh.xpath("string(//h1)") == "摘要：2022年5月2日当周"
    assert "鹤山—开平" in zh.text_content() and "3300万元" in zh.text_content()
    assert zh.xpath("//*[local-name()='svg']//*[local-name()='text'][.='鹤山']")


def test_screenshots_are_saved(served: str, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for lang in ("en", "zh"):
        shot = ARTIFACTS / f"digest-{lang}.png"
        shot.unlink(missing_ok=True)
        browse(
            tmp_path,
            served + f"{lang}/digests/2022-W18.html",
            f"--screenshot={shot}",
            "--window-size=1280,2000",
            "--hide-scrollbars",
        )
        assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
