"""Page contexts and rendered strings: digest (HTML, text, email), timelines, index, archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from output.digest import Digest, PairKey, Story
from output.network import layout
from output.render import Renderer


@dataclass(frozen=True)
class DigestLink:
    slug: str
    label: str
    stories: int


@dataclass(frozen=True)
class Email:
    subject: str
    html: str
    text: str


def digest_context(r: Renderer, digest: Digest, root: str) -> dict[str, Any]:
    period = digest.period
    label = r.period_label(period.kind, period.start, period.end)
    r.prepare(digest.stories)
    return {
        "digest": digest,
        "slug": period.slug,
        "period_label": label,
        "title": r.gettext("Digest: %(period)s") % {"period": label},
        "network": layout(digest.edges),
        "relations": digest.relations,
        "foreign": any(s.language.split("-")[0] != r.variant.base for s in digest.stories),
        "root": root,
        "page": f"digests/{period.slug}.html",
    }


def render_digest(r: Renderer, digest: Digest) -> tuple[str, str]:
    """The digest page (HTML) and its plain-text version, from one context."""
    ctx = digest_context(r, digest, "../../")
    return r.render("digest.html.j2", **ctx), r.render("digest.txt.j2", **ctx)


def render_email(r: Renderer, digest: Digest, base_url: str) -> Email:
    """Subject, HTML (the network as a table, absolute links) and text of a digest email."""
    ctx = digest_context(r, digest, base_url)
    subject = f"{r.site['title']} · {ctx['title']}"
    return Email(subject, r.render("email.html.j2", **ctx), r.render("digest.txt.j2", **ctx))


def render_summary(r: Renderer, digest: Digest, root: str) -> str:
    """The summary block alone (feed entries), links made from ``root``."""
    return r.render("_summary.html.j2", **digest_context(r, digest, root))


def by_month(stories: list[Story], tz: tzinfo) -> list[tuple[str, list[Story]]]:
    months: dict[str, list[Story]] = {}
    for story in stories:
        months.setdefault(story.when.astimezone(tz).strftime("%Y-%m"), []).append(story)
    return list(months.items())


def render_timeline(
    r: Renderer,
    codes: PairKey,
    stories: list[Story],
    *,
    parents: list[str] | None = None,
    pairings: list[PairKey] | None = None,
) -> str:
    """A district's (one code) or a pairing's (its members) page: everything collected, by month."""
    r.prepare(stories)
    if len(codes) == 1:
        title, page, members = r.fmt.place(codes[0]), f"places/{codes[0]}.html", []
    else:
        title, page, members = r.fmt.pair(codes), f"pairings/{'-'.join(codes)}.html", list(codes)
    return r.render(
        "timeline.html.j2",
        title=title,
        root="../../",
        page=page,
        parents=parents or [],
        members=members,
        pairings=pairings or [],
        count=len(stories),
        months=by_month(stories, r.fmt.tz),
    )


def render_index(r: Renderer, latest: Digest | None, recent: list[DigestLink]) -> str:
    ctx: dict[str, Any] = {"digest": None, "slug": "", "period_label": ""}
    if latest is not None:
        ctx = digest_context(r, latest, "../")
    ctx.update(title=r.gettext("Latest"), root="../", page="index.html", recent=recent)
    return r.render("index.html.j2", **ctx)


def render_archive(
    r: Renderer,
    digests: list[DigestLink],
    places: list[tuple[str, int]],
    pairings: list[tuple[PairKey, int]],
) -> str:
    return r.render(
        "archive.html.j2",
        title=r.gettext("Archive"),
        root="../",
        page="archive.html",
        digests=digests,
        places=places,
        pairings=pairings,
    )


def render_root(renderers: dict[str, Renderer]) -> str:
    """The site's front door: one link per language, each described in its own language."""
    first = next(iter(renderers.values()))
    choices = [
        {
            "code": code,
            "tag": r.variant.tag,
            "autonym": r.variant.autonym,
            "lead": r.gettext(
                "Digests of news about regional cooperation in China: districts that pair up, "
                "share funds, parks and schools."
            ),
        }
        for code, r in renderers.items()
    ]
    return first.render("root.html.j2", choices=choices, root="", page="index.html")
