"""`make bench`: run every benchmark, then print one table and write bench/results/all.json.

Each benchmark is a module ``bench/bench_<name>.py`` runnable as ``python -m bench.bench_<name>`` that
writes ``bench/results/<name>.json``. They run in separate processes so peak-RSS figures are per
benchmark (the runner measures each one's peak RSS itself, with ``os.wait4``). Result files that lack the
common keys ``benchmark``, ``ratio`` (against a baseline measured in the same run), ``baseline``,
``headline``, a rate (``articles_per_second`` / ``rows_per_second``), ``peak_rss_mb`` and an input size are
given them from their own figures (``normalize``); keys a benchmark writes itself are never overwritten.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"

# name -> extra arguments for the default `make bench` run
BENCHMARKS: dict[str, list[str]] = {
    "extract": [],
    "crawl": [],
    "validate": [],
    "load": [],
    "pipeline": [],
    # Needs the `cluster` extra and PostgreSQL/Redis; without them it writes a "skipped: ..." result.
    "cluster": [],
}


def run_benchmark(name: str, args: list[str]) -> dict:
    """Run one benchmark module in its own process and return its (normalised) result JSON."""
    started = time.perf_counter()
    result_file = RESULTS_DIR / f"{name}.json"
    result_file.unlink(missing_ok=True)  # a stale file must not pass for this run's result
    proc = subprocess.Popen([sys.executable, "-m", f"bench.bench_{name}", *args], cwd=BENCH_DIR.parent)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or not result_file.exists():
        return {"benchmark": name, "status": f"failed (exit {proc.returncode})"}
    result = normalize(name, json.loads(result_file.read_text()))
    if str(result.get("status", "")).startswith("skipped"):
        print(f"bench {name} {result['status']}", file=sys.stderr)
        return result
    result.setdefault("status", "ok")
    result.setdefault("peak_rss_mb", round(usage.ru_maxrss / 1024))  # Linux: KiB; largest process of the tree
    result["wall_seconds_total"] = round(time.perf_counter() - started, 1)
    result_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def normalize(name: str, result: dict) -> dict:
    """``result`` with the common keys filled in from the benchmark's own figures (existing keys kept)."""
    common: dict = {"benchmark": name}
    if name == "extract" and "speedup" in result:
        common.update(
            ratio=result["speedup"],
            baseline="same engine with dateparser.search_dates on every sentence",
            input_size=f"{result.get('articles')} articles",
            headline=(f"{result.get('articles_per_second')} articles/s on one core "
                      f"({result.get('distinct_articles_per_second')} on distinct articles) vs "
                      f"{result.get('baseline_dateparser_every_sentence_articles_per_second')} with dateparser "
                      f"on every sentence ({result['speedup']}x)"),
        )
    elif name == "load" and "ratio_load_vs_baseline" in result:
        common.update(
            ratio=result["ratio_load_vs_baseline"],
            baseline="one CREATE TABLE AS over the same Parquet files (ratio = load time / baseline time)",
            rows_per_second=result.get("load_rows_per_s"),
            input_size=f"{result.get('rows')} rows in {result.get('partitions')} partitions",
            headline=(f"{result.get('rows'):,} events loaded in {result.get('load_warehouse_s')}s "
                      f"({result.get('load_rows_per_s'):,} rows/s) vs CTAS {result.get('baseline_ctas_s')}s; "
                      f"reload of one day {result.get('reload_one_day_s')}s"),
        )
    elif name == "validate" and result.get("runs"):
        largest = max(result["runs"], key=lambda r: r["rows"])
        common.update(
            benchmark="validate",
            ratio=largest.get("ratio_ge_vs_baseline"),
            baseline="the same checks as vectorised pyarrow compute (ratio = GE time / baseline time)",
            rows_per_second=largest.get("ge_rows_per_second"),
            input_size=f"{largest['rows']} event rows",
            headline=(f"{largest['rows']:,} events validated in {largest.get('ge_seconds')}s "
                      f"({largest.get('ge_rows_per_second'):,} rows/s), {largest.get('quarantined')} quarantined; "
                      f"baseline {largest.get('baseline_seconds')}s; GE import {result.get('ge_import_seconds')}s"),
        )
    elif name == "crawl" and "pages" in result:
        common.update(rows_per_second=result.get("crawler_pages_per_s"), input_size=f"{result['pages']} pages")
    return {**result, **{k: v for k, v in common.items() if k not in result or k == "benchmark"}}


# Benchmarks whose ratio is (our time / baseline time): what the real thing costs over a bare baseline.
# The others report a speed-up (baseline time / our time).
COST_RATIOS = frozenset({"validate", "load"})


def format_table(results: list[dict]) -> str:
    """One line per benchmark: the headline figure and its ratio to the same-run baseline."""
    lines = [f"{'benchmark':<12} {'status':<10} {'vs baseline':>14}  headline"]
    for r in results:
        ratio = r.get("ratio")
        if isinstance(ratio, int | float):
            ratio_text = f"{ratio:.1f}x {'slower' if r['benchmark'] in COST_RATIOS else 'faster'}"
        else:
            ratio_text = "-"
        lines.append(f"{r['benchmark']:<12} {r.get('status', ''):<10} {ratio_text:>14}  {r.get('headline', '')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {list(BENCHMARKS)})")
    args = parser.parse_args(argv)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    names = args.names or list(BENCHMARKS)
    results = []
    for n, name in enumerate(names, 1):
        print(f"[{n}/{len(names)}] bench {name}", file=sys.stderr, flush=True)
        results.append(run_benchmark(name, BENCHMARKS.get(name, [])))
    (RESULTS_DIR / "all.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(format_table(results))
    return 0 if all(r.get("status") == "ok" or str(r.get("status")).startswith("skipped") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
