"""Sources files are validated data; errors name the file, the entry and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopwatch.errors import SourcesError
from coopwatch.sources import load_sources

GOOD = """
[[source]]
id = "wuyi-daily"
name = "Wuyi Daily"
language = "zh"
feeds = ["https://news.example.org/rss.xml"]
listings = ["https://news.example.org/list/"]
allow = ['/content/post_\\d+\\.html$']
follow = ['/list/index_\\d+\\.html$']
deny = ['/admin/']
restrict_css = [".article-list"]
max_depth = 2

[[source]]
id = "off"
name = "Disabled"
sitemaps = ["https://off.example.org/sitemap.xml"]
enabled = false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file(tmp_path: Path) -> None:
    (src,) = load_sources(write(tmp_path, GOOD))
    assert src.id == "wuyi-daily" and src.language == "zh" and src.max_depth == 2
    assert src.domains == ["news.example.org"]


def test_typo_in_key_names_entry_and_allowed_keys(tmp_path: Path) -> None:
    with pytest.raises(SourcesError) as err:
        load_sources(write(tmp_path, GOOD.replace("listings =", "listing =")))
    message = str(err.value)
    assert "wuyi-daily" in message and "listing" in message and "listings" in message
    assert str(tmp_path) in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("https://news.example.org/rss.xml", "ftp://x/rss"), "not an http"),
        (("'/content/post_\\d+\\.html$'", "'(unclosed'"), "bad regular expression"),
        (('language = "zh"', 'language = "fr"'), "language"),
        (("max_depth = 2", "max_depth = 99"), "max_depth"),
        (('id = "off"', 'id = "wuyi-daily"'), "appears twice"),
    ],
)
def test_bad_values(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    with pytest.raises(SourcesError, match=expected):
        load_sources(write(tmp_path, GOOD.replace(*change)))


def test_source_without_entry_points(tmp_path: Path) -> None:
    text = '[[source]]\nid = "x"\nname = "X"\n'
    with pytest.raises(SourcesError, match="no feeds, sitemaps or listings"):
        load_sources(write(tmp_path, text))


def test_missing_and_broken_file(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="does not exist"):
        load_sources(tmp_path / "none.toml")
    with pytest.raises(SourcesError, match="not valid TOML"):
        load_sources(write(tmp_path, "[[source]\n"))
