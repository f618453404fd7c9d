"""The whole run from a local WARC to DuckDB: crawl (WARC ingest) -> extract -> validate -> store -> load.

For each size (default 1k, 10k, 50k articles) a deterministic WARC corpus is built once and cached under
bench/corpus/ (git-ignored); a registry of one ``type: warc`` source is written to a temporary data root
and ``pipeline.run``'s stage functions run on it in a fresh process, with ``crawl.workers`` and
``extract.workers`` = ``--workers``. Reported per size: seconds per stage, articles/s, CPU seconds per
wall second (how many cores were busy), peak RSS of the run's process and of its largest worker.

Baselines measured in the same run: the same pipeline with 1 worker at ``--baseline-size`` (ratio = its
time / the ``--workers`` time), and the scaling ratio time(50k) / time(10k) (target <= 5.5).

    .venv/bin/python -m bench.bench_pipeline                       # 1k, 10k, 50k + 1-worker 10k baseline
    .venv/bin/python -m bench.bench_pipeline --sizes 1000 10000 --baseline-size 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "bench" / "corpus"
RESULTS = ROOT / "bench" / "results" / "pipeline.json"
RUN_DATE = dt.date(2025, 3, 4)
STAGES = ("crawl", "extract", "validate", "store", "load")
TARGET_SECONDS_50K = 300
TARGET_RSS_MB = 1536
TARGET_SCALING = 5.5

logger = logging.getLogger("bench.pipeline")

REGISTRY = """sources:
  - id: bench_wire
    name: Benchmark corpus (bench/corpus.py)
    country: IQ
    language: ar
    homepage: https://sample-news.example/
    entry_points:
      - type: warc
        path: {warc}
    allowed_hosts: [example]
    crawl: {{delay_seconds: 0, max_concurrency: 1}}
"""


def corpus_path(n: int, seed: int) -> Path:
    """The cached WARC corpus of ``n`` articles, built (streamed) on first use."""
    path = CORPUS_DIR / f"warc-{n}-seed{seed}.warc.gz"
    if not path.exists():
        from bench.corpus import write_warc

        CORPUS_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        write_warc(tmp, n, seed, progress=True)
        tmp.rename(path)
    return path


def _peak_rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux: KiB


def _current_rss_mb() -> float | None:
    """Resident set size now (Linux /proc), to see what a stage leaves behind for the next one."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_once(n: int, *, seed: int, workers: int, ids_out: Path | None = None) -> dict:
    """One pipeline run (in this process) over the ``n``-article corpus; timings, counts and peak RSS.

    ``ids_out``: also write the stored article_ids and event_ids (sorted, one a line) there, to compare
    the output of two versions of the pipeline.
    """
    from pipeline import run
    from pipeline.load import run_query
    from pipeline.settings import Settings

    warc = corpus_path(n, seed)
    root = Path(tempfile.mkdtemp(prefix=f"bench-pipeline-{n}-"))
    try:
        registry = root / "sources.yaml"
        registry.write_text(REGISTRY.format(warc=warc), encoding="utf-8")
        settings = Settings.load().replace(
            paths={"data_root": str(root / "data"), "sources_file": str(registry)},
            crawl={"workers": workers},
            extract={"workers": workers},
        )
        run_id = run.new_run_id(RUN_DATE, "bench")
        stages: dict[str, dict] = {}
        started = time.perf_counter()
        for stage in STAGES:
            t0, cpu0 = time.perf_counter(), _cpu_seconds()
            if stage == "crawl":
                run.run_crawl(settings, run_date=RUN_DATE, run_id=run_id, progress=True)
            else:
                getattr(run, f"run_{stage}")(settings, run_date=RUN_DATE, run_id=run_id)
            seconds = time.perf_counter() - t0
            stages[stage] = {
                "seconds": round(seconds, 2),
                "cpu_per_wall": round((_cpu_seconds() - cpu0) / seconds, 2) if seconds else None,
                "peak_rss_mb_so_far": _peak_rss_mb(resource.RUSAGE_SELF),
                "rss_mb_after": _current_rss_mb(),
                "largest_worker_peak_rss_mb_so_far": _peak_rss_mb(resource.RUSAGE_CHILDREN),
            }
            logger.info("%d articles: %s took %.1fs", n, stage, seconds)
        total = time.perf_counter() - started
        counts = run_query(settings, "select (select count(*) from articles) as articles, "
                                     "(select count(*) from events) as events, "
                                     "(select count(*) from event_mentions) as mentions").to_pylist()[0]
        if ids_out is not None:
            _write_ids(settings, ids_out)
        return {
            "articles_in": n, "workers": workers, "seconds": round(total, 2),
            "articles_per_second": round(n / total, 1), "stages": stages,
            "articles_stored": counts["articles"], "events_stored": counts["events"],
            "event_mentions_stored": counts["mentions"],
            "peak_rss_mb": _peak_rss_mb(resource.RUSAGE_SELF),
            "peak_rss_mb_largest_worker": _peak_rss_mb(resource.RUSAGE_CHILDREN),
            "input_mb": round(warc.stat().st_size / 1e6, 1),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _write_ids(settings: object, out: Path) -> None:
    from pipeline.load import run_query

    lines = []
    for table, column in (("articles", "article_id"), ("event_mentions", "mention_id"), ("events", "event_id")):
        ids = run_query(settings, f"select {column} from {table} order by {column}").column(column).to_pylist()
        lines += [f"{table} {i}" for i in ids]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    logger.info("wrote %d ids to %s", len(lines), out)


def run_in_subprocess(n: int, *, seed: int, workers: int, ids_dir: Path | None = None) -> dict:
    """``run_once`` in a fresh interpreter, so peak RSS and imports are those of this run alone."""
    corpus_path(n, seed)  # build outside the timed process
    out = Path(tempfile.mkstemp(prefix="bench-pipeline-", suffix=".json")[1])
    try:
        cmd = [sys.executable, "-m", "bench.bench_pipeline", "--one", str(n), "--seed", str(seed),
               "--workers", str(workers), "--one-out", str(out)]
        if ids_dir is not None:
            ids_dir.mkdir(parents=True, exist_ok=True)
            cmd += ["--ids-out", str(ids_dir / f"ids-{n}-w{workers}.txt")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT)
        if proc.returncode != 0:
            raise RuntimeError(f"pipeline run of {n} articles failed (exit {proc.returncode})")
        result = json.loads(out.read_text())
        result["process_seconds"] = round(time.perf_counter() - t0, 2)  # with interpreter start and imports
        return result
    finally:
        out.unlink(missing_ok=True)


def summarize(runs: list[dict], baseline: dict | None, *, workers: int) -> dict:
    """The result JSON: every run, the 1-worker ratio, the 50k/10k scaling ratio and the targets."""
    by_size = {r["articles_in"]: r for r in runs}
    largest = runs[-1]
    same_size = by_size.get(baseline["articles_in"]) if baseline else None
    ratio = round(baseline["seconds"] / same_size["seconds"], 2) if baseline and same_size else None
    scaling = None
    if 10_000 in by_size and 50_000 in by_size:
        scaling = round(by_size[50_000]["seconds"] / by_size[10_000]["seconds"], 2)
    rss = max(r["peak_rss_mb"] + r["peak_rss_mb_largest_worker"] for r in runs)
    headline = (f"{largest['articles_in']:,} articles WARC->DuckDB in {largest['seconds']:.0f}s "
                f"({largest['articles_per_second']:.0f}/s, {workers} workers), peak RSS "
                f"{largest['peak_rss_mb']:.0f}+{largest['peak_rss_mb_largest_worker']:.0f} MB")
    if ratio is not None:
        headline += f"; {ratio:.2f}x the 1-worker run at {baseline['articles_in']:,}"
    if scaling is not None:
        headline += f"; 50k/10k time {scaling:.2f}x"
    targets = {}
    if 50_000 in by_size:
        big = by_size[50_000]
        targets["50k_under_300s"] = big["seconds"] < TARGET_SECONDS_50K
        targets["50k_peak_rss_under_1536mb"] = big["peak_rss_mb"] + big["peak_rss_mb_largest_worker"] < TARGET_RSS_MB
    if scaling is not None:
        targets["50k_over_10k_at_most_5.5"] = scaling <= TARGET_SCALING
    return {
        "benchmark": "pipeline",
        "headline": headline,
        "baseline": (f"same pipeline with 1 worker at {baseline['articles_in']:,} articles" if baseline
                     else "none (--baseline-size 0)"),
        "ratio": ratio,
        "scaling_50k_over_10k": scaling,
        "articles": largest["articles_in"],
        "articles_per_second": largest["articles_per_second"],
        "peak_rss_mb": rss,
        "input_mb": largest["input_mb"],
        "targets_met": targets,
        "runs": runs,
        "baseline_run": baseline,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-size", type=int, default=10_000,
                        help="size of the 1-worker baseline run (0: none)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--ids-dir", type=Path,
                        help="write each run's stored article_ids and event_ids to DIR/ids-<n>-w<workers>.txt")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ids-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--one-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    logging.getLogger("great_expectations._docs_decorators").setLevel(logging.WARNING)
    if args.one:
        result = run_once(args.one, seed=args.seed, workers=args.workers, ids_out=args.ids_out)
        args.one_out.write_text(json.dumps(result, indent=2))
        return 0
    runs = []
    for n in sorted(args.sizes):
        logger.info("pipeline run: %d articles, %d workers", n, args.workers)
        runs.append(run_in_subprocess(n, seed=args.seed, workers=args.workers, ids_dir=args.ids_dir))
    baseline = None
    if args.baseline_size:
        logger.info("baseline run: %d articles, 1 worker", args.baseline_size)
        baseline = run_in_subprocess(args.baseline_size, seed=args.seed, workers=1, ids_dir=args.ids_dir)
    result = summarize(runs, baseline, workers=args.workers)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k not in ("runs", "baseline_run")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
