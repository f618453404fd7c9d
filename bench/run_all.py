"""`make bench`: run every benchmark, then print one table and write bench/results/all.json.

Each benchmark is a module ``bench/bench_<name>.py`` runnable as ``python -m bench.bench_<name>`` that
writes ``bench/results/<name>.json`` with at least ``{"benchmark", "ratio", "baseline", ...}``. They run in
separate processes so peak-RSS figures are per benchmark.
"""

from __future__ import annotations

import argparse
import json
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
}


def run_benchmark(name: str, args: list[str]) -> dict:
    """Run one benchmark module in its own process and return its result JSON."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", f"bench.bench_{name}", *args], cwd=BENCH_DIR.parent)
    result_file = RESULTS_DIR / f"{name}.json"
    if proc.returncode != 0 or not result_file.exists():
        return {"benchmark": name, "status": f"failed (exit {proc.returncode})"}
    result = json.loads(result_file.read_text())
    result.setdefault("status", "ok")
    result["wall_seconds_total"] = round(time.perf_counter() - started, 1)
    return result


def format_table(results: list[dict]) -> str:
    """One line per benchmark: the headline figure and its ratio to the same-run baseline."""
    lines = [f"{'benchmark':<12} {'status':<18} {'ratio':>8}  headline"]
    for r in results:
        ratio = r.get("ratio")
        ratio_text = f"{ratio:8.1f}" if isinstance(ratio, int | float) else f"{'-':>8}"
        lines.append(f"{r['benchmark']:<12} {r.get('status', ''):<18} {ratio_text}  {r.get('headline', '')}")
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
    return 0 if all(r.get("status") == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
