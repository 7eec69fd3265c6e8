"""Rendering and sending stay single-leader: two schedulers on one PostgreSQL never both run."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from coopwatch.cycle import run_step
from coopwatch.store import Store

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time
from coopwatch.locks import store_lock
from coopwatch.store import Store
with Store.open(sys.argv[1]) as store, store_lock(store, "send", ttl=30):
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_second_scheduler_skips_the_send_the_first_is_doing(postgres_url: str) -> None:
    leader = subprocess.Popen(
        [sys.executable, "-c", HOLD, postgres_url, "4"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert leader.stdout is not None and leader.stdout.readline().strip() == "holding"
    ran: list[str] = []
    with Store.open(postgres_url) as store:
        result = run_step(store, "send:daily", lambda lease, run: ran.append("sent"), ttl=30)
        assert result.status == "skipped" and ran == []
        leader.communicate(timeout=30)
        assert leader.returncode == 0
        # once the leader is done, the next scheduler's turn runs
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            result = run_step(store, "send:daily", lambda lease, run: ran.append("sent"), ttl=30)
            if result.status == "ok":
                break
            time.sleep(0.2)
    assert ran == ["sent"]
