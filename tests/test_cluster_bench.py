"""bench/bench_cluster.py without a cluster: the archive it maps, its figures, and the skip without the extra."""

from __future__ import annotations

import collections
import datetime as dt
import json

from warcio.archiveiterator import ArchiveIterator

from bench import bench_cluster, corpus
from pipeline.sources import load_registry


def test_the_archive_spans_the_requested_days_and_the_registry_reads_it(tmp_path):
    spanned = corpus.DAYS_SPANNED
    sources, first, last, count = bench_cluster.build_archive(tmp_path, days=4, per_day=10, seed=3)
    assert corpus.DAYS_SPANNED == spanned  # restored for the other benchmarks
    assert count == 40 and (first, last) == (corpus.START_DATE, corpus.START_DATE + dt.timedelta(days=3))
    (source,) = load_registry(sources)
    assert {host for host, _ in corpus.OUTLETS} == set(source.allowed_hosts)
    days = collections.Counter()
    with open(source.entry_points[0].path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                days[record.http_headers.get_header("Last-Modified")[5:16]] += 1
    assert sum(days.values()) == 40 and len(days) == 4  # every day of the range has articles


def test_figures_ratio_and_year_estimate():
    one = {"workers": 1, "run_seconds": 100.0, "articles": 1000, "articles_per_second": 10.0}
    two = {"workers": 2, "run_seconds": 80.0, "articles": 1000, "articles_per_second": 12.5}
    result = bench_cluster.summarize(one, two, days=5, per_day=200)
    assert result["ratio"] == 1.25 and result["seconds_per_article_one_worker"] == 0.1
    year = result["year_estimate_hours"]
    assert year["1"]["hours_if_linear"] == year["1"]["hours_at_measured_efficiency"] == 500.0  # 18M / 10/s
    assert year["4"]["hours_if_linear"] == 125.0
    assert year["4"]["hours_at_measured_efficiency"] == round(18e6 / (10 * (1 + 3 * 0.25)) / 3600, 1)
    assert "1.25x" in result["headline"]


def test_without_the_cluster_extra_it_skips_with_a_reason(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench_cluster, "missing_requirements", lambda: ["s3fs", "redis-server (Debian package)"])
    out = tmp_path / "cluster.json"
    assert bench_cluster.main(["--out", str(out)]) == 0
    status = json.loads(out.read_text())["status"]
    assert status.startswith("skipped") and "s3fs" in status and "make bench-cluster" in status
    assert "skipped" in capsys.readouterr().err


def test_task_tries_are_counted_per_worker_folder(tmp_path):
    for worker, tries in (("worker-1", 3), ("worker-2", 1)):
        for n in range(tries):
            log = tmp_path / worker / "logs" / "dag_id=d" / f"run_id=r/task_id=t{n}" / "attempt=1.log"
            log.parent.mkdir(parents=True)
            log.write_text("")
    assert bench_cluster.task_tries_per_worker(tmp_path, 2) == {"worker-1": 3, "worker-2": 1}
