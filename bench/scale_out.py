"""Scale-out: crawl and analysis throughput with 1 and 2 worker processes on one shared store.

Generates the crawl benchmark's site (see bench/crawl_throughput.py), serves it on 127.0.0.1,
then, for 1 and then 2 worker processes:

  crawl    N ``python -m crawler.run`` processes sharing one Redis frontier, storing into a
           fresh PostgreSQL schema (each with extraction in its own process: extract_workers 0)
  analyze  N ``coopwatch analyze --worker`` processes claiming batches from that schema

and prints articles per second, the ratio 2 workers / 1 worker, the CPU seconds per article
of each stage, and from those an estimate of the machines needed for 100,000 articles a day.

    python -m bench.scale_out [--articles 600] [--postgres URL] [--redis URL]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from bench.crawl_throughput import SOURCES, generate
from coopwatch.demo.server import SiteServer

ROOT = Path(__file__).resolve().parents[1]
DAY = 86_400
TARGET_PER_DAY = 100_000
UTILISATION = 0.5  # plan machines at half load: news comes in bursts


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _schema(postgres: str) -> tuple[str, str]:
    name = "cw_bench_" + uuid.uuid4().hex[:8]
    engine = sa.create_engine(postgres)
    with engine.begin() as conn:
        conn.execute(sa.text(f'create schema "{name}"'))
    engine.dispose()
    sep = "&" if "?" in postgres else "?"
    return name, f"{postgres}{sep}options=-csearch_path%3D{name}"


def _drop(postgres: str, name: str) -> None:
    engine = sa.create_engine(postgres)
    with engine.begin() as conn:
        conn.execute(sa.text(f'drop schema "{name}" cascade'))
    engine.dispose()


def _run_all(commands: list[list[str]]) -> tuple[float, float, list[str]]:
    """Start the commands together; (wall seconds, CPU seconds of all, their stdout)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    procs = [
        subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=3600)
        if proc.returncode != 0:
            sys.exit(f"a worker failed:\n{err[-2000:]}")
        outputs.append(out)
    return time.perf_counter() - start, _children_cpu() - cpu, outputs


def crawl(base: str, tmp: Path, db: str, redis_url: str, workers: int) -> tuple[float, float]:
    sources = tmp / "sources.toml"
    sources.write_text(SOURCES.replace("{base}", base), encoding="utf-8")
    config = tmp / f"crawl-{workers}.toml"
    config.write_text(
        f'[database]\nurl = "{db}"\n[crawl]\nsources = "{sources}"\nobey_robots = false\n'
        "download_delay = 0.0\nautothrottle = false\nconcurrent_requests = 16\n"
        'concurrent_per_domain = 16\nprogress = "off"\nextract_workers = 0\n'
        f'redis_url = "{redis_url}"\nfrontier = "cwbench{uuid.uuid4().hex[:8]}"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "crawler.run", "--config", str(config), "--json"]
    wall, cpu, _ = _run_all([command] * workers)
    return wall, cpu


def analyze(db: str, workers: int) -> tuple[float, float]:
    engine = sa.create_engine(db)
    with engine.begin() as conn:
        conn.execute(sa.text("delete from article_places"))
        conn.execute(sa.text("delete from analyses"))
    engine.dispose()
    command = [sys.executable, "-m", "coopwatch", "--database-url", db, "analyze", "--worker",
               "--no-progress"]  # fmt: skip
    wall, cpu, _ = _run_all([command] * workers)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    results: dict[str, dict[int, tuple[float, float]]] = {"crawl": {}, "analyze": {}}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pages = generate(tmp / "site", args.articles)
        print(f"site: {pages} pages ({args.articles} articles)")
        with SiteServer(tmp / "site") as server:
            for workers in (1, 2):
                name, db = _schema(args.postgres)
                try:
                    results["crawl"][workers] = crawl(server.base_url, tmp, db, args.redis, workers)
                    engine = sa.create_engine(db)
                    with engine.connect() as conn:
                        stored = conn.execute(sa.text("select count(*) from articles")).scalar_one()
                    engine.dispose()
                    if stored != args.articles:
                        sys.exit(f"{workers} crawler(s) stored {stored} of {args.articles}")
                    results["analyze"][workers] = analyze(db, workers)
                finally:
                    _drop(args.postgres, name)
    per_article: dict[str, float] = {}
    for stage, runs in results.items():
        one, two = runs[1], runs[2]
        rate1, rate2 = args.articles / one[0], args.articles / two[0]
        per_article[stage] = one[1] / args.articles
        print(
            f"{stage:<8} 1 worker {rate1:7.1f} articles/s   2 workers {rate2:7.1f} articles/s   "
            f"ratio {rate2 / rate1:.2f}   CPU {1000 * per_article[stage]:.1f} ms/article"
        )
    cpu_day = TARGET_PER_DAY * sum(per_article.values())
    cores = cpu_day / (DAY * UTILISATION)
    print(
        f"100,000 articles a day: {cpu_day / 3600:.1f} CPU hours "
        f"= {cores:.2f} cores at {UTILISATION:.0%} load "
        f"= {max(1, -(-cores // 2)):.0f} machine(s) of 2 cores, plus PostgreSQL and Redis"
    )
    print(json.dumps({"per_article_cpu_s": per_article, "cores_needed": round(cores, 2)}))


if __name__ == "__main__":
    main()
