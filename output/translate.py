"""Machine translation: a pluggable backend may fill titles and excerpts in the other language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from coopwatch.errors import ConfigError


class Translator(Protocol):
    """Translates texts from one language ("en", "zh") to another; None when it cannot."""

    name: str

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]: ...


class NoTranslator:
    """No backend configured: digests show the original text and say so."""

    name = "none"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        return [None for _ in texts]


_BACKENDS: dict[str, Callable[[], Translator]] = {"none": NoTranslator}


def register_translator(name: str, factory: Callable[[], Translator]) -> None:
    """Make a backend available to [site] translator = NAME."""
    _BACKENDS[name] = factory


def get_translator(name: str) -> Translator:
    try:
        return _BACKENDS[name]()
    except KeyError:
        raise ConfigError(
            f"[site] translator = {name!r} is not a known backend; use one of "
            f"{', '.join(sorted(_BACKENDS))} or register one with "
            "output.translate.register_translator."
        ) from None


class CachedTranslator:
    """Asks the backend once per (text, source, target), in batches."""

    def __init__(self, backend: Translator) -> None:
        self.backend = backend
        self.name = backend.name
        self._cache: dict[tuple[str, str, str], str | None] = {}

    @property
    def enabled(self) -> bool:
        return not isinstance(self.backend, NoTranslator)

    def prepare(self, texts: Sequence[str], source: str, target: str) -> None:
        todo = list(dict.fromkeys(t for t in texts if (t, source, target) not in self._cache))
        if not todo or not self.enabled:
            return
        for text, result in zip(todo, self.backend.translate(todo, source, target), strict=True):
            self._cache[(text, source, target)] = result

    def get(self, text: str, source: str, target: str) -> str | None:
        if not self.enabled or not text:
            return None
        key = (text, source, target)
        if key not in self._cache:
            self.prepare([text], source, target)
        return self._cache.get(key)
