"""One frozen settings object: defaults < coopwatch.toml < COOPWATCH_* environment < CLI flags."""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from coopwatch.errors import ConfigError

ENV_PREFIX = "COOPWATCH_"
DEFAULT_FILE = "coopwatch.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class DatabaseSettings(_Section):
    url: str = Field(
        "sqlite:///coopwatch.db",
        description="SQLAlchemy URL: sqlite:///PATH (default, a file in the working directory) "
        "or postgresql+psycopg://USER@HOST:PORT/DB.",
    )
    echo: bool = Field(False, description="Log every SQL statement (debugging).")


class CrawlSettings(_Section):
    sources: str = Field(
        "", description="Sources file (TOML). Empty: the bundled list of real news sites."
    )
    user_agent: str = Field(
        "coopwatch/0.1 (regional-cooperation news monitor; +https://github.com/coopwatch/coopwatch)",
        description="User-Agent sent with every request.",
    )
    obey_robots: bool = Field(True, description="Obey robots.txt.")
    concurrent_requests: int = Field(16, ge=1, description="Requests in flight overall.")
    concurrent_per_domain: int = Field(4, ge=1, description="Requests in flight per domain.")
    download_delay: float = Field(0.5, ge=0, description="Seconds between requests to one domain.")
    autothrottle: bool = Field(True, description="Adapt the delay to the server's latency.")
    autothrottle_target_concurrency: float = Field(
        2.0, gt=0, description="AutoThrottle's target of parallel requests per server."
    )
    timeout: float = Field(30.0, gt=0, description="Seconds before a request times out.")
    retries: int = Field(2, ge=0, description="Retries of a failed request (5xx, timeouts).")
    max_page_bytes: int = Field(
        5_000_000, ge=1024, description="Pages larger than this are abandoned."
    )
    max_article_pages: int = Field(
        20, ge=1, description="Most continuation pages followed for one multi-page article."
    )
    max_redirects: int = Field(10, ge=0, description="Most redirects followed for one request.")
    redis_url: str = Field(
        "",
        description="Redis URL (redis://HOST:6379/0) of a crawl frontier shared by crawlers on "
        "several machines (scrapy-redis); empty: each crawl keeps its own queue.",
    )
    frontier: str = Field(
        "coopwatch", description="Name of the shared frontier: the prefix of its Redis keys."
    )
    revisit_after: float = Field(
        7 * 86400.0,
        gt=0,
        description="Seconds after which a URL seen in the shared frontier may be fetched again "
        "(and the start URLs are scheduled again).",
    )
    worker_timeout: int = Field(
        60,
        ge=2,
        description="Seconds without a heartbeat after which a crawl worker counts as stopped "
        "and its in-flight requests return to the shared queue.",
    )
    extract_workers: int | None = Field(
        None,
        ge=0,
        description="Processes that extract articles beside the crawler; empty: one fewer than "
        "the CPUs (at least 1); 0: extract in the crawling process.",
    )
    jobdir: str = Field(
        "", description="Directory that keeps the crawl queue so an interrupted crawl resumes."
    )
    progress: Literal["auto", "on", "off"] = Field(
        "auto", description="Progress line on stderr: auto (when a terminal), on, off."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "WARNING", description="Scrapy's log level."
    )


class RelevanceSettings(_Section):
    keywords: str = Field(
        "", description="TOML file of topic phrases and weights. Empty: the bundled list."
    )
    threshold: float = Field(
        3.0, ge=0, description="Score from which an article counts as regional-cooperation news."
    )


class DedupSettings(_Section):
    near_threshold: float = Field(
        0.8,
        gt=0,
        le=1,
        description="Share of the shorter text's shingles two texts must share to be one story.",
    )


class NlpSettings(_Section):
    model_en: str = Field(
        "",
        description="Installed spaCy model for English (e.g. en_core_web_sm) used instead of "
        "the blank pipeline; empty: blank English plus coopwatch's components.",
    )
    model_zh: str = Field(
        "", description="Installed spaCy model for Chinese; empty: blank Chinese (characters)."
    )
    batch_size: int = Field(50, ge=1, description="Articles analysed (and stored) per batch.")
    workers: int = Field(1, ge=1, description="Processes spaCy uses to analyse (nlp.pipe).")
    max_chars: int = Field(
        200_000,
        ge=1000,
        description="Longest text analysed; a longer one is analysed up to here and the "
        "analysis says so.",
    )


class SiteSettings(_Section):
    dir: str = Field("site", description="Directory the digests and site are rendered into.")
    base_url: str = Field(
        "http://127.0.0.1:8000/",
        description="Public address of the site, used for links in feeds and emails.",
    )
    title: str = Field("coopwatch", description="Site title.")
    languages: list[Literal["en", "zh"]] = Field(
        ["en", "zh"], description="Languages the site and digests are rendered in."
    )
    traditional: bool = Field(
        False, description="Also render Traditional Chinese pages (zh-hant/, through OpenCC)."
    )
    translator: str = Field(
        "none",
        description="Machine-translation backend for titles and excerpts; none: show the "
        "original, marked with its language.",
    )
    feed_entries: int = Field(20, ge=1, description="Digests listed in each Atom feed.")
    timezone: str = Field(
        "Asia/Shanghai", description="Time zone in which days and weeks of digests are counted."
    )
    secret_key: str = Field(
        "",
        description="Key that signs the links in emails and the forms (normally from "
        "COOPWATCH_SITE_SECRET_KEY); empty: one is generated once and kept in the database.",
    )
    confirm_hours: int = Field(
        48, ge=1, description="Hours a subscription's confirmation link stays valid."
    )
    rate_client: int = Field(
        20, ge=1, description="Subscription requests one client (IP address) may make per hour."
    )
    rate_address: int = Field(
        3, ge=1, description="Confirmation emails one address may be sent per hour."
    )


class SmtpSettings(_Section):
    host: str = Field("localhost", description="SMTP server that delivers the digests.")
    port: int = Field(587, ge=1, le=65535, description="SMTP server port (587, 465 for tls).")
    security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls (upgrade after connecting), tls (from the start), none."
    )
    username: str = Field("", description="SMTP login; empty: no authentication.")
    password: str = Field(
        "", description="SMTP password (normally from COOPWATCH_SMTP_PASSWORD; never printed)."
    )
    sender: str = Field(
        "coopwatch <coopwatch@localhost>", description="From: address of every email."
    )
    timeout: float = Field(30.0, gt=0, description="Seconds before an SMTP command times out.")
    retries: int = Field(
        3, ge=0, description="Retries of a message after a temporary failure (4xx, lost line)."
    )
    backoff: float = Field(
        2.0, ge=0, description="Seconds before the first retry; doubled for each further one."
    )
    max_failures: int = Field(
        3, ge=1, description="Permanent failures (5xx) after which an address is paused."
    )
    outbox: str = Field(
        "outbox", description="Directory `coopwatch send --dry-run` writes .eml files into."
    )


class ScheduleSettings(_Section):
    timezone: str = Field("Asia/Shanghai", description="Time zone of the cron expressions.")
    crawl: str = Field(
        "0 * * * *", description="Cron expression for crawling and analysing; empty: never."
    )
    daily: str = Field(
        "0 7 * * *",
        description="Cron expression for rendering and sending the daily digests; empty: never.",
    )
    weekly: str = Field(
        "0 7 * * 1",
        description="Cron expression for rendering and sending the weekly digests; empty: never.",
    )
    lock_ttl: int = Field(
        600,
        ge=10,
        description="Seconds a step's lock lasts unless renewed (it is renewed while the step "
        "runs; a crashed run's lock expires after this).",
    )

    @field_validator("crawl", "daily", "weekly")
    @classmethod
    def _cron(cls, value: str) -> str:
        from croniter import croniter

        if value and not croniter.is_valid(value):
            raise ValueError(
                f"{value!r} is not a cron expression (minute hour day month weekday, "
                "e.g. '0 7 * * 1')"
            )
        return value


class Settings(_Section):
    database: DatabaseSettings = DatabaseSettings()
    crawl: CrawlSettings = CrawlSettings()
    relevance: RelevanceSettings = RelevanceSettings()
    dedup: DedupSettings = DedupSettings()
    nlp: NlpSettings = NlpSettings()
    site: SiteSettings = SiteSettings()
    smtp: SmtpSettings = SmtpSettings()
    schedule: ScheduleSettings = ScheduleSettings()


SECTIONS: dict[str, type[_Section]] = {
    name: field.annotation  # type: ignore[misc]
    for name, field in Settings.model_fields.items()
}


def describe() -> list[tuple[str, str, Any, str]]:
    """Every setting as (section, key, default, description), for docs and `coopwatch config`."""
    rows = []
    for section, model in SECTIONS.items():
        for key, field in model.model_fields.items():
            rows.append((section, key, field.default, field.description or ""))
    return rows


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return f"{hint} Valid keys: {', '.join(sorted(choices))}."


def _check_keys(data: dict[str, Any], origin: str) -> None:
    for section, values in data.items():
        if section not in SECTIONS:
            raise ConfigError(
                f"{origin}: unknown section [{section}].{_suggest(section, list(SECTIONS))}"
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{origin}: '{section}' must be a [{section}] table, not a value.")
        fields = list(SECTIONS[section].model_fields)
        for key in values:
            if key not in fields:
                raise ConfigError(
                    f"{origin}: unknown key '{key}' in [{section}].{_suggest(key, fields)}"
                )


def _from_env(environ: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Read COOPWATCH_<SECTION>_<KEY> variables, converting text to each key's type."""
    out: dict[str, dict[str, Any]] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX + "CONFIG":
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        section = next((s for s in SECTIONS if rest.startswith(s + "_")), None)
        if section is None:
            # Not ours to judge (e.g. COOPWATCH_REQUIRE_SERVICES for the test suite).
            continue
        key = rest[len(section) + 1 :]
        fields = SECTIONS[section].model_fields
        if key not in fields:
            raise ConfigError(
                f"environment variable {name}: unknown key '{key}' in [{section}]."
                f"{_suggest(key, list(fields))}"
            )
        annotation = fields[key].annotation
        try:
            if annotation is None:
                raise ValueError(f"[{section}] {key} has no type")
            if getattr(annotation, "__origin__", None) is list:
                value: Any = (
                    json.loads(raw)
                    if raw.strip().startswith("[")
                    else [part.strip() for part in raw.split(",") if part.strip()]
                )
            else:
                value = TypeAdapter(annotation).validate_strings(raw)
        except (ValidationError, ValueError) as exc:
            raise ConfigError(f"environment variable {name}={raw!r}: {_first_error(exc)}") from None
        out.setdefault(section, {})[key] = value
    return out


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return str(err["msg"])
    return str(exc)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, values in extra.items():
        if isinstance(values, dict):
            merged.setdefault(section, {}).update(values)
        else:
            merged[section] = values
    return merged


def config_path(explicit: str | os.PathLike[str] | None, environ: dict[str, str]) -> Path | None:
    """The settings file in force: --config, else $COOPWATCH_CONFIG, else ./coopwatch.toml."""
    if explicit:
        return Path(explicit)
    if environ.get(ENV_PREFIX + "CONFIG"):
        return Path(environ[ENV_PREFIX + "CONFIG"])
    default = Path(DEFAULT_FILE)
    return default if default.exists() else None


def load_settings(
    path: str | os.PathLike[str] | None = None,
    *,
    environ: dict[str, str] | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> Settings:
    """Merge the layers and validate; raise ConfigError naming the key and the fix."""
    environ = dict(os.environ) if environ is None else environ
    file = config_path(path, environ)
    data: dict[str, Any] = {}
    origin = "settings"
    if file is not None:
        origin = str(file)
        try:
            with open(file, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            raise ConfigError(
                f"settings file {file} does not exist: create it or drop --config/COOPWATCH_CONFIG."
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}. Fix the line it names.") from None
        _check_keys(data, origin)
    data = _merge(data, _from_env(environ))
    if overrides:
        _check_keys(overrides, "command-line flags")
        data = _merge(data, {k: v for k, v in overrides.items() if v})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        where = f"[{loc[0]}] {'.'.join(str(p) for p in loc[1:])}" if len(loc) > 1 else str(loc[0])
        expected = SECTIONS[str(loc[0])].model_fields.get(str(loc[-1])) if loc else None
        hint = f" ({expected.description})" if expected is not None and expected.description else ""
        raise ConfigError(
            f"{origin}: {where} = {err.get('input')!r}: {err['msg']}.{hint} "
            f"Set it in the file or as {ENV_PREFIX}{str(loc[0]).upper()}_{str(loc[-1]).upper()}."
        ) from None
