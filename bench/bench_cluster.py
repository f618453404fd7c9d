"""Cluster benchmark: the days of a multi-day WARC archive mapped over 1 and then 2 Celery workers.

Builds a WARC archive of ``--days`` x ``--per-day`` generated articles (bench/corpus.py, 5 outlets) and a
registry reading it, then runs ``scripts/cluster.sh bench`` twice -- the same cluster script as
``make cluster-test`` (PostgreSQL, Redis, moto S3, CeleryExecutor), first with ``CLUSTER_WORKERS=1``, then
with 2 -- each time triggering the WARC backfill DAG over all the days (one mapped task group per day).
The time of a run is the DAG run's own duration (start to end in the metadata DB), so starting the cluster
is not counted. Prints articles/s for each and the ratio, with an estimate for one year of articles, and
writes bench/results/cluster.json.

    python -m bench.bench_cluster [--days 6] [--per-day 300]

Needs the ``cluster`` extra (``make bench-cluster`` installs it) and the Debian packages postgresql and
redis-server; without them it says so and exits 0 with a ``skipped`` result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from bench import corpus

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "cluster.json"
CLUSTER_SCRIPT = ROOT / "scripts" / "cluster.sh"
YEAR_OF_ARTICLES = 18_000_000
CLUSTER_MODULES = ("s3fs", "moto", "redis", "psycopg2", "airflow.providers.celery")


def missing_requirements() -> list[str]:
    """What the cluster needs and this machine lacks (empty when the benchmark can run)."""
    missing = [m for m in CLUSTER_MODULES if importlib.util.find_spec(m.split(".")[0]) is None
               or (m.startswith("airflow.") and not _has_module(m))]
    if shutil.which("redis-server") is None and os.geteuid() != 0:
        missing.append("redis-server (Debian package)")
    if not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")) and os.geteuid() != 0:
        missing.append("postgresql (Debian package)")
    return missing


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def build_archive(folder: Path, days: int, per_day: int, seed: int) -> tuple[Path, dt.date, dt.date, int]:
    """A WARC of days x per_day articles spread over ``days`` days, and a registry reading it."""
    warc = folder / "archive.warc.gz"
    spanned, corpus.DAYS_SPANNED = corpus.DAYS_SPANNED, days  # build_article draws each article's day from it
    try:
        count = corpus.write_warc(warc, days * per_day, seed, progress=True)
    finally:
        corpus.DAYS_SPANNED = spanned
    registry = {"sources": [{
        "id": "bench_archive", "name": "bench archive (generated, 5 outlets)", "country": "IQ", "language": "ar",
        "homepage": f"https://{corpus.OUTLETS[0][0]}/",
        "entry_points": [{"type": "warc", "path": str(warc)}],
        "allowed_hosts": [domain for domain, _ in corpus.OUTLETS],
        "crawl": {"delay_seconds": 0, "max_concurrency": 1},
    }]}
    sources = folder / "bench.yaml"
    sources.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    first = corpus.START_DATE
    return sources, first, first + dt.timedelta(days=days - 1), count


def run_on_cluster(workers: int, sources: Path, first: dt.date, last: dt.date, folder: Path) -> dict:
    """One cluster.sh bench run on ``workers`` workers; its figures (run_seconds, articles, tasks_per_host)."""
    out = folder / f"run-{workers}.json"
    env = {**os.environ, "CLUSTER_WORKERS": str(workers), "BENCH_SOURCES": str(sources),
           "BENCH_FIRST": first.isoformat(), "BENCH_LAST": last.isoformat(), "BENCH_OUT": str(out),
           "CLUSTER_DIR": str(folder / f"cluster-{workers}")}
    print(f"cluster with {workers} worker(s): starting (logs in {env['CLUSTER_DIR']})", file=sys.stderr, flush=True)
    subprocess.run(["bash", str(CLUSTER_SCRIPT), "bench"], env=env, check=True)
    run = json.loads(out.read_text())
    run["articles_per_second"] = round(run["articles"] / run["run_seconds"], 2)
    run["task_tries_per_worker"] = task_tries_per_worker(Path(env["CLUSTER_DIR"]), workers)
    return run


def task_tries_per_worker(cluster_dir: Path, workers: int) -> dict[str, int]:
    """How many task tries each worker ran: the attempt logs in its own log folder (cluster.sh gives each one)."""
    return {f"worker-{n}": len(list((cluster_dir / f"worker-{n}" / "logs").rglob("attempt=*.log")))
            for n in range(1, workers + 1)}


def year_estimate(articles_per_second_one_worker: float, ratio: float, workers: tuple[int, ...]) -> dict:
    """Hours to recode YEAR_OF_ARTICLES on N workers: linear scaling of the one-worker rate, and with every
    worker beyond the first adding what the second one added here (ratio - 1 of the one-worker rate)."""
    estimate = {}
    for n in workers:
        linear = articles_per_second_one_worker * n
        measured = articles_per_second_one_worker * (1 + (n - 1) * max(ratio - 1, 0))
        estimate[str(n)] = {"hours_if_linear": round(YEAR_OF_ARTICLES / linear / 3600, 1),
                            "hours_at_measured_efficiency": round(YEAR_OF_ARTICLES / measured / 3600, 1)}
    return estimate


def summarize(one: dict, two: dict, *, days: int, per_day: int) -> dict:
    ratio = round(two["articles_per_second"] / one["articles_per_second"], 2)
    seconds_per_article = one["run_seconds"] / one["articles"]
    return {
        "benchmark": "cluster",
        "days": days,
        "articles_per_day_requested": per_day,
        "articles": one["articles"],
        "one_worker": one,
        "two_workers": two,
        "ratio": ratio,
        "articles_per_second": two["articles_per_second"],
        "seconds_per_article_one_worker": round(seconds_per_article, 4),
        "year_estimate_hours": year_estimate(one["articles_per_second"], ratio, (1, 2, 4, 8, 16)),
        "baseline": "the same backfill on one Celery worker (ratio = 2-worker rate / 1-worker rate)",
        "input_size": f"{one['articles']} articles over {days} days",
        "headline": (f"{days}-day WARC backfill, {one['articles']} articles: 1 worker {one['run_seconds']}s "
                     f"({one['articles_per_second']}/s), 2 workers {two['run_seconds']}s "
                     f"({two['articles_per_second']}/s), {ratio}x"),
        "machine": {"cpus": os.cpu_count(), "load_average": [round(x, 1) for x in os.getloadavg()],
                    "python": platform.python_version()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=6)
    parser.add_argument("--per-day", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    missing = missing_requirements()
    if missing:
        reason = f"skipped: the cluster benchmark needs {', '.join(missing)} (make bench-cluster installs the extra)"
        print(f"bench cluster {reason}", file=sys.stderr)
        args.out.write_text(json.dumps({"benchmark": "cluster", "status": reason}, indent=2) + "\n")
        return 0
    folder = Path(tempfile.mkdtemp(prefix="conflict-events-bench-cluster."))  # kept: the clusters' logs
    os.chmod(folder, 0o755)  # PostgreSQL runs as its own user when we are root
    sources, first, last, count = build_archive(folder, args.days, args.per_day, args.seed)
    print(f"archive: {count} articles, {first}..{last} in {folder}", file=sys.stderr, flush=True)
    one = run_on_cluster(1, sources, first, last, folder)
    two = run_on_cluster(2, sources, first, last, folder)
    shutil.rmtree(folder / "cluster-1" / "postgres", ignore_errors=True)
    shutil.rmtree(folder / "cluster-2" / "postgres", ignore_errors=True)
    if one["articles"] != two["articles"]:
        raise SystemExit(f"the two runs stored different numbers of articles: {one['articles']} vs {two['articles']}")
    result = summarize(one, two, days=args.days, per_day=args.per_day)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(result["headline"])
    for n, hours in result["year_estimate_hours"].items():
        print(f"  one year ({YEAR_OF_ARTICLES:,} articles) on {n:>2} worker(s): "
              f"{hours['hours_if_linear']} h if linear, "
              f"{hours['hours_at_measured_efficiency']} h at the measured 2-worker efficiency")
    return 0


if __name__ == "__main__":
    sys.exit(main())
