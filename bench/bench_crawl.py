"""Crawl benchmark: the polite async crawler vs a plain sequential urllib loop, in the same run.

Several local sites (one port each = one host for politeness) serve generated Arabic pages with an
artificial latency per response. The crawler goes through everything a nightly run does (robots.txt,
feed, per-host gate with a delay, fetch, WARC archive, trafilatura, dedup, SQLite state); the baseline
only downloads the same URLs one by one. Politeness is checked from the servers' request logs: no two
requests to one host overlap or start closer than the delay.

    python -m bench.bench_crawl [--hosts 6] [--pages 300] [--latency 0.05] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import platform
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

from crawl_server import SiteServer  # noqa: E402

from pipeline.crawl import crawl_sources  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "crawl.json"


def start_sites(hosts: int, pages: int, latency: float) -> list[SiteServer]:
    per_host = pages // hosts
    return [SiteServer(latency=latency, bench_pages=per_host).start() for _ in range(hosts)]


def write_registry(folder: Path, sites: list[SiteServer], delay: float) -> str:
    sources = [
        {"id": f"bench_{i}", "name": f"bench {i}", "country": "IQ", "language": "ar", "homepage": s.base + "/",
         "entry_points": [{"type": "rss", "url": s.base + "/bench/feed.xml"}], "allowed_hosts": ["127.0.0.1"],
         "allow_private_addresses": True,
         "crawl": {"delay_seconds": delay, "max_concurrency": 1}}
        for i, s in enumerate(sites)
    ]
    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
    return str(path)


def sequential_baseline(urls: list[str]) -> float:
    started = time.perf_counter()
    for url in urls:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local bench server
            response.read()
    return time.perf_counter() - started


def politeness_violations(sites: list[SiteServer], delay: float) -> int:
    """Requests that started less than ``delay`` after the previous one to the same host."""
    bad = 0
    for site in sites:
        starts = sorted(entry.at for entry in site.log)
        bad += sum(1 for a, b in zip(starts, starts[1:], strict=False) if b - a < delay - 0.002)
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=6)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every response")
    parser.add_argument("--delay", type=float, default=0.05, help="per-host crawl delay (seconds)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    sites = start_sites(args.hosts, args.pages, args.latency)
    try:
        urls = [f"{s.base}/bench/page-{i}.html" for s in sites for i in range(s.bench_pages)]
        baseline_s = sequential_baseline(urls)
        for site in sites:
            site.log.clear()
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings.load(
                paths={"data_root": str(Path(tmp) / "data")},
                crawl={"min_delay_seconds": args.delay, "max_concurrency_per_host": 1, "min_body_chars": 100},
            )
            registry = write_registry(Path(tmp), sites, args.delay)
            started = time.perf_counter()
            result = crawl_sources(settings, sources_file=registry, run_date=dt.date(2025, 1, 15), run_id="bench",
                                   progress=False)
            crawler_s = time.perf_counter() - started
        violations = politeness_violations(sites, args.delay)
        requests = sum(len(s.log) for s in sites)
    finally:
        for site in sites:
            site.stop()
    articles = result.articles.num_rows
    floor_s = len(urls) / args.hosts * max(args.latency, args.delay)
    out = {
        "benchmark": "crawl",
        "baseline": "sequential urllib GET of the same pages, no delay, no processing",
        "hosts": args.hosts, "pages": len(urls), "latency_s": args.latency, "per_host_delay_s": args.delay,
        "baseline_s": round(baseline_s, 2), "crawler_s": round(crawler_s, 2),
        "ratio": round(baseline_s / crawler_s, 2),
        "crawler_pages_per_s": round(len(urls) / crawler_s, 1),
        "baseline_pages_per_s": round(len(urls) / baseline_s, 1),
        "polite_floor_s": round(floor_s, 2),
        "articles": articles, "requests_seen_by_servers": requests, "politeness_violations": violations,
        "headline": f"{len(urls)} pages on {args.hosts} hosts: crawler {crawler_s:.1f}s (fetch+archive+extract+"
                    f"dedup, {args.delay}s/host delay) vs sequential fetch {baseline_s:.1f}s",
        "python": platform.python_version(), "machine": platform.machine(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0 if violations == 0 and articles == len(urls) else 1


if __name__ == "__main__":
    sys.exit(main())
