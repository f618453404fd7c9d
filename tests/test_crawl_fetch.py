import asyncio
import time

import aiohttp
import pytest

from pipeline.crawl.archive import WarcArchive, iter_warc_responses
from pipeline.crawl.fetch import Fetcher, Politeness
from pipeline.errors import FetchFailed, RobotsDisallowed

pytest_plugins = ["crawl_fixtures"]

LOCAL = Politeness(delay=0.0, concurrency=2, allows_host=lambda host: host == "127.0.0.1", allow_private=True)


def fetch(settings, url, tmp_path, **kwargs):
    async def go():
        async with aiohttp.ClientSession() as session:
            fetcher = Fetcher(settings.crawl, session)
            archive = WarcArchive(tmp_path / "t.warc.gz", software="test")
            try:
                return await fetcher.fetch(url, politeness=kwargs.pop("politeness", LOCAL), archive=archive, **kwargs)
            finally:
                archive.close()

    return asyncio.run(go())


def kind_of(settings, url, tmp_path) -> str:
    with pytest.raises(FetchFailed) as err:
        fetch(settings, url, tmp_path)
    return err.value.kind


def test_500s_then_success(site, crawl_settings, tmp_path):
    response = fetch(crawl_settings, site.base + "/fault/flaky", tmp_path)
    assert response.status == 200 and "تعز".encode() in response.body
    assert [e.status for e in site.requests_to("/fault/flaky")] == [500, 500, 200]


def test_500s_exhaust_retries(site, crawl_settings, tmp_path):
    settings = crawl_settings.replace(crawl={"max_retries": 1})
    assert kind_of(settings, site.base + "/fault/flaky", tmp_path) == "http_500"
    assert len(site.requests_to("/fault/flaky")) == 2


def test_429_honours_retry_after(site, crawl_settings, tmp_path):
    response = fetch(crawl_settings, site.base + "/fault/retry-after", tmp_path)
    first, second = site.requests_to("/fault/retry-after")
    assert response.status == 200 and first.status == 429
    assert second.at - first.at >= 0.95


def test_timeout(site, crawl_settings, tmp_path):
    start = time.monotonic()
    assert kind_of(crawl_settings, site.base + "/fault/slow", tmp_path) == "timeout"
    assert time.monotonic() - start < 1.4


def test_truncated_body(site, crawl_settings, tmp_path):
    assert kind_of(crawl_settings, site.base + "/fault/truncated", tmp_path) == "truncated"


def test_50mb_body_is_cut_without_downloading_it(site, crawl_settings, tmp_path):
    start = time.monotonic()
    assert kind_of(crawl_settings, site.base + "/fault/huge", tmp_path) == "too_large"
    assert time.monotonic() - start < 5
    time.sleep(0.2)
    assert site.huge_sent < 20 * 1024 * 1024


def test_redirect_loop_and_offsite_redirect(site, crawl_settings, tmp_path):
    assert kind_of(crawl_settings, site.base + "/fault/loop-a", tmp_path) == "redirect_loop"
    assert kind_of(crawl_settings, site.base + "/fault/offsite", tmp_path) == "offsite_redirect"
    assert kind_of(crawl_settings, site.base + "/fault/gone", tmp_path) == "http_404"


def test_robots_disallow_and_crawl_delay(site, crawl_settings, tmp_path):
    with pytest.raises(RobotsDisallowed):
        fetch(crawl_settings, site.base + "/private/secret.html", tmp_path)
    assert site.requests_to("/private/secret.html") == []

    starts: list[float] = []

    async def two_pages():
        async with aiohttp.ClientSession(trace_configs=[_request_start_recorder(starts, "/news/")]) as session:
            fetcher = Fetcher(crawl_settings.crawl, session)
            archive = WarcArchive(tmp_path / "r.warc.gz", software="test")
            await asyncio.gather(*(fetcher.fetch(f"{site.base}/news/article-{i}.html", politeness=LOCAL,
                                                 archive=archive) for i in (1, 2, 3)))
            archive.close()
            return fetcher

    fetcher = asyncio.run(two_pages())
    (gate,) = fetcher.gates.values()
    assert gate.delay == pytest.approx(0.01)  # Crawl-delay from robots.txt
    # Client-side send times (the server's arrival times jitter under load; the client's do not shrink).
    assert len(starts) == 3
    assert all(b - a >= 0.009 for a, b in zip(starts, starts[1:], strict=False))


def _request_start_recorder(starts: list[float], path_prefix: str) -> aiohttp.TraceConfig:
    """An aiohttp trace hook appending the monotonic time each matching request is sent."""
    trace = aiohttp.TraceConfig()

    async def on_request_start(session, context, params) -> None:
        if params.url.path.startswith(path_prefix):
            starts.append(time.monotonic())

    trace.on_request_start.append(on_request_start)
    return trace


def test_per_host_politeness_serialises_requests(site, crawl_settings, tmp_path):
    slow_polite = Politeness(delay=0.1, concurrency=1, allows_host=LOCAL.allows_host, allow_private=True)

    starts: list[float] = []

    async def many():
        async with aiohttp.ClientSession(trace_configs=[_request_start_recorder(starts, "/news/")]) as session:
            fetcher = Fetcher(crawl_settings.replace(crawl={"obey_robots": False}).crawl, session)
            archive = WarcArchive(tmp_path / "p.warc.gz", software="test")
            await asyncio.gather(*(fetcher.fetch(f"{site.base}/news/article-{i}.html", politeness=slow_polite,
                                                 archive=archive) for i in (1, 2, 3, 4)))
            archive.close()

    asyncio.run(many())
    assert len(starts) == 4 and all(b - a >= 0.095 for a, b in zip(starts, starts[1:], strict=False))


def test_conditional_get_and_warc_archive(site, crawl_settings, tmp_path):
    first = fetch(crawl_settings, site.base + "/feed.xml", tmp_path)
    etag = first.headers["etag"]
    second = fetch(crawl_settings, site.base + "/feed.xml", tmp_path, validators=(etag, None))
    assert first.status == 200 and second.status == 304
    assert site.requests_to("/feed.xml")[-1].headers["If-None-Match"] == etag
    records = list(iter_warc_responses(tmp_path / "t.warc.gz", max_bytes=10**7))
    feed = [r for r in records if r.url.endswith("/feed.xml")]
    assert [r.status for r in feed] == [200, 304] and feed[0].body == first.body
    assert feed[0].warc_offset == first.warc_offset
