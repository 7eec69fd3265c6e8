"""Atom feeds (feedgen): one per language, one entry per digest, the summary as content."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator

from output.digest import Digest
from output.pages import render_summary
from output.render import Renderer


def atom_feed(r: Renderer, digests: list[Digest], base_url: str, tz: ZoneInfo) -> bytes:
    """The Atom document of a language: newest digests first, absolute links throughout."""
    lang = r.variant
    home = f"{base_url}{lang.code}/"
    fg = FeedGenerator()
    fg.id(f"{home}feed.atom")
    fg.title(f"{r.site['title']} · {r.gettext('Digests')}")
    fg.subtitle(
        r.gettext(
            "Digests of news about regional cooperation in China: districts that pair up, "
            "share funds, parks and schools."
        )
    )
    fg.link(href=f"{home}feed.atom", rel="self", type="application/atom+xml")
    fg.link(href=f"{home}index.html", rel="alternate", type="text/html", hreflang=lang.tag)
    fg.language(lang.tag)
    fg.author({"name": r.site["title"]})
    fg.generator("coopwatch")
    newest = None
    for digest in reversed(digests):  # feedgen prepends: add oldest first
        period = digest.period
        _start, end = period.bounds(tz)
        updated = min(end, max((s.when for s in digest.stories), default=end))
        newest = updated if newest is None or updated > newest else newest
        link = f"{home}digests/{period.slug}.html"
        entry = fg.add_entry()
        entry.id(link)
        entry.title(
            r.gettext("Digest: %(period)s")
            % {"period": r.period_label(period.kind, period.start, period.end)}
        )
        entry.link(href=link, rel="alternate", type="text/html")
        entry.updated(updated)
        entry.published(updated)
        entry.content(render_summary(r, digest, base_url), type="html")
    fg.updated(newest or datetime(2000, 1, 1, tzinfo=tz))
    return bytes(fg.atom_str(pretty=True))
