"""Site options read from the [site] settings, with defaults for keys the settings lack."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coopwatch.errors import ConfigError

LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class SiteOptions:
    """What the output stage needs to know; `from_settings` reads [site] with fallbacks."""

    dir: Path = Path("site")
    base_url: str = "http://127.0.0.1:8000/"
    title: str = "coopwatch"
    languages: tuple[str, ...] = LANGUAGES
    traditional: bool = False
    translator: str = "none"
    feed_entries: int = 20
    timezone: str = "Asia/Shanghai"
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [lang for lang in self.languages if lang not in LANGUAGES]
        if unknown or not self.languages:
            raise ConfigError(
                f"[site] languages = {list(self.languages)!r}: use a list of 'en' and 'zh' "
                "(Traditional Chinese is [site] traditional = true)."
            )
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"[site] base_url = {self.base_url!r}: give the public http(s) address of the "
                "site, e.g. https://digests.example.org/."
            )
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> SiteOptions:
        """Options from ``settings.site`` (keys it does not have keep their defaults)."""
        site = getattr(settings, "site", None)
        values: dict[str, Any] = {}
        for name in (
            "dir",
            "base_url",
            "title",
            "languages",
            "traditional",
            "translator",
            "feed_entries",
            "timezone",
        ):
            if site is not None and hasattr(site, name):
                values[name] = getattr(site, name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "dir" in values:
            values["dir"] = Path(values["dir"])
        if "languages" in values:
            langs = values["languages"]
            values["languages"] = tuple(
                part.strip() for part in (langs.split(",") if isinstance(langs, str) else langs)
            )
        return cls(**values)

    @property
    def variants(self) -> tuple[str, ...]:
        """The language variants pages are rendered in: en, zh (Simplified), zh-hant."""
        out = list(self.languages)
        if self.traditional and "zh" in out:
            out.append("zh-hant")
        return tuple(out)
