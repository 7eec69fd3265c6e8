"""The `coopwatch` command: a click group of thin commands, each calling one library function."""

from __future__ import annotations

import io
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click

from coopwatch import __version__
from coopwatch.errors import CoopwatchError, FetchError
from coopwatch.settings import Settings, describe, load_settings

PARSE_FIELDS = (
    "url",
    "title",
    "text",
    "published",
    "source",
    "authors",
    "language",
    "encoding",
    "pages",
    "relevance",
    "relevant",
)


ANALYSIS_FIELDS = ("segments", "districts", "regions", "pairings", "initiatives", "amounts")


class _Group(click.Group):
    """Turns library errors into one clean line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoopwatchError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)


def _settings(ctx: click.Context, **overrides: dict[str, Any]) -> Settings:
    obj = ctx.find_root().obj
    layers: dict[str, dict[str, Any]] = {}
    for source in (obj["overrides"], overrides):
        for section, values in source.items():
            given = {k: v for k, v in values.items() if v is not None}
            if given:
                layers.setdefault(section, {}).update(given)
    return load_settings(obj["config"], overrides=layers)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="coopwatch")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Settings file (default: $COOPWATCH_CONFIG or ./coopwatch.toml).",
)
@click.option("--database-url", help="Overrides [database] url for this run.")
@click.pass_context
def main(ctx: click.Context, config: str | None, database_url: str | None) -> None:
    """coopwatch follows news about regional cooperation in China (English and Chinese).

    \b
    Example:
      coopwatch demo            # offline: serve the sample site, crawl it, report
      coopwatch crawl           # crawl the configured sources into the store
    """
    ctx.obj = {"config": config, "overrides": {"database": {"url": database_url}}}


@main.command()
@click.option("--sources", type=click.Path(dir_okay=False), help="Sources file (TOML).")
@click.option("--jobdir", help="Keep the crawl queue here so an interrupted crawl resumes.")
@click.option("--progress/--no-progress", default=None, help="Show a progress line.")
@click.option(
    "--worker",
    is_flag=True,
    help="Join the frontier shared through [crawl] redis_url and keep waiting for work.",
)
@click.pass_context
def crawl(
    ctx: click.Context,
    sources: str | None,
    jobdir: str | None,
    progress: bool | None,
    worker: bool,
) -> None:
    """Crawl the configured news sources into the store.

    Already stored URLs are not fetched again; feeds and listing pages are asked for
    with conditional requests. Prints a closing report.

    With [crawl] redis_url set, crawls on several machines share one frontier;
    --worker keeps such a crawler running, waiting for work.

    \b
    Example:
      coopwatch crawl --sources my-sources.toml
      COOPWATCH_CRAWL_REDIS_URL=redis://frontier:6379/0 coopwatch crawl --worker
    """
    from coopwatch.sources import load_sources
    from crawler.run import crawl as run_crawl
    from crawler.run import crawl_report_text

    settings = _settings(ctx, crawl={"sources": sources, "jobdir": jobdir})
    sources_list = load_sources(settings.crawl.sources or None)
    report = run_crawl(settings, sources_list, progress=progress, worker=worker)
    click.echo(crawl_report_text(report))


def _read_input(item: str, settings: Settings) -> tuple[bytes, str, str | None]:
    """Bytes, URL and Content-Type of a file path or an http(s) URL given to `parse`."""
    if item.startswith(("http://", "https://")):
        request = urllib.request.Request(item, headers={"User-Agent": settings.crawl.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=settings.crawl.timeout) as resp:
                body = resp.read(settings.crawl.max_page_bytes + 1)
                if len(body) > settings.crawl.max_page_bytes:
                    limit = settings.crawl.max_page_bytes
                    raise FetchError(f"{item}: larger than [crawl] max_page_bytes={limit}.")
                return body, resp.geturl(), resp.headers.get("Content-Type")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{item}: cannot fetch it ({reason}).") from None
    path = Path(item)
    if not path.is_file():
        raise FetchError(f"{item}: no such file (give a file path or an http(s) URL).")
    return path.read_bytes(), path.resolve().as_uri(), None


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per input.")
@click.option(
    "--analysis/--no-analysis",
    default=True,
    show_default=True,
    help="Add what the understanding stage finds (districts, pairings, initiatives...).",
)
@click.pass_context
def parse(ctx: click.Context, inputs: tuple[str, ...], as_json: bool, analysis: bool) -> None:
    """Show what extraction and analysis get from pages: files (HTML in any encoding, or
    text) or URLs.

    \b
    Example:
      coopwatch parse page.html https://example.org/news/1.html --json
    """
    from coopwatch.relevance import Topics
    from crawler.extract import extract

    settings = _settings(ctx)
    topics = Topics.load(settings.relevance.keywords or None)
    analyzer = None
    if analysis:
        from nlp.pipeline import Analyzer

        analyzer = Analyzer(
            model_en=settings.nlp.model_en,
            model_zh=settings.nlp.model_zh,
            max_chars=settings.nlp.max_chars,
        )
    failed = 0
    for item in inputs:
        try:
            body, url, content_type = _read_input(item, settings)
            article = extract(body, url, content_type).article
        except CoopwatchError as exc:
            failed += 1
            if as_json:
                click.echo(json.dumps({"input": item, "error": str(exc)}, ensure_ascii=False))
            else:
                click.echo(f"Error: {exc}", err=True)
            continue
        article.relevance = topics.score(article.title, article.text)
        article.relevant = article.relevance >= settings.relevance.threshold
        data = article.to_json()
        record = {"input": item, **{key: data[key] for key in PARSE_FIELDS}}
        if analyzer is not None:
            found = analyzer.analyze(article).to_json()
            record.update({key: found[key] for key in ANALYSIS_FIELDS})
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(_human(record))
    if failed:
        sys.exit(1)


def _human(record: dict[str, Any]) -> str:
    lines = [f"== {record['input']}"]
    for key in PARSE_FIELDS:
        if key == "text":
            continue
        lines.append(f"{key:>11}: {record[key]}")
    if "districts" in record:
        places = record["districts"] + record["regions"]
        lines.append(
            f"{'places':>11}: "
            + (", ".join(f"{p['name_en']} {p['name_zh']} {p['code']}" for p in places) or "-")
        )
        for p in record["pairings"]:
            lines.append(f"{'pairing':>11}: {' + '.join(p['members'])} ({p['relation']})")
        for i in record["initiatives"]:
            money = f" {i['amount']['value']:,} {i['amount']['currency']}" if i["amount"] else ""
            lines.append(f"{'initiative':>11}: {i['type']}{money}: {i['evidence'][:80]}")
    lines.append("")
    lines.append(record["text"])
    return "\n".join(lines) + "\n"


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl"]),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File (default: stdout).")
@click.option("--relevant-only", is_flag=True, help="Only articles marked relevant.")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str | None, relevant_only: bool) -> None:
    """Write all stored articles, one JSON object per line.

    \b
    Example:
      coopwatch export --format jsonl -o articles.jsonl
    """
    from coopwatch.export import export_jsonl
    from coopwatch.store import Store

    settings = _settings(ctx)
    with Store.open(settings.database.url, echo=settings.database.echo) as store:
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                count = export_jsonl(store, fh, relevant_only=relevant_only)
            click.echo(f"Wrote {count} articles to {output}.", err=True)
        else:
            export_jsonl(store, sys.stdout, relevant_only=relevant_only)


@main.command()
@click.option("--workers", type=int, help="Processes for spaCy (default [nlp] workers).")
@click.option("--reanalyze", is_flag=True, help="Also redo articles analysed by an older version.")
@click.option("--limit", type=int, help="Analyse at most this many articles.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
@click.option(
    "--worker",
    is_flag=True,
    help="Share the work with other `analyze --worker` processes (PostgreSQL store).",
)
@click.pass_context
def analyze(
    ctx: click.Context,
    workers: int | None,
    reanalyze: bool,
    limit: int | None,
    progress: bool | None,
    worker: bool,
) -> None:
    """Find districts, pairings and initiatives in every stored article not yet analysed.

    Works in batches and stores each batch; an interrupted run resumes where it stopped.
    With --worker (PostgreSQL), any number of processes on any machines share the work.

    \b
    Example:
      coopwatch analyze --workers 2
      coopwatch --database-url postgresql+psycopg://cw@db/cw analyze --worker
    """
    from coopwatch.store import Store
    from nlp.run import analyze_store, count_pending

    settings = _settings(ctx, nlp={"workers": workers})
    with Store.open(settings.database.url, echo=settings.database.echo) as store:
        total = count_pending(store, reanalyze=reanalyze)
        if limit is not None:
            total = min(total, limit)
        show = sys.stderr.isatty() if progress is None else progress
        with click.progressbar(
            length=total, label="Analysing", file=sys.stderr if show else io.StringIO()
        ) as bar:
            report = analyze_store(
                store,
                settings,
                reanalyze=reanalyze,
                limit=limit,
                progress=bar.update,
                worker=worker,
            )
    click.echo(report.text())


@main.command()
@click.option("--site-dir", help="Render the site here instead of [site] dir.")
@click.pass_context
def demo(ctx: click.Context, site_dir: str | None) -> None:
    """Run the main job offline, end to end: serve the bundled sample news site on 127.0.0.1,
    crawl it, analyse the articles, render the bilingual site, and say where to open it.

    Articles go into the configured store ([database] url, default ./coopwatch.db), the site
    into [site] dir (default ./site).

    \b
    Example:
      coopwatch demo && coopwatch serve
    """
    from coopwatch.demo import run_demo
    from coopwatch.store import Store
    from nlp.run import analyze_store
    from output.site import render_site

    settings = _settings(ctx, site={"dir": site_dir})
    click.echo("1/3 Crawling the sample site ...", err=True)
    click.echo(run_demo(settings))
    with Store.open(settings.database.url, echo=settings.database.echo) as store:
        click.echo("2/3 Analysing the articles ...", err=True)
        click.echo(analyze_store(store, settings).text())
        click.echo("3/3 Rendering the digests ...", err=True)
        click.echo(render_site(store, settings).text())


@main.group()
def db() -> None:
    """Database maintenance.

    \b
    Example:
      coopwatch db upgrade
    """


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create the database or upgrade it in place to the current schema.

    \b
    Example:
      coopwatch --database-url postgresql+psycopg://me@db:5432/coopwatch db upgrade
    """
    from coopwatch.database import safe_url
    from coopwatch.store import Store

    settings = _settings(ctx)
    with Store.open(settings.database.url) as store:
        counts = store.counts()
    click.echo(
        f"Database {safe_url(settings.database.url)} is at the current schema: "
        f"{counts['articles']} articles in {counts['stories']} stories."
    )


@main.command("sources")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.pass_context
def sources_cmd(ctx: click.Context, file: str | None) -> None:
    """Check a sources file and list its sites (default: the configured one).

    \b
    Example:
      coopwatch sources my-sources.toml
    """
    from coopwatch.sources import bundled_sources_path, load_sources

    settings = _settings(ctx)
    path = file or settings.crawl.sources or str(bundled_sources_path())
    for src in load_sources(path):
        entry = len(src.feeds), len(src.sitemaps), len(src.listings)
        click.echo(
            f"{src.id:<24} {src.language:<5} feeds={entry[0]} sitemaps={entry[1]} "
            f"listings={entry[2]} depth={src.max_depth}  {src.name}"
        )
    click.echo(f"{path}: OK", err=True)


@main.command("config")
@click.pass_context
def config_cmd(ctx: click.Context) -> None:
    """Print the settings in force (after file, environment and flags), secrets hidden.

    \b
    Example:
      COOPWATCH_SITE_DIR=/srv/www coopwatch config
    """
    from coopwatch.database import safe_url

    settings = _settings(ctx)
    data = settings.model_dump()
    data["database"]["url"] = safe_url(data["database"]["url"])
    for section, key in (("smtp", "password"), ("site", "secret_key")):
        if data[section][key]:
            data[section][key] = "***"
    for section, key, _default, doc in describe():
        value = data[section][key]
        click.echo(f"[{section}] {key} = {json.dumps(value, ensure_ascii=False)}    # {doc}")


@main.command()
@click.option(
    "--period",
    type=click.Choice(["daily", "weekly"]),
    help="A digest per day or per ISO week (default weekly; with dates: one of the range).",
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day, included.")
@click.option("--site-dir", help="Overrides [site] dir for this run.")
@click.pass_context
def digest(
    ctx: click.Context,
    period: str | None,
    since: Any,
    until: Any,
    site_dir: str | None,
) -> None:
    """Render the bilingual digests and the site (pages, feeds, JSON, text) from the store.

    Writes index and archive pages per language, a page per digest, district and pairing
    timelines, an Atom feed per language and a JSON and plain-text copy of each digest into
    [site] dir (default ./site). Digests rendered before are rendered again.

    \b
    Example:
      coopwatch digest --period weekly
      coopwatch digest --since 2022-05-01 --until 2022-05-31
    """
    from coopwatch.store import Store
    from output.site import render_site

    settings = _settings(ctx, site={"dir": site_dir})
    with Store.open(settings.database.url, echo=settings.database.echo) as store:
        report = render_site(
            store,
            settings,
            period=period,
            since=since.date() if since else None,
            until=until.date() if until else None,
        )
    click.echo(report.text())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--site-dir", help="Overrides [site] dir for this run.")
@click.option("--outbox", help="Write emails (confirmation links) here as .eml instead of sending.")
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, site_dir: str | None, outbox: str | None
) -> None:
    """Serve the rendered site over HTTP, with the subscription pages (Ctrl-C stops).

    /en/subscribe and /zh/subscribe take subscriptions (double opt-in by email through
    [smtp]); signed links in the emails lead to the preferences and unsubscribe pages.

    \b
    Example:
      coopwatch serve --port 8000     # then open http://127.0.0.1:8000/
      coopwatch serve --outbox outbox # confirmation emails as files, for trying it out
    """
    from coopwatch.cli_subscriptions import subscription_routes
    from output.web import serve as serve_site

    settings = _settings(ctx, site={"dir": site_dir})
    with subscription_routes(settings, outbox) as routes:
        serve_site(
            settings.site.dir,
            host,
            port,
            ready=lambda url: click.echo(f"Serving {settings.site.dir} at {url} (Ctrl-C stops)."),
            routes=routes,
        )


# Subscribers, send, run, schedule, status live in their own module; importing it registers them.
from coopwatch import cli_subscriptions as _cli_subscriptions  # noqa: E402, F401
