"""Topic score for regional cooperation from weighted bilingual phrase lists."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from coopwatch.errors import ConfigError

MAX_COUNT = 3
TITLE_FACTOR = 2.0


@dataclass(frozen=True)
class Topics:
    """Compiled phrase lists: one regex per language, weights by lower-cased phrase."""

    weights: dict[str, float]
    english: re.Pattern[str] | None
    chinese: re.Pattern[str] | None

    @classmethod
    def load(cls, path: str | Path | None = None) -> Topics:
        file = (
            Path(path) if path else Path(str(resources.files("coopwatch") / "data" / "topics.toml"))
        )
        try:
            with open(file, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            raise ConfigError(f"[relevance] keywords: file {file} does not exist.") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"[relevance] keywords: {file} is not valid TOML: {exc}.") from None
        unknown = set(data) - {"en", "zh"}
        if unknown:
            raise ConfigError(
                f"{file}: unknown table(s) {sorted(unknown)}; use [en] and [zh] of phrase = weight."
            )
        weights: dict[str, float] = {}
        for lang in ("en", "zh"):
            for phrase, weight in data.get(lang, {}).items():
                if not isinstance(weight, (int, float)) or isinstance(weight, bool):
                    raise ConfigError(
                        f'{file}: [{lang}] "{phrase}" = {weight!r}: the weight must be a number.'
                    )
                weights[phrase.lower()] = float(weight)
        en = sorted(data.get("en", {}), key=len, reverse=True)
        zh = sorted(data.get("zh", {}), key=len, reverse=True)
        english = (
            re.compile(r"\b(" + "|".join(re.escape(p) for p in en) + r")\b", re.IGNORECASE)
            if en
            else None
        )
        chinese = re.compile("|".join(re.escape(p) for p in zh)) if zh else None
        return cls(weights, english, chinese)

    def _score(self, text: str) -> float:
        counts: dict[str, int] = {}
        for pattern in (self.english, self.chinese):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                key = match.group(0).lower()
                counts[key] = counts.get(key, 0) + 1
        return sum(self.weights.get(k, 0.0) * min(c, MAX_COUNT) for k, c in counts.items())

    def score(self, title: str, text: str) -> float:
        """Weighted phrase occurrences; longest phrase wins where phrases overlap."""
        return round(self._score(text) + TITLE_FACTOR * self._score(title), 2)
