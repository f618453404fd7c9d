import datetime as dt
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import schema
from pipeline.crawl import crawl_sources
from pipeline.crawl import state as state_module
from pipeline.crawl.archive import iter_warc_responses

pytest_plugins = ["crawl_fixtures"]

DAY = dt.date(2025, 1, 15)
FEEDS = [
    {"type": "rss", "url": "{BASE}/feed.xml"},
    {"type": "atom", "url": "{BASE}/atom.xml"},
    {"type": "sitemap", "url": "{BASE}/sitemap_index.xml"},
]


def crawl(settings, registry, run_id="run-1", day=DAY, **kwargs):
    return crawl_sources(settings, sources_file=registry, run_date=day, run_id=run_id, progress=False, **kwargs)


def by_path(table):
    return {row["url"].split("/", 3)[3]: row for row in table.to_pylist()}


def test_feed_crawl_end_to_end(site, make_registry, crawl_settings, tmp_path):
    result = crawl(crawl_settings, make_registry(FEEDS))
    assert result.articles.schema.equals(schema.ARTICLE_SCHEMA)
    articles = by_path(result.articles)
    assert set(articles) == {
        "news/article-1.html", "news/article-2.html", "news/article-3.html", "news/article-4.html",
        "news/wire-1.html", "news/wire-2.html", "news/cp1256.html", "news/iso88596.html",
    } | ({"news/dup-a.html"} if "news/dup-a.html" in articles else {"news/dup-b.html"})
    ids = result.articles.column("article_id").to_pylist()
    assert len(ids) == len(set(ids))
    first = articles["news/article-1.html"]
    assert first["article_id"] == hashlib.sha256(first["canonical_url"].encode()).hexdigest()[:32]
    assert first["country_code"] == "IQ" and first["language"] == "ar" and first["run_date"] == DAY
    assert first["published_at"] == dt.datetime(2025, 1, 15, 5, 30, tzinfo=dt.UTC)
    # same body under two URLs: one article, both URLs recorded
    (dup,) = [a for p, a in articles.items() if p.startswith("news/dup-")]
    assert {dup["url"].rsplit("/", 1)[1], *(u.rsplit("/", 1)[1] for u in dup["alt_urls"])} == {"dup-a.html",
                                                                                                  "dup-b.html"}
    # syndicated copy: linked, not dropped; the earlier published copy (07:00) is the original whatever the
    # fetch order (newest links are fetched first): https://issues.local/12 item 8
    wire1, wire2 = articles["news/wire-1.html"], articles["news/wire-2.html"]
    assert wire1["near_duplicate_of"] is None
    assert wire2["near_duplicate_of"] == wire1["article_id"]
    # legacy encodings come out as Arabic
    assert "وتشهد المنطقة توترا متصاعدا" in articles["news/cp1256.html"]["text"]
    assert "وقال مصدر أمني" in articles["news/iso88596.html"]["text"]
    # refused pages are quarantined with a reason
    reasons = {q["source_url"].split("/", 3)[3]: q["reason"] for q in result.quarantine.to_pylist()}
    assert reasons == {
        "news/english.html": "not_arabic", "news/empty.html": "empty_body", "news/short.html": "too_short",
        "private/secret.html": "fetch_failed:robots_disallowed",
    }
    (run,) = result.runs.to_pylist()
    assert run["status"] == "partial" and run["new_articles"] == len(articles) and run["quarantined"] == 4
    assert json.loads(run["errors_by_kind"]) == {"robots_disallowed": 1}
    assert run["duplicates"] >= 1
    # raw responses are archived and the offsets point at them
    record = next(iter_warc_responses(Path(first["warc_path"]), max_bytes=10**7))
    assert Path(first["warc_path"]).parent.name == "dt=2025-01-15"
    offsets = {r.warc_offset: r for r in iter_warc_responses(Path(first["warc_path"]), max_bytes=10**7)}
    assert offsets[first["warc_offset"]].url == first["url"] and record.status == 200


def test_second_run_is_incremental_with_conditional_get(site, make_registry, crawl_settings, tmp_path):
    registry = make_registry(FEEDS)
    crawl(crawl_settings, registry)
    fetched_before = len(site.log)
    second = crawl(crawl_settings, registry, run_id="run-2", day=DAY + dt.timedelta(days=1))
    assert second.articles.num_rows == 0
    new_requests = site.log[fetched_before:]
    assert {e.path for e in new_requests if e.status == 304} == {
        "/feed.xml", "/atom.xml", "/sitemap_index.xml", "/sitemap-news.xml", "/sitemap-pages.xml"}
    assert not [e for e in new_requests if e.path.startswith("/news/")]
    assert second.runs.to_pylist()[0]["fetched"] == 5


def test_crash_after_crawl_before_write_then_rerun(site, make_registry, crawl_settings, tmp_path):
    registry = make_registry(FEEDS)
    lost = crawl(crawl_settings, registry)  # the caller "crashes" before writing these
    rerun = crawl(crawl_settings, registry, run_id="run-1b")
    assert sorted(rerun.articles.column("article_id").to_pylist()) == sorted(
        lost.articles.column("article_id").to_pylist())
    assert set(rerun.articles.column("run_id").to_pylist()) == {"run-1b"}
    assert sorted(rerun.quarantine.column("quarantine_id").to_pylist()) == sorted(
        lost.quarantine.column("quarantine_id").to_pylist())


class PowerCut(RuntimeError):
    pass


def test_crash_mid_crawl_then_rerun_loses_nothing(site, make_registry, crawl_settings, tmp_path, monkeypatch):
    registry = make_registry(FEEDS)
    reference = crawl(crawl_settings.replace(paths={"data_root": str(tmp_path / "ref")}), registry)
    real_claim = state_module.CrawlState.claim_article
    calls = {"n": 0}

    def crashing_claim(self, row, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise PowerCut("crash after 3 articles were recorded")
        return real_claim(self, row, **kwargs)

    monkeypatch.setattr(state_module.CrawlState, "claim_article", crashing_claim)
    with pytest.raises(PowerCut):
        crawl(crawl_settings, registry)
    monkeypatch.setattr(state_module.CrawlState, "claim_article", real_claim)
    rerun = crawl(crawl_settings, registry, run_id="run-1b")
    ids = rerun.articles.column("article_id").to_pylist()
    assert len(ids) == len(set(ids)) == reference.articles.num_rows

    def stable(table):  # which of the two identical dup-a/dup-b pages wins depends on timing
        return {a["canonical_url"] for a in table.to_pylist() if "/news/dup-" not in a["canonical_url"]}

    assert stable(rerun.articles) == stable(reference.articles)


def test_fault_feed_quarantines_every_failure(site, make_registry, crawl_settings, tmp_path):
    registry = make_registry([
        {"type": "rss", "url": "{BASE}/faults.xml"},
        {"type": "rss", "url": "{BASE}/bomb.xml"},
        {"type": "rss", "url": "{BASE}/malformed.xml"},
    ])
    result = crawl(crawl_settings, registry)
    assert {a["url"].rsplit("/", 1)[1] for a in result.articles.to_pylist()} == {"flaky", "retry-after"}
    reasons = {q["source_url"].rsplit("/", 1)[1]: q["reason"] for q in result.quarantine.to_pylist()}
    assert reasons == {
        "slow": "fetch_failed:timeout", "truncated": "fetch_failed:truncated", "huge": "fetch_failed:too_large",
        "loop-a": "fetch_failed:redirect_loop", "offsite": "fetch_failed:offsite_redirect",
        "gone": "fetch_failed:http_404", "bomb.xml": "fetch_failed:unsafe_xml",
        "malformed.xml": "fetch_failed:malformed_feed",
    }
    assert json.loads(result.runs.to_pylist()[0]["errors_by_kind"])["timeout"] == 1
    # failed fetches are not marked seen: the next night retries them
    again = crawl(crawl_settings, registry, run_id="run-2", day=DAY + dt.timedelta(days=1))
    assert "fetch_failed:timeout" in again.quarantine.column("reason").to_pylist()


def test_warc_entry_point_replays_an_archive_with_a_window(site, make_registry, crawl_settings, tmp_path):
    live = crawl(crawl_settings, make_registry(FEEDS))
    warc = live.articles.column("warc_path")[0].as_py()
    replay_settings = crawl_settings.replace(paths={"data_root": str(tmp_path / "replay")},
                                             crawl={"warc_roots": [crawl_settings.data_root]})
    registry = make_registry([{"type": "warc", "path": warc}], source_id="replay")
    window = (dt.datetime(2025, 1, 15, tzinfo=dt.UTC), dt.datetime(2025, 1, 16, tzinfo=dt.UTC))
    replay = crawl(replay_settings, registry, window=window)
    live_in_window = {
        a["canonical_url"] for a in live.articles.to_pylist() if window[0] <= a["published_at"] < window[1]
    }
    assert {a["canonical_url"] for a in replay.articles.to_pylist()} == live_in_window
    assert "news/article-3.html" not in {a["url"].split("/", 3)[3] for a in replay.articles.to_pylist()}
    assert replay.runs.to_pylist()[0]["fetched"] > 0
    # the day after: article-4 (16 Jan) was left unseen by the first window, so it comes now
    next_day = (window[1], window[1] + dt.timedelta(days=1))
    later = crawl(replay_settings, registry, run_id="run-2", day=DAY + dt.timedelta(days=1), window=next_day)
    assert [a["url"].split("/", 3)[3] for a in later.articles.to_pylist()] == ["news/article-4.html"]


def test_cli_crawl_command_stages_articles(site, make_registry, crawl_settings, tmp_path, capsys):
    from pipeline.cli import main

    registry = make_registry([{"type": "rss", "url": "{BASE}/feed.xml"}])
    config = tmp_path / "fast.toml"
    config.write_text("[crawl]\nmin_delay_seconds = 0.0\nread_timeout_seconds = 1.0\n")
    data_root = tmp_path / "cli"
    code = main(["--config", str(config), "--data-root", str(data_root), "crawl", "--sources", registry,
                 "--date", "2025-01-15", "--source", "fixture"])
    assert code == 0
    out = capsys.readouterr().out
    assert "crawl-2025-01-15-" in out
    staged = list((data_root / "staging" / "articles" / "dt=2025-01-15").glob("*.parquet"))
    assert staged and pq.read_table(staged[0]).num_rows == 8
