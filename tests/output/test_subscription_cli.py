"""`coopwatch subscribers`, `send --dry-run`, `run` and `status` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from digestkit import fill
from smtpkit import smtp_env, smtp_server

from coopwatch.cli import main
from coopwatch.store import Store


def test_subscribers_add_list_export_remove(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--database-url", url, *args])
        assert result.exit_code == 0, result.output
        return result.output

    out = run("subscribers", "add", "Li@Example.ORG", "--language", "zh", "--frequency", "daily",
              "--district", "440705", "--pairing", "440784-440783")  # fmt: skip
    assert "Li@example.org: confirmed" in out and "consent given elsewhere" in out
    listed = run("subscribers", "list")
    assert "Li@example.org" in listed and "admin" in listed and "440705 440783-440784" in listed
    (line,) = run("subscribers", "export").splitlines()
    data = json.loads(line)
    assert data["consent"] == "admin" and data["status"] == "confirmed"
    assert data["pairings"] == ["440783-440784"] and data["confirmed_at"]
    bad = runner.invoke(main, ["--database-url", url, "subscribers", "add", "nope"])
    assert bad.exit_code == 1 and bad.output.startswith("Error: 'nope' is not a valid email")
    assert "removed" in run("subscribers", "remove", "li@example.org")
    assert "0 subscriber(s)" in run("subscribers", "list")


def test_send_dry_run_run_and_status(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with Store.open(url) as store:
        fill(store)
    runner = CliRunner()
    base = ["--database-url", url]
    runner.invoke(main, [*base, "subscribers", "add", "ann@example.org"])
    outbox = tmp_path / "outbox"
    result = runner.invoke(
        main, [*base, "send", "--dry-run", "--outbox", str(outbox), "--today", "2022-05-09"]
    )
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output and len(list(outbox.glob("*.eml"))) == 1
    with smtp_server() as (recorder, port):
        env = {**smtp_env(port), "COOPWATCH_SITE_DIR": str(tmp_path / "site")}
        sent = runner.invoke(main, [*base, "send", "--today", "2022-05-09"], env=env)
        assert sent.exit_code == 0 and "sent 1" in sent.output  # the dry run logged nothing
        assert len(recorder.messages) == 1
        result = runner.invoke(
            main, [*base, "run", "--skip", "crawl", "--skip", "analyze"], env=env
        )
    assert result.exit_code == 0, result.output
    assert "[render:weekly] ok" in result.output and "[send:all] ok" in result.output
    assert (tmp_path / "site" / "en" / "index.html").is_file()
    status = runner.invoke(main, [*base, "status"])
    assert status.exit_code == 0 and "render:daily" in status.output
    assert "Subscribers: confirmed 1" in status.output


def test_config_hides_smtp_password_and_key() -> None:
    env = {"COOPWATCH_SMTP_PASSWORD": "hunter2", "COOPWATCH_SITE_SECRET_KEY": "s3cret"}
    result = CliRunner().invoke(main, ["config"], env=env)
    assert (
        result.exit_code == 0 and "hunter2" not in result.output and "s3cret" not in result.output
    )
    assert '[smtp] password = "***"' in result.output
