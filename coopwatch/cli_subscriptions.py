"""CLI commands for subscribers, sending and scheduling (registered on `coopwatch.cli.main`)."""

from __future__ import annotations

import json
import multiprocessing
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import click

from coopwatch.cli import _settings, main
from coopwatch.errors import CoopwatchError, StoreError
from coopwatch.settings import Settings
from coopwatch.store import Store


def _open(settings: Settings) -> Store:
    return Store.open(settings.database.url, echo=settings.database.echo)


def _crawl_child(settings: Settings, conn: Any) -> None:
    from coopwatch.sources import load_sources
    from crawler.run import crawl

    try:
        report = crawl(settings, load_sources(settings.crawl.sources or None), progress=False)
        conn.send(("ok", report))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which records it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))


def crawl_in_child(settings: Settings) -> dict[str, Any]:
    """Scrapy's reactor runs once per process, so every scheduled crawl gets a fresh one."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_crawl_child, args=(settings, child), name="coopwatch-crawl")
    proc.start()
    child.close()
    try:
        status, value = parent.recv()
    except EOFError:
        status, value = "error", "the crawl process died without a report"
    proc.join()
    if status != "ok":
        raise CoopwatchError(f"crawl failed: {value}")
    return dict(value)


@contextmanager
def subscription_routes(settings: Settings, outbox: str | None) -> Iterator[dict[str, Any]]:
    """The subscription pages for `coopwatch serve`, with the store they use kept open."""
    from output.mail import FileTransport, SmtpTransport, Transport
    from output.subscribe import SubscriptionApp

    def transport() -> AbstractContextManager[Transport]:
        if outbox:
            return FileTransport(outbox)
        return SmtpTransport.from_settings(settings, sleep=lambda s: None)

    try:
        store = _open(settings)
    except StoreError as exc:
        # The site still serves; only the subscription pages need the database.
        click.echo(f"Subscription pages are off: {exc}", err=True)
        yield {}
        return
    with store:
        yield SubscriptionApp(store, settings, transport).routes()


@main.group()
def subscribers() -> None:
    """Manage the people who receive digests by email.

    \b
    Example:
      coopwatch subscribers add li@example.org --language zh --frequency weekly
      coopwatch subscribers list
    """


@subscribers.command("list")
@click.option("--status", type=click.Choice(["confirmed", "unsubscribed", "paused"]))
@click.option("--frequency", type=click.Choice(["daily", "weekly"]))
@click.pass_context
def subscribers_list(ctx: click.Context, status: str | None, frequency: str | None) -> None:
    """List subscribers: address, language, frequency, status, consent, filters.

    \b
    Example:
      coopwatch subscribers list --status confirmed
    """
    from coopwatch.subscriptions import list_subscribers

    with _open(_settings(ctx)) as store:
        found = list_subscribers(store, status=status, frequency=frequency)
    for s in found:
        follows = " ".join(s.places + ["-".join(p) for p in s.pairings]) or "everything"
        click.echo(
            f"{s.email:<36} {s.language:<4} {s.frequency:<6} {s.status:<12} {s.consent:<13} "
            f"{follows}"
        )
    click.echo(f"{len(found)} subscriber(s).", err=True)


@subscribers.command("add")
@click.argument("email")
@click.option(
    "--language", type=click.Choice(["en", "zh", "both"]), default="en", show_default=True
)
@click.option(
    "--frequency", type=click.Choice(["daily", "weekly"]), default="weekly", show_default=True
)
@click.option("--district", "districts", multiple=True, help="Six-digit code to follow (repeat).")
@click.option("--pairing", "pairings", multiple=True, help="Pairing to follow: CODE-CODE (repeat).")
@click.pass_context
def subscribers_add(
    ctx: click.Context,
    email: str,
    language: str,
    frequency: str,
    districts: tuple[str, ...],
    pairings: tuple[str, ...],
) -> None:
    """Record a subscriber whose consent was given elsewhere: confirmed at once, marked so.

    \b
    Example:
      coopwatch subscribers add li@example.org --language both --frequency daily --district 440705
    """
    from coopwatch.subscriptions import parse_filters, subscribe

    places, pairs = parse_filters(districts, pairings)
    with _open(_settings(ctx)) as store:
        sub = subscribe(
            store,
            email,
            language=language,
            frequency=frequency,
            places=places,
            pairings=pairs,
            consent="admin",
        )
    click.echo(
        f"{sub.email}: confirmed ({sub.language}, {sub.frequency}; consent given elsewhere)."
    )


@subscribers.command("remove")
@click.argument("email")
@click.pass_context
def subscribers_remove(ctx: click.Context, email: str) -> None:
    """Delete a subscriber and everything kept about them (send log, failures, filters).

    \b
    Example:
      coopwatch subscribers remove li@example.org
    """
    from coopwatch.subscriptions import remove

    with _open(_settings(ctx)) as store:
        found = remove(store, email)
    if not found:
        raise CoopwatchError(f"{email}: no such subscriber.")
    click.echo(f"{email}: removed.")


@subscribers.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File (default: stdout).")
@click.pass_context
def subscribers_export(ctx: click.Context, output: str | None) -> None:
    """Write every subscriber as JSON Lines (address, choices, status, consent, dates).

    \b
    Example:
      coopwatch subscribers export -o subscribers.jsonl
    """
    from coopwatch.subscriptions import list_subscribers

    with _open(_settings(ctx)) as store:
        lines = [json.dumps(s.to_json(), ensure_ascii=False) for s in list_subscribers(store)]
    text = "".join(line + "\n" for line in lines)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"Wrote {len(lines)} subscribers to {output}.", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("--dry-run", is_flag=True, help="Write .eml files to [smtp] outbox; send nothing.")
@click.option("--outbox", help="Directory for --dry-run (default [smtp] outbox).")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]), help="Only these subscribers.")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Send as on this day (default: today in [site] timezone).",
)
@click.pass_context
def send(
    ctx: click.Context,
    dry_run: bool,
    outbox: str | None,
    frequency: str | None,
    today: datetime | None,
) -> None:
    """Email each confirmed subscriber what is new for them in their digest (--dry-run: as
    .eml files, without touching the send log).

    Daily subscribers get yesterday's digest, weekly ones last week's, in their language and
    filtered to what they follow, with only stories not sent to them before. Each message is
    logged, so a rerun (after a crash, say) sends only what was not sent yet.

    \b
    Example:
      coopwatch send --dry-run        # .eml files in ./outbox
      COOPWATCH_SMTP_PASSWORD=... coopwatch send
    """
    from coopwatch.locks import store_lock
    from output.mail import FileTransport, SmtpTransport, Transport
    from output.send import send_digests

    settings = _settings(ctx, smtp={"outbox": outbox})
    files = FileTransport(settings.smtp.outbox)
    transport: Transport = files if dry_run else SmtpTransport.from_settings(settings)
    with (
        _open(settings) as store,
        store_lock(store, "send", ttl=settings.schedule.lock_ttl) as lease,
    ):
        try:
            report = send_digests(
                store,
                settings,
                transport,
                frequency=frequency,
                today=today.date() if today else None,
                lease=lease,
                record=not dry_run,
            )
        finally:
            transport.close()
    click.echo(report.text())
    if dry_run:
        click.echo(f"Wrote {len(files.written)} message(s) to {settings.smtp.outbox}.")


@main.command("run")
@click.option(
    "--skip",
    multiple=True,
    type=click.Choice(["crawl", "analyze", "render", "send"]),
    help="Leave a step out (repeat).",
)
@click.pass_context
def run_cmd(ctx: click.Context, skip: tuple[str, ...]) -> None:
    """Run one full cycle: crawl, analyse, render the site, send the digests.

    Each step takes its lock and is recorded in the run history (`coopwatch status`); a
    failed step is reported and the next one still runs. Exit code 1 if any step failed.

    \b
    Example:
      coopwatch run
      coopwatch run --skip crawl
    """
    from coopwatch.cycle import CYCLE, run_cycle

    settings = _settings(ctx)
    names = tuple(n for n in CYCLE if n.split(":")[0] not in skip)
    with _open(settings) as store:
        results = run_cycle(
            store, settings, names, crawl=crawl_in_child, on_result=lambda r: click.echo(r.text())
        )
    if any(r.status == "error" for r in results):
        sys.exit(1)


@main.command()
@click.option("--max-jobs", type=int, hidden=True, help="Stop after this many jobs (tests).")
@click.pass_context
def schedule(ctx: click.Context, max_jobs: int | None) -> None:
    """Run the cycle's jobs on the cron expressions of [schedule] until stopped.

    Jobs: crawl (crawl + analyse), daily (render + send daily digests), weekly (render + send
    weekly digests). A step never runs twice at once, even from another process or machine
    sharing the database. SIGTERM stops after the current job; Ctrl-C at once.

    \b
    Example:
      COOPWATCH_SCHEDULE_CRAWL="*/30 * * * *" coopwatch schedule
    """
    from coopwatch.cycle import run_cycle
    from coopwatch.schedule import Job, Scheduler, jobs_from, zone

    settings = _settings(ctx)
    jobs, tz = jobs_from(settings), zone(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with _open(settings) as store:

        def run_job(job: Job) -> None:
            click.echo(f"{datetime.now(tz):%Y-%m-%d %H:%M:%S %Z} job {job.name}")
            run_cycle(
                store,
                settings,
                job.steps,
                crawl=crawl_in_child,
                on_result=lambda r: click.echo("  " + r.text()),
            )

        scheduler = Scheduler(jobs, run_job, tz)
        for name, moment in scheduler.upcoming():
            click.echo(f"next {name}: {moment:%Y-%m-%d %H:%M %Z}")
        try:
            scheduler.run(stop, max_jobs=max_jobs)
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)


@main.command()
@click.option("--limit", default=10, show_default=True, help="Recent runs listed.")
@click.pass_context
def status(ctx: click.Context, limit: int) -> None:
    """Show the last run of each step (when, how long, counts, errors), recent runs, locks
    held, subscribers and the send log.

    \b
    Example:
      coopwatch status --limit 20
    """
    from coopwatch.status import status_text

    with _open(_settings(ctx)) as store:
        click.echo(status_text(store, limit=limit, now=datetime.now(UTC)))
