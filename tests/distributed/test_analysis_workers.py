"""Analysis workers on one PostgreSQL store share the work: each article once, none lost."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from coopwatch.article import Article
from coopwatch.errors import StoreError
from coopwatch.store import Store

ROOT = Path(__file__).resolve().parents[2]
PLACES = ["鹤山市与开平市", "新会区与台山市", "蓬江区和江海区与恩平市", "深圳市与汕尾市"]


def seed(url: str, count: int) -> None:
    with Store.open(url) as store:
        for i in range(count):
            pair = PLACES[i % len(PLACES)]
            store.add_article(
                Article(
                    url=f"https://news.example.org/{i}.html",
                    title=f"第{i}号 协作新闻",
                    text=f"{pair}签署第{i}份结对合作协议，设立{i + 1}00万元协作资金，共建产业园。"
                    f"这是第{i}篇报道，编号{i * 7919}。",
                )
            )


def worker(url: str, batch: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOPWATCH_")}
    env["COOPWATCH_NLP_BATCH_SIZE"] = str(batch)
    return subprocess.Popen(
        [sys.executable, "-m", "coopwatch", "--database-url", url, "analyze", "--worker",
         "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def analysed_by(proc: subprocess.Popen[str]) -> int:
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    match = re.search(r"Articles analysed: (\d+)", out)
    assert match, out
    return int(match.group(1))


def count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(sa.text(f"select count(*) from {table}")).scalar_one()
    engine.dispose()
    return int(value)


def test_workers_never_analyse_the_same_article(postgres_url: str) -> None:
    # Small batches make many claims race: a row another worker analysed and unlocked while
    # this worker's claim was running must not be claimed (and analysed) a second time.
    seed(postgres_url, 90)
    workers = [worker(postgres_url, 1), worker(postgres_url, 2), worker(postgres_url, 3)]
    done = sum(analysed_by(w) for w in workers)
    assert done == 90  # every article once: the counts add up, no article twice
    assert count(postgres_url, "analyses") == 90


def _locked_rows(url: str) -> bool:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        held = conn.execute(
            sa.text(
                "select count(*) from pg_locks l join pg_class c on l.relation = c.oid "
                "where c.relname = 'articles' and c.relnamespace = "
                "(select oid from pg_namespace where nspname = current_schema()) "
                "and l.pid <> pg_backend_pid()"
            )
        ).scalar_one()
    engine.dispose()
    return bool(held)


def test_a_worker_killed_mid_batch_loses_nothing(postgres_url: str) -> None:
    seed(postgres_url, 120)
    doomed = worker(postgres_url, 120)  # one batch, claimed before the pipelines even load
    deadline = time.monotonic() + 60
    while not _locked_rows(postgres_url):
        assert doomed.poll() is None, "the worker ended before it was seen holding its batch"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate(timeout=30)  # reaps it and closes its pipes
    assert count(postgres_url, "analyses") == 0  # its batch was never committed
    assert analysed_by(worker(postgres_url, 50)) == 120
    assert count(postgres_url, "analyses") == 120


def test_workers_need_postgresql(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    seed(url, 1)
    with (
        Store.open(url) as store,
        pytest.raises(StoreError, match="PostgreSQL"),
        store.claim_analysis_batch(5),
    ):
        pass
