"""The one Jinja environment, and pure rendering: (template, context, language) in, string out."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from nlp.gazetteer import Gazetteer
from output.digest import Story
from output.i18n import DEFAULT_TZ, TEMPLATES, VARIANTS, Formatter, translations, variant
from output.translate import CachedTranslator, NoTranslator

TEXT_SUFFIX = ".txt.j2"


def _autoescape(name: str | None) -> bool:
    """Escape everything except plain-text templates."""
    return name is None or not name.endswith(TEXT_SUFFIX)


def build_environment(templates: Path = TEMPLATES) -> Environment:
    """The one environment: autoescape (HTML, SVG), StrictUndefined, gettext (new style).

    Translations are not bound to the environment: each render puts its language's gettext
    callables in the context, so one environment serves every language.
    """
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["money"] = _money
    env.filters["place"] = _place
    return env


@pass_context
def _money(context: Context, value: Any) -> str:
    """An amount in the reader's language (the formatter comes with the render context)."""
    return str(context["fmt"].money(value))


@pass_context
def _place(context: Context, code: str) -> str:
    return str(context["fmt"].place(code))


def _gettext(func: Callable[[str], str]) -> Callable[..., str]:
    @pass_context
    def gettext(__context: Context, __string: str, **variables: Any) -> str:
        rv = func(__string)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables  # type: ignore[no-any-return]

    return gettext


def _ngettext(func: Callable[[str, str, int], str]) -> Callable[..., str]:
    @pass_context
    def ngettext(
        __context: Context, __singular: str, __plural: str, __num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", __num)
        rv = func(__singular, __plural, __num)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables  # type: ignore[no-any-return]

    return ngettext


def gazetteer_names(
    gazetteer: Gazetteer | None = None,
) -> Callable[[str], tuple[str, str, str, str]]:
    """code -> (name_zh, short_zh, name_en, short_en); unknown codes show as themselves."""
    gaz = gazetteer or Gazetteer.load()

    def names(code: str) -> tuple[str, str, str, str]:
        d = gaz.get(code)
        if d is None:
            return code, code, code, code
        return d.name_zh, d.short_zh or d.name_zh, d.name_en, d.short_en or d.name_en

    return names


class Renderer:
    """Renders templates in one language variant; holds that variant's formatter and catalog."""

    def __init__(
        self,
        env: Environment,
        code: str,
        *,
        names: Callable[[str], tuple[str, str, str, str]] | None = None,
        translator: CachedTranslator | None = None,
        site: dict[str, Any] | None = None,
        tz: tzinfo = DEFAULT_TZ,
    ) -> None:
        self.env = env
        self.variant = variant(code)
        self.fmt = Formatter(code, names or gazetteer_names(), tz)
        self.translator = translator or CachedTranslator(NoTranslator())
        cat = translations(code)
        self.gettext = cat.gettext
        self.site: dict[str, Any] = site or {"title": "coopwatch", "languages": [code]}
        self._base: dict[str, Any] = {
            "gettext": _gettext(cat.gettext),
            "_": _gettext(cat.gettext),
            "ngettext": _ngettext(cat.ngettext),
            "fmt": self.fmt,
            "lang": self.variant,
            "site": self.site,
            "mt": self.translator.enabled,
            "mt_name": self.translator.name,
            "tx": self.translated,
            "variants": VARIANTS,
        }

    def translated(self, text: str, language: str) -> str | None:
        """A machine translation of crawled text into the reader's language, when available."""
        base = language.split("-")[0]
        if base == self.variant.base:
            return None
        result = self.translator.get(text, base, self.variant.base)
        if result and self.variant.traditional:
            from output.i18n import to_traditional

            return to_traditional(result)
        return result

    def prepare(self, stories: list[Story]) -> None:
        """Ask the translation backend for every foreign title and excerpt in one batch."""
        if not self.translator.enabled:
            return
        by_lang: dict[str, list[str]] = {}
        for s in stories:
            base = s.language.split("-")[0]
            if base != self.variant.base:
                by_lang.setdefault(base, []).extend([s.title, s.excerpt])
        for source, texts in by_lang.items():
            self.translator.prepare(texts, source, self.variant.base)

    def render(self, template: str, **context: Any) -> str:
        """Pure: the same template and context give the same string."""
        return self.env.get_template(template).render({**self._base, **context})

    def period_label(self, kind: str, start: Any, end: Any) -> str:
        if kind == "daily":
            return self.fmt.date(start)
        if kind == "weekly":
            return self.gettext("Week of %(date)s") % {"date": self.fmt.date(start)}
        return self.gettext("%(start)s to %(end)s") % {
            "start": self.fmt.date(start),
            "end": self.fmt.date(end),
        }


@functools.cache
def shared_environment() -> Environment:
    """The process's environment over the bundled templates (compiled templates are cached)."""
    return build_environment()
