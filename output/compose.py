"""Digest and confirmation emails as strings: rendered once per content, CSS inlined, then
personalised (links) per subscriber. Pure apart from the caches."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from premailer import Premailer

from output.config import SiteOptions
from output.digest import Digest
from output.pages import render_email
from output.render import Renderer, gazetteer_names, shared_environment
from output.translate import CachedTranslator, get_translator

MANAGE = "%%MANAGE_URL%%"  # placeholders replaced per subscriber after inlining
UNSUBSCRIBE = "%%UNSUBSCRIBE_URL%%"
TAGS = {"en": "en", "zh": "zh-Hans"}


@dataclass(frozen=True)
class Content:
    """One digest email before personalisation."""

    subject: str
    html: str
    text: str
    language: str  # Content-Language


@functools.lru_cache(maxsize=256)
def inline_css(html: str) -> str:
    """Move the <style> rules onto the elements (many mail clients drop <style>)."""
    return str(
        Premailer(
            html,
            keep_style_tags=False,
            remove_classes=False,
            disable_validation=True,
            allow_network=False,
            cssutils_logging_level=logging.CRITICAL,
        ).transform()
    )


def _body(html: str) -> str:
    start = html.index(">", html.index("<body")) + 1
    return html[start : html.rindex("</body>")]


class Composer:
    """Renders digest emails in the subscriber's language(s); caches by content."""

    def __init__(self, options: SiteOptions) -> None:
        from zoneinfo import ZoneInfo

        self.options = options
        self.base_url = options.base_url
        tz = ZoneInfo(options.timezone)
        env = shared_environment()
        names = gazetteer_names()
        shared = CachedTranslator(get_translator(options.translator))
        site = {"title": options.title, "languages": list(options.variants)}
        self.renderers = {
            code: Renderer(env, code, names=names, translator=shared, site=site, tz=tz)
            for code in ("en", "zh")
        }
        self._cache: dict[tuple[object, ...], Content] = {}

    def renderer(self, language: str) -> Renderer:
        return self.renderers["zh" if language.startswith("zh") else "en"]

    def digest(
        self, languages: Sequence[str], key: tuple[object, ...], make: Callable[[], Digest]
    ) -> Content:
        """The email of the digest ``make()`` builds, in one or both languages (both: English,
        then Chinese); built and rendered once per ``key`` (the stories it holds)."""
        cache_key = (tuple(languages), key)
        found = self._cache.get(cache_key)
        if found is not None:
            return found
        digest = make()
        parts = []
        for code in languages:
            r = self.renderers[code]
            mail = render_email(r, digest, self.base_url)
            footer = {"manage_url": MANAGE, "unsubscribe_url": UNSUBSCRIBE}
            html_footer = r.render("mail_footer.html.j2", **footer)
            text_footer = r.render("mail_footer.txt.j2", **footer)
            parts.append((code, mail, html_footer, text_footer))
        first = parts[0][1]
        if len(parts) == 1:
            code, mail, html_footer, text_footer = parts[0]
            html = mail.html.replace("</body>", html_footer + "</body>", 1)
            text = mail.text + text_footer
        else:
            bodies = [
                f'<div lang="{TAGS[code]}">{_body(mail.html)}</div>' for code, mail, _h, _t in parts
            ]
            html = first.html.replace(_body(first.html), "\n<hr>\n".join(bodies), 1)
            html = html.replace("</body>", parts[-1][2] + "</body>", 1)
            text = "\n\n".join(mail.text for _c, mail, _h, _t in parts) + parts[-1][3]
        subject = " / ".join(p[1].subject for p in parts)
        content = Content(subject, inline_css(html), text, ", ".join(TAGS[c] for c, *_ in parts))
        if len(self._cache) > 512:
            self._cache.clear()
        self._cache[cache_key] = content
        return content

    def confirmation(self, language: str, confirm_url: str, hours: int) -> Content:
        r = self.renderer(language)
        ctx = {"confirm_url": confirm_url, "hours": hours}
        subject = f"{r.site['title']} · {r.gettext('Confirm your subscription')}"
        html = inline_css(r.render("confirm_mail.html.j2", **ctx))
        return Content(subject, html, r.render("confirm_mail.txt.j2", **ctx), TAGS[r.variant.base])


def personalise(content: Content, manage_url: str, unsubscribe_url: str) -> tuple[str, str]:
    """(html, text) with this subscriber's links."""

    def fill(s: str) -> str:
        return s.replace(MANAGE, manage_url).replace(UNSUBSCRIBE, unsubscribe_url)

    return fill(content.html), fill(content.text)


def link(base_url: str, path: str, **query: str) -> str:
    return f"{base_url}{path}?{urlencode(query)}" if query else f"{base_url}{path}"
