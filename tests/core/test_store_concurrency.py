"""Several processes opening one fresh database at once: one migrates, all succeed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
OPEN = "import sys; from coopwatch.store import Store; Store.open(sys.argv[1]).close()"


def test_workers_starting_together_do_not_race_the_migration(database_url: str) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, database_url],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        versions = conn.execute(sa.text("select version_num from alembic_version")).all()
    engine.dispose()
    assert len(versions) == 1
