"""`coopwatch send`: each confirmed subscriber gets what is new for them, once."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from coopwatch import sendlog
from coopwatch.locks import Lease
from coopwatch.store import Store
from coopwatch.subscriptions import FREQUENCIES, Subscriber, list_subscribers
from coopwatch.tokens import Signer, signing_key
from output.compose import Composer, link, personalise
from output.config import SiteOptions
from output.digest import Period, Story, build_digest, build_stories, first_seen, period_of
from output.mail import (
    DeliveryError,
    Transport,
    build_message,
    check_sender,
    message_id,
    sender_domain,
)
from output.queries import load_rows

log = logging.getLogger(__name__)


@dataclass
class SendReport:
    counts: Counter[str] = field(default_factory=Counter)
    digests: list[str] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)

    def text(self) -> str:
        c = self.counts
        lines = [
            f"Digests {', '.join(self.digests) or '-'}: sent {c['sent']}, nothing new "
            f"{c['nothing_new']}, already sent {c['already_sent']}, failed {c['failed']} "
            f"(permanent {c['permanent']}, temporary {c['temporary']})."
        ]
        if self.paused:
            lines.append(
                f"Paused after repeated permanent failures: {len(self.paused)} address(es)."
            )
        return "\n".join(lines)


def due_period(frequency: str, today: date) -> Period:
    """The last complete period before ``today``: yesterday, or last ISO week."""
    if frequency == "daily":
        return period_of("daily", today - timedelta(days=1))
    return period_of("weekly", today - timedelta(days=today.weekday() + 1))


def window(period: Period) -> Period:
    """The period and the one before it: a story crawled after its period's digest went out
    still reaches the next one (stories already sent are left out per subscriber)."""
    span = period.end - period.start + timedelta(days=1)
    return Period("range", period.start - span, period.end)


def follows(sub: Subscriber, story: Story) -> bool:
    """No filters: everything; else a followed district is named or a followed pairing."""
    if not sub.places and not sub.pairings:
        return True
    if sub.places and story.places.intersection(sub.places):
        return True
    return any(key in story.pairings for key in sub.pairings)


def _digest_for(period: Period, chosen: list[Story], tz: ZoneInfo, seen: Any) -> Any:
    digest = build_digest(window(period), chosen, tz, seen)
    return dataclasses.replace(digest, period=period)


def send_digests(
    store: Store,
    settings: Any,
    transport: Transport,
    *,
    frequency: str | None = None,
    today: date | None = None,
    lease: Lease | None = None,
    stories: list[Story] | None = None,
    record: bool = True,
) -> SendReport:
    """Send every confirmed subscriber (of ``frequency``, or all) their due digest.

    A subscriber gets only stories not sent to them before, matching their filters; with
    nothing new they get no email. Each (subscriber, digest) is logged before sending, so a
    rerun after a crash sends only what was not sent. ``lease.check()`` runs before each
    message so a lost lock stops the run. With ``record=False`` (--dry-run) the send log is
    read but not written, so a dry run does not keep the real one from sending.
    """
    sender = check_sender(settings)
    options = SiteOptions.from_settings(settings)
    tz = ZoneInfo(options.timezone)
    today = today or datetime.now(tz).date()
    signer = Signer(signing_key(store, getattr(settings.site, "secret_key", "")))
    composer = Composer(options)
    domain = sender_domain(sender)
    list_id = f"{options.title} digests <digests.{domain}>"
    max_failures = settings.smtp.max_failures
    report = SendReport()
    everything = stories if stories is not None else build_stories(load_rows(store))
    seen = first_seen(everything)
    logged, sent = sendlog.history(store)
    for freq in [frequency] if frequency else list(FREQUENCIES):
        period = due_period(freq, today)
        digest_key = f"{freq}:{period.slug}"
        report.digests.append(digest_key)
        start, end = window(period).bounds(tz)
        candidates = [s for s in everything if start <= s.when < end]
        for sub in list_subscribers(store, status="confirmed", frequency=freq):
            if (sub.id, digest_key) in logged:
                report.counts["already_sent"] += 1
                continue
            done = sent.get(sub.id, set())
            chosen = [s for s in candidates if s.id not in done and follows(sub, s)]
            if not chosen:
                report.counts["nothing_new"] += 1
                continue
            ids = [s.id for s in chosen]
            content = composer.digest(
                sub.languages,
                (digest_key, tuple(ids)),
                functools.partial(_digest_for, period, chosen, tz, seen),
            )
            token = signer.manage_token(sub)
            lang = "zh" if sub.language == "zh" else "en"
            manage = link(options.base_url, f"{lang}/preferences", t=token)
            unsubscribe = link(options.base_url, "unsubscribe", t=token)
            html, text = personalise(content, manage, unsubscribe)
            message = build_message(
                sender=sender,
                to=sub.email,
                subject=content.subject,
                text=text,
                html=html,
                message_id=message_id(f"{digest_key}.{sub.id}", domain),
                language=content.language,
                unsubscribe_url=unsubscribe,
                list_id=list_id,
            )
            if lease is not None:
                lease.check()
            if record and not sendlog.claim(store, sub.id, digest_key, ids):
                report.counts["already_sent"] += 1
                continue
            try:
                transport.send(message)
            except DeliveryError as exc:
                report.counts["failed"] += 1
                report.counts["permanent" if exc.permanent else "temporary"] += 1
                if not record:
                    continue
                paused = sendlog.record_failure(
                    store,
                    sub.id,
                    digest_key,
                    code=exc.code,
                    message=str(exc),
                    permanent=exc.permanent,
                    max_failures=max_failures,
                )
                if paused:
                    report.paused.append(sub.email)
                continue
            except BaseException:
                # Interrupted before the server accepted it (Ctrl-C, server gone): not sent.
                if record:
                    sendlog.unclaim(store, sub.id, digest_key)
                raise
            report.counts["sent"] += 1
            if not record:
                continue
            sendlog.mark_sent(store, sub.id, digest_key, message.message_id)
            if sub.failures:
                sendlog.reset_failures(store, sub.id)
    return report
