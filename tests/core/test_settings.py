"""Settings layer defaults < file < environment < flags and reject what they do not know."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from coopwatch.errors import ConfigError
from coopwatch.settings import describe, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "coopwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_layers_in_order(tmp_path: Path) -> None:
    path = write(tmp_path, '[crawl]\ntimeout = 7\nretries = 5\n[site]\ndir = "from-file"\n')
    env = {"COOPWATCH_CRAWL_TIMEOUT": "9.5", "COOPWATCH_SITE_DIR": "from-env"}
    settings = load_settings(path, environ=env, overrides={"site": {"dir": "from-flag"}})
    assert settings.crawl.timeout == 9.5  # environment beats file
    assert settings.crawl.retries == 5  # file beats default
    assert settings.site.dir == "from-flag"  # flag beats environment
    assert settings.crawl.concurrent_requests == 16  # default


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.database.url == "sqlite:///coopwatch.db"
    assert settings.crawl.obey_robots is True


def test_config_file_from_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite:///elsewhere.db"\n')
    settings = load_settings(environ={"COOPWATCH_CONFIG": str(path)})
    assert settings.database.url == "sqlite:///elsewhere.db"


def test_unknown_key_names_key_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, '[crawl]\nsorces = "x.toml"\n')
    with pytest.raises(ConfigError) as err:
        load_settings(path, environ={})
    assert "sorces" in str(err.value) and "Did you mean 'sources'" in str(err.value)
    assert str(path) in str(err.value)


def test_unknown_section(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown section \[crawler\].*Did you mean 'crawl'"):
        load_settings(write(tmp_path, "[crawler]\nx = 1\n"), environ={})


def test_wrong_type_names_key_and_environment_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[crawl]\nretries = "three"\n'), environ={})
    assert "[crawl] retries" in str(err.value) and "COOPWATCH_CRAWL_RETRIES" in str(err.value)


def test_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="concurrent_requests"):
        load_settings(write(tmp_path, "[crawl]\nconcurrent_requests = 0\n"), environ={})


def test_bad_environment_value_and_unknown_env_key() -> None:
    with pytest.raises(ConfigError, match="COOPWATCH_CRAWL_OBEY_ROBOTS"):
        load_settings(environ={"COOPWATCH_CRAWL_OBEY_ROBOTS": "perhaps"})
    with pytest.raises(ConfigError, match="COOPWATCH_CRAWL_TIMEOT.*timeout"):
        load_settings(environ={"COOPWATCH_CRAWL_TIMEOT": "3"})
    # variables of other sections' namespaces are not ours to judge
    assert load_settings(environ={"COOPWATCH_REQUIRE_SERVICES": "1"}).crawl.retries == 2


def test_boolean_and_choice_from_environment() -> None:
    settings = load_settings(
        environ={"COOPWATCH_CRAWL_OBEY_ROBOTS": "false", "COOPWATCH_CRAWL_PROGRESS": "off"}
    )
    assert settings.crawl.obey_robots is False and settings.crawl.progress == "off"
    with pytest.raises(ConfigError, match="COOPWATCH_CRAWL_PROGRESS"):
        load_settings(environ={"COOPWATCH_CRAWL_PROGRESS": "sometimes"})


def test_broken_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[crawl\n"), environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_settings_are_frozen() -> None:
    settings = load_settings(environ={})
    with pytest.raises(ValidationError):
        settings.crawl.timeout = 1  # type: ignore[misc]


def test_every_setting_is_documented_in_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for section, key, _default, doc in describe():
        assert doc, f"[{section}] {key} has no description"
        assert f"COOPWATCH_{section.upper()}_{key.upper()}" in readme, f"[{section}] {key}"
