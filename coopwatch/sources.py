"""The sources file: which news sites to crawl and how, as validated data."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coopwatch.errors import SourcesError


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{value}' is not an http(s) URL")
    return value


class Source(BaseModel):
    """One news site: where its articles are announced and which links are articles."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    language: Literal["en", "zh", "mixed"] = "mixed"
    feeds: list[str] = []
    sitemaps: list[str] = []
    listings: list[str] = []
    allow: list[str] = []
    deny: list[str] = []
    follow: list[str] = []
    restrict_css: list[str] = []
    max_depth: int = Field(2, ge=0, le=10)
    enabled: bool = True

    @field_validator("feeds", "sitemaps", "listings")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        return [_http_url(v) for v in values]

    @field_validator("allow", "deny", "follow")
    @classmethod
    def _regexes(cls, values: list[str]) -> list[str]:
        for pattern in values:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
        return values

    @property
    def domains(self) -> list[str]:
        hosts = {urlsplit(u).hostname or "" for u in self.feeds + self.sitemaps + self.listings}
        return sorted(h for h in hosts if h)


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: list[Source] = []


def bundled_sources_path() -> Path:
    return Path(str(resources.files("coopwatch") / "data" / "sources.toml"))


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Read and validate a sources file; errors name the file, the entry and the key."""
    file = Path(path) if path else bundled_sources_path()
    try:
        with open(file, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SourcesError(
            f"sources file {file} does not exist: check [crawl] sources or --sources."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{file}: not valid TOML: {exc}.") from None
    try:
        parsed = SourcesFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "source" and isinstance(loc[1], int):
            entries = data.get("source", [])
            ident = entries[loc[1]].get("id", "?") if loc[1] < len(entries) else "?"
            where = f"[[source]] #{loc[1] + 1} (id '{ident}')"
            loc = loc[2:]
        key = ".".join(str(p) for p in loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(Source.model_fields)
            msg = f"unknown key; allowed keys are: {allowed}"
        raise SourcesError(f"{file}: {where} {key}: {msg}.".replace("  ", " ")) from None
    seen: set[str] = set()
    for src in parsed.source:
        if src.id in seen:
            raise SourcesError(f"{file}: source id '{src.id}' appears twice; ids must be unique.")
        seen.add(src.id)
        if not (src.feeds or src.sitemaps or src.listings):
            raise SourcesError(
                f"{file}: source '{src.id}' has no feeds, sitemaps or listings to start from."
            )
    return [s for s in parsed.source if s.enabled]
