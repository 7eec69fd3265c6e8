"""Digest emails per second to a local SMTP server, against bare smtplib sending the same bytes.

Usage: python -m bench.send_throughput [--subscribers 10000] [--articles 60]

A temporary SQLite store gets synthetic relevant articles of one week (Jiangmen districts and
pairings, English and Chinese) and N confirmed weekly subscribers with mixed languages (en, zh,
both) and filters (none, a district, a pairing, two districts, a district with no news).
An aiosmtpd server in another process accepts and counts every message. Timed:

- coopwatch: `output.send.send_digests` through `SmtpTransport` (one connection): choosing
  each subscriber's new stories, building and rendering the digest once per distinct content
  (CSS inlined), personalising links, MIME building, the send log (two small transactions per
  message) and SMTP;
- bare smtplib: one connection, `sendmail()` of the very messages coopwatch produced (bytes
  captured in an earlier untimed run), nothing else.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import secrets
import smtplib
import socket
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from coopwatch.article import Analysis, Article, Mention, Pairing, Place
from coopwatch.schema import subscriber_filters, subscribers
from coopwatch.settings import load_settings
from coopwatch.store import Store
from output.mail import Outgoing, SmtpTransport
from output.send import send_digests

MONDAY = date(2022, 5, 9)
PLACES = {
    "440784": ("鹤山市", "Heshan City"),
    "440783": ("开平市", "Kaiping City"),
    "440705": ("新会区", "Xinhui District"),
    "440781": ("台山市", "Taishan City"),
    "440703": ("蓬江区", "Pengjiang District"),
    "440785": ("恩平市", "Enping City"),
    "440704": ("江海区", "Jianghai District"),
}
PAIRS = [("440783", "440784"), ("440705", "440781"), ("440703", "440785")]


def _serve(port: int, ready: Any, stop: Any, out: Any) -> None:
    from aiosmtpd.controller import Controller

    class Counter:
        count = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            Counter.count += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    out.send(Counter.count)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fill(store: Store, n_articles: int, n_subscribers: int, rng: random.Random) -> None:
    codes = list(PLACES)
    for i in range(n_articles):
        zh = i % 2 == 1
        pair = PAIRS[i % len(PAIRS)] if i % 3 else None
        places = list(pair) if pair else [rng.choice(codes)]
        names = [PLACES[c][1 if not zh else 0] for c in places]
        title = (
            f"{'与'.join(names)}合作项目第{i}期签约"
            if zh
            else f"{' and '.join(names)} sign deal {i}"
        )
        text = title + "\n\n" + (f"双方将深化合作{i}。" * 5 if zh else f"Officials met {i}. " * 8)
        when = datetime(2022, 5, 2, 8, tzinfo=UTC) + timedelta(hours=2 * i)
        article = Article(
            url=f"https://news.example.org/{i}.html",
            title=title,
            text=text,
            published=when,
            source="Jiangmen Daily",
            language="zh" if zh else "en",
            relevance=5.0,
            relevant=True,
        )
        store.add_article(article)
        assert article.id is not None
        analysis = Analysis(
            language=article.language or "en",
            districts=[Place(c, *PLACES[c], "district", [Mention(c, 0, 1)]) for c in places],
            pairings=[Pairing(list(pair), "pairing", title)] if pair else [],
        )
        store.save_analysis(article.id, analysis)
    now = datetime.now(UTC)
    rows, filters = [], []
    for i in range(n_subscribers):
        rows.append(
            {
                "id": i + 1,
                "email": f"reader{i}@example.org",
                "email_key": f"reader{i}@example.org",
                "language": ("en", "zh", "both")[i % 3],
                "frequency": "weekly",
                "status": "confirmed",
                "consent": "admin",
                "key": secrets.token_urlsafe(16),
                "created_at": now,
                "confirmed_at": now,
                "changed_at": now,
                "failures": 0,
            }
        )
        kind = i % 5
        if kind == 1:
            filters.append((i + 1, "place", rng.choice(codes[:6])))
        elif kind == 2:
            filters.append((i + 1, "pairing", "-".join(rng.choice(PAIRS))))
        elif kind == 3:
            filters += [(i + 1, "place", c) for c in rng.sample(codes[:6], 2)]
        elif kind == 4 and i % 10 == 4:
            filters.append((i + 1, "place", "110101"))  # no news there: no email
    with store.engine.begin() as conn:
        conn.execute(subscribers.insert(), rows)
        conn.execute(
            subscriber_filters.insert(),
            [{"subscriber_id": s, "kind": k, "code": c} for s, k, c in sorted(set(filters))],
        )


class Capture:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str, bytes]] = []

    def send(self, message: Outgoing) -> None:
        self.messages.append((message.sender, message.to, message.data))

    def close(self) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=60)
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    port = free_port()
    ready, stop = ctx.Event(), ctx.Event()
    parent, child = ctx.Pipe(duplex=False)
    server = ctx.Process(target=_serve, args=(port, ready, stop, child))
    server.start()
    ready.wait(30)
    env = {
        "COOPWATCH_SMTP_HOST": "127.0.0.1",
        "COOPWATCH_SMTP_PORT": str(port),
        "COOPWATCH_SMTP_SECURITY": "none",
        "COOPWATCH_SMTP_SENDER": "coopwatch <digests@coopwatch.example>",
        "COOPWATCH_SITE_SECRET_KEY": "bench",
    }
    settings = load_settings(environ=env)
    with tempfile.TemporaryDirectory() as tmp:
        stores = []
        for name in ("capture", "timed"):
            store = Store.open(f"sqlite:///{Path(tmp) / name}.db")
            fill(store, args.articles, args.subscribers, random.Random(7))
            stores.append(store)
        capture = Capture()
        send_digests(stores[0], settings, capture, today=MONDAY)
        messages = capture.messages
        start = time.perf_counter()
        with SmtpTransport.from_settings(settings) as transport:
            report = send_digests(stores[1], settings, transport, today=MONDAY)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as bare:
            for sender, to, data in messages:
                bare.sendmail(sender, [to], data)
        baseline = time.perf_counter() - start
        for store in stores:
            store.close()
    stop.set()
    received = parent.recv()
    server.join()
    sent = report.counts["sent"]
    size = sum(len(m[2]) for m in messages) / max(1, len(messages))
    print(
        f"{args.subscribers} subscribers, {args.articles} articles: {sent} messages "
        f"({report.counts['nothing_new']} with nothing new), mean {size / 1024:.1f} KB; "
        f"server received {received}"
    )
    print(f"coopwatch send_digests: {ours:.2f} s, {sent / ours:.0f} messages/s")
    print(f"bare smtplib:           {baseline:.2f} s, {len(messages) / baseline:.0f} messages/s")
    ratio = (sent / ours) / (len(messages) / baseline)
    print(f"ratio (coopwatch / bare, messages per second): {ratio:.2f}")


if __name__ == "__main__":
    main()
