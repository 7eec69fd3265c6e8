"""The command line: every command documented, errors clean, export and config work."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from coopwatch.article import Article
from coopwatch.cli import main
from coopwatch.store import Store

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, cmd in group.commands.items():
        found.append((prefix + name, cmd))
        if isinstance(cmd, click.Group):
            found.extend(all_commands(cmd, prefix + name + " "))
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(main), ids=lambda v: str(v))
def test_every_command_has_help_with_example_and_is_in_readme(
    name: str, command: click.Command
) -> None:
    assert command.help and "Example" in command.help, f"{name}: help needs an example"
    assert f"coopwatch {name}" in README, f"README never shows 'coopwatch {name}'"
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0 and "Example" in result.output


def test_config_shows_layers_and_hides_password(tmp_path: Path) -> None:
    cfg = tmp_path / "coopwatch.toml"
    cfg.write_text('[database]\nurl = "postgresql+psycopg://me:hunter2@db:5432/x"\n')
    result = CliRunner().invoke(
        main, ["--config", str(cfg), "config"], env={"COOPWATCH_SITE_DIR": "/srv/site"}
    )
    assert result.exit_code == 0, result.output
    assert (
        "hunter2" not in result.output and "postgresql+psycopg://me:***@db:5432/x" in result.output
    )
    assert '[site] dir = "/srv/site"' in result.output


def test_bad_setting_is_one_clean_line_with_exit_code_2(tmp_path: Path) -> None:
    cfg = tmp_path / "coopwatch.toml"
    cfg.write_text("[crawl]\nretries = -1\n")
    result = CliRunner().invoke(main, ["--config", str(cfg), "config"])
    assert result.exit_code == 2
    assert re.match(r"Error: .*\[crawl\] retries", result.output)
    assert "Traceback" not in result.output


def test_unreachable_database_exit_code_3() -> None:
    result = CliRunner().invoke(
        main, ["--database-url", "postgresql+psycopg://x@127.0.0.1:1/none", "db", "upgrade"]
    )
    assert result.exit_code == 3 and "cannot open the database" in result.output


def test_db_upgrade_and_export(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    runner = CliRunner()
    result = runner.invoke(main, ["--database-url", url, "db", "upgrade"])
    assert result.exit_code == 0 and "0 articles" in result.output
    with Store.open(url) as store:
        store.add_article(
            Article(url="https://a.example/1", title="新会与台山", text="结对合作。", relevant=True)
        )
        store.add_article(Article(url="https://a.example/2", title="Weather", text="Rain."))
    out = tmp_path / "all.jsonl"
    result = runner.invoke(
        main, ["--database-url", url, "export", "--format", "jsonl", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["title"] for r in rows] == ["新会与台山", "Weather"]
    assert rows[0]["status"] == "new" and rows[0]["fetched_at"]
    result = runner.invoke(main, ["--database-url", url, "export", "--relevant-only"])
    assert [json.loads(x)["url"] for x in result.output.splitlines()] == ["https://a.example/1"]


def test_sources_command_lists_and_rejects(tmp_path: Path) -> None:
    good = tmp_path / "s.toml"
    good.write_text('[[source]]\nid = "a"\nname = "A News"\nfeeds = ["https://a.example/rss"]\n')
    result = CliRunner().invoke(main, ["sources", str(good)])
    assert result.exit_code == 0 and "A News" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nid = "a"\nname = "A"\nfeed = ["https://a.example/rss"]\n')
    result = CliRunner().invoke(main, ["sources", str(bad)])
    assert result.exit_code == 2 and "feed" in result.output and str(bad) in result.output


def test_bundled_sources_are_valid() -> None:
    result = CliRunner().invoke(main, ["sources"], env={"COOPWATCH_CRAWL_SOURCES": ""})
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) >= 5


FIXTURES = Path(__file__).parents[1] / "fixtures" / "pages"


def test_parse_prints_one_json_object_per_input(tmp_path: Path) -> None:
    binary = tmp_path / "junk.bin"
    binary.write_bytes(bytes(range(256)) * 20)
    inputs = [
        str(FIXTURES / "zh_news_gbk_nocharset.html"),
        str(FIXTURES / "plain.txt"),
        str(binary),
        str(tmp_path / "missing.html"),
    ]
    result = CliRunner().invoke(main, ["parse", *inputs, "--json"])
    assert result.exit_code == 1  # some inputs failed
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["input"] for r in rows] == inputs
    gbk, plain, junk, missing = rows
    assert gbk["encoding"] == "gb18030" and "新会" in gbk["title"]
    assert gbk["published"].startswith("2022-05-01T23:43:20") and gbk["source"] == "国际日报"
    assert gbk["language"] == "zh" and gbk["relevant"] is True
    assert {"440705", "440781"} <= {d["code"] for d in gbk["districts"]}
    assert any(set(p["members"]) == {"440705", "440781"} for p in gbk["pairings"])
    assert {"text": "3300万元", "value": 33000000, "currency": "CNY"} in gbk["amounts"]
    assert plain["title"] == "江门设立3300万元区域协作基金" and plain["source"] == "江门日报"
    assert "error" in junk and "binary" in junk["error"].lower()
    assert "no such file" in missing["error"]


def test_parse_without_analysis_and_human_output() -> None:
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "en_news.html"), "--no-analysis"])
    assert result.exit_code == 0, result.output
    assert "title: Xinhui and Taishan sign district pairing pact" in result.output
    assert "places:" not in result.output  # no analysis asked for
