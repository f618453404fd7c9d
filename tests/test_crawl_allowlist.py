"""Every URL the crawler fetches passes the source's allow-list; private addresses need an explicit opt-in;
registry WARC paths stay inside the allowed folders (https://issues.local/12 item 4)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import socket
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp.abc import AbstractResolver

from pipeline.cli import main
from pipeline.crawl import crawl_sources
from pipeline.crawl.addresses import BlockedAddress, GuardedResolver
from pipeline.crawl.archive import WarcArchive
from pipeline.crawl.fetch import Fetcher, Politeness
from pipeline.errors import ConfigError, FetchFailed, SourceRegistryError
from pipeline.settings import Settings
from pipeline.sources import load_registry

pytest_plugins = ["crawl_fixtures"]  # imported by pytest (assertion rewriting): use it through _fx()


def _fx():
    import crawl_fixtures

    return crawl_fixtures


DAY = dt.date(2025, 1, 15)
PROJECT = Path(__file__).resolve().parents[1]
SAMPLE_WARC = PROJECT / "data" / "samples" / "sample-news.warc.gz"


def _registry(tmp_path: Path, **source) -> Path:
    entry = {"id": "src", "name": "Src", "country": "IQ", "language": "ar", "homepage": "https://news.example/",
             "entry_points": [{"type": "rss", "url": "https://news.example/rss"}], **source}
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    return path


@pytest.mark.parametrize(("field", "value"), [
    ("entry_points", [{"type": "rss", "url": "http://169.254.169.254/latest/meta-data/"}]),
    ("entry_points", [{"type": "sitemap", "url": "http://10.0.0.1/sitemap.xml"}]),
    ("entry_points", [{"type": "rss", "url": "http://[::1]:8080/rss"}]),
    ("homepage", "http://localhost/"),
    ("allowed_hosts", ["news.example", "192.168.1.20"]),
])
def test_registry_refuses_private_addresses_without_opt_in(tmp_path: Path, field: str, value) -> None:
    path = _registry(tmp_path, **{field: value})
    with pytest.raises(SourceRegistryError, match=f"field '{field}.*allow_private_addresses: true"):
        load_registry(path)
    (source,) = load_registry(_registry(tmp_path, **{field: value}, allow_private_addresses=True))
    assert source.allow_private_addresses


def test_resolver_refuses_names_resolving_to_private_addresses() -> None:
    class FakeDNS(AbstractResolver):
        async def close(self) -> None:
            return None

        async def resolve(self, host, port=0, family=socket.AF_INET):
            ip = {"public.example": "93.184.216.34", "rebind.example": "10.1.2.3"}[host]
            return [{"hostname": host, "host": ip, "port": port, "family": family, "proto": 0, "flags": 0}]

    resolver = GuardedResolver(FakeDNS())
    assert asyncio.run(resolver.resolve("public.example", 80))[0]["host"] == "93.184.216.34"
    with pytest.raises(BlockedAddress, match="rebind.example"):
        asyncio.run(resolver.resolve("rebind.example", 80))
    resolver.allow_private("rebind.example")  # a source that opted in fetches this host
    assert asyncio.run(resolver.resolve("rebind.example", 80))[0]["host"] == "10.1.2.3"


@pytest.fixture
def evil_site(tmp_path: Path):
    """A site whose sitemap index lists one child on its own host and one on another host."""
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    server = _fx().SiteServer(site_dir=site_dir).start()
    (site_dir / "sitemap_index.xml").write_text(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{server.base}/child.xml</loc></sitemap>"
        f"<sitemap><loc>http://localhost:{server.port}/evil.xml</loc></sitemap></sitemapindex>", encoding="utf-8")
    for name in ("child.xml", "evil.xml"):
        (site_dir / name).write_text(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
            encoding="utf-8")
    yield server
    server.stop()


def test_sitemap_children_off_the_allow_list_are_not_fetched(evil_site, tmp_path: Path) -> None:
    settings = Settings.load(paths={"data_root": str(tmp_path / "data")}, crawl=dict(_fx().FAST_CRAWL))
    registry = _fx().write_registry(tmp_path, evil_site, [{"type": "sitemap", "url": "{BASE}/sitemap_index.xml"}])
    result = crawl_sources(settings, sources_file=registry, run_date=DAY, run_id="run-1", progress=False)
    assert evil_site.requests_to("/child.xml")
    assert evil_site.requests_to("/evil.xml") == []  # same machine, but host 'localhost' is not allowed
    (run,) = result.runs.to_pylist()
    assert '"offsite_url": 1' in run["errors_by_kind"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_fetcher_never_connects_to_loopback_without_opt_in(evil_site, tmp_path: Path,
                                                              host: str) -> None:
    """Even on the allow-list (a Source built in code, past the registry check), the address is refused:
    IP literals before the request, names by the connector's resolver."""
    settings = Settings.load(paths={"data_root": str(tmp_path / "data")}, crawl=dict(_fx().FAST_CRAWL))
    url = f"http://{host}:{evil_site.port}/child.xml"

    async def go(allow_private: bool) -> str:
        resolver = GuardedResolver()
        connector = aiohttp.TCPConnector(resolver=resolver)
        async with aiohttp.ClientSession(connector=connector) as session:
            fetcher = Fetcher(settings.crawl, session, resolver)
            archive = WarcArchive(tmp_path / "t.warc.gz", software="test")
            politeness = Politeness(delay=0.0, concurrency=1, allows_host=lambda h: h == host,
                                    allow_private=allow_private)
            try:
                return str((await fetcher.fetch(url, politeness=politeness, archive=archive)).status)
            except FetchFailed as exc:
                return exc.kind
            finally:
                archive.close()

    assert asyncio.run(go(False)) == "blocked_address"
    assert evil_site.log == []  # not even robots.txt was requested
    assert asyncio.run(go(True)) == "200"


def test_registry_warc_paths_stay_inside_the_allowed_folders(tmp_path: Path, capsys) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(SAMPLE_WARC, outside / "copy.warc.gz")
    (tmp_path / "etc-like").mkdir()
    (tmp_path / "etc-like" / "passwd").write_text("root:x:0:0", encoding="utf-8")
    data_root = str(tmp_path / "data")
    for pattern in (str(tmp_path / "etc-like" / "*"), str(outside / "*.warc.gz")):
        registry = _registry(tmp_path, homepage="https://sample-news.example/", allowed_hosts=["sample-news.example"],
                             entry_points=[{"type": "warc", "path": pattern}])
        settings = Settings.load(paths={"data_root": data_root})
        with pytest.raises(ConfigError, match="outside the allowed folders"):
            crawl_sources(settings, sources_file=str(registry), run_date=DAY, run_id="run-1", progress=False)
    # given on the command line, the folder is allowed
    argv = ["--data-root", data_root, "crawl", "--sources", str(registry), "--date", DAY.isoformat()]
    assert main(argv) == 2
    assert "outside the allowed folders" in capsys.readouterr().err
    assert main([*argv, "--warc-root", str(outside)]) == 0
    assert "articles staged" in capsys.readouterr().out


def test_crawl_exits_non_zero_when_a_source_fetched_nothing(evil_site, tmp_path: Path, capsys) -> None:
    """https://issues.local/12 item 7: `crawl` exited 0 when every fetch failed."""
    config = tmp_path / "fast.toml"
    config.write_text("[crawl]\nmin_delay_seconds = 0.0\nmax_retries = 0\n", encoding="utf-8")
    argv = ["--config", str(config), "--data-root", str(tmp_path / "data"), "crawl", "--date", DAY.isoformat()]
    broken = _fx().write_registry(tmp_path, evil_site, [{"type": "rss", "url": "{BASE}/gone.xml"}], source_id="broken")
    assert main([*argv, "--sources", broken]) == 1
    assert "source broken fetched nothing because of errors" in capsys.readouterr().err
    working = _fx().write_registry(tmp_path, evil_site, [{"type": "sitemap", "url": "{BASE}/child.xml"}],
                                   source_id="ok")
    assert main([*argv, "--sources", working]) == 0


def test_robots_txt_answering_5xx_is_fetched_once_per_crawl(tmp_path: Path) -> None:
    """https://issues.local/12 item 8: a robots.txt answering 5xx was fetched again for every URL."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(503 if self.path == "/robots.txt" else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = Settings.load(crawl={**_fx().FAST_CRAWL, "max_retries": 0})

    async def go() -> list[str]:
        async with aiohttp.ClientSession() as session:
            fetcher = Fetcher(settings.crawl, session)
            archive = WarcArchive(tmp_path / "t.warc.gz", software="test")
            politeness = Politeness(delay=0.0, concurrency=1, allows_host=lambda h: True, allow_private=True)
            kinds = []
            for i in range(3):
                try:
                    await fetcher.fetch(f"{base}/news/{i}.html", politeness=politeness, archive=archive)
                    kinds.append("ok")
                except FetchFailed as exc:
                    kinds.append(exc.kind)
            archive.close()
            return kinds

    try:
        assert asyncio.run(go()) == ["robots_unavailable"] * 3  # RFC 9309: 5xx means disallow all
    finally:
        server.shutdown()
        server.server_close()
    assert hits == ["/robots.txt"]


def test_a_feed_that_failed_to_parse_is_not_downloaded_in_full_again(site, make_registry, tmp_path: Path) -> None:
    """https://issues.local/12 item 8: no validators were kept for a malformed feed."""
    settings = Settings.load(paths={"data_root": str(tmp_path / "data")}, crawl=dict(_fx().FAST_CRAWL))
    registry = make_registry([{"type": "rss", "url": "{BASE}/malformed.xml"}])
    for run_id in ("run-1", "run-2"):
        crawl_sources(settings, sources_file=registry, run_date=DAY, run_id=run_id, progress=False)
    assert [r.status for r in site.requests_to("/malformed.xml")] == [200, 304]


def test_the_earliest_published_copy_is_the_original_whatever_the_fetch_order(tmp_path: Path) -> None:
    """https://issues.local/12 item 8: a wire copy fetched first was recorded as the original."""
    from pipeline.crawl.state import CrawlState
    from pipeline.crawl.text import sketch

    settings = Settings.load(paths={"data_root": str(tmp_path / "data")})
    story = " ".join(f"كلمة{i} في الخبر عن القصف على المدينة" for i in range(40))

    def row(article_id: str, hour: int, text: str) -> dict:
        return {"article_id": article_id, "source_id": "s", "url": f"https://x.example/{article_id}",
                "canonical_url": f"https://x.example/{article_id}", "alt_urls": [], "text": text,
                "content_sha256": article_id * 8, "published_at": dt.datetime(2025, 1, 15, hour, tzinfo=dt.UTC),
                "run_id": "r", "run_date": DAY, "near_duplicate_of": None}

    copies = [row("wire", 10, story + " نقلا عن الوكالة"), row("copy2", 11, story + " المصدر وكالة"),
              row("original", 8, story)]  # fetched last, published first
    with CrawlState.open(settings) as state:
        for r in copies:
            state.claim_article(r, urls=[r["url"]], sketch=sketch(r["text"]), threshold=0.8)
        day = {a["article_id"]: a["near_duplicate_of"]
               for batch in state.iter_day_records(DAY, "article", ["s"], batch_size=10) for a in batch}
    assert day == {"original": None, "wire": "original", "copy2": "original"}
