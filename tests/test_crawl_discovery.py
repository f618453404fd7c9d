import time
from pathlib import Path

import pytest

from pipeline.crawl.discovery import MalformedXML, discover, section_links
from pipeline.crawl.urls import article_id_for, canonicalize_url
from pipeline.errors import UnsafeXML

SITE = Path(__file__).parent / "fixtures" / "site"
BASE = "http://127.0.0.1:8000"


def body(name: str) -> bytes:
    return (SITE / name).read_bytes().replace(b"{BASE}", BASE.encode())


def test_rss_links_are_canonical_with_dates():
    found = discover(body("feed.xml"), BASE + "/feed.xml")
    urls = [link.url for link in found.links]
    assert urls[0] == BASE + "/news/article-1.html"  # utm_* dropped
    assert urls[1] == BASE + "/news/article-2.html"  # fragment dropped
    assert len(urls) == 13 and found.sitemaps == []
    assert found.links[0].published_at.isoformat() == "2025-01-15T05:30:00+00:00"


def test_atom_links():
    found = discover(body("atom.xml"), BASE + "/atom.xml")
    assert [link.url for link in found.links] == [BASE + "/news/article-4.html", BASE + "/news/article-1.html"]
    assert found.links[0].published_at.isoformat() == "2025-01-16T09:00:00+00:00"


def test_sitemap_index_and_news_sitemap():
    index = discover(body("sitemap_index.xml"), BASE + "/sitemap_index.xml")
    assert index.links == [] and index.sitemaps == [BASE + "/sitemap-news.xml", BASE + "/sitemap-pages.xml"]
    news = discover(body("sitemap-news.xml"), BASE + "/sitemap-news.xml")
    assert news.links[0].url == BASE + "/news/article-4.html"
    assert news.links[0].title == "تظاهرات في نينوى"
    assert news.links[1].published_at.isoformat() == "2025-01-15T07:00:00+00:00"
    pages = discover(body("sitemap-pages.xml"), BASE + "/sitemap-pages.xml")
    assert pages.links[0].published_at.isoformat() == "2025-01-14T00:00:00+00:00"


def test_malformed_feed():
    with pytest.raises(MalformedXML):
        discover(body("malformed.xml"), BASE)
    with pytest.raises(MalformedXML, match="not a feed"):
        discover(b"<html><body>hi</body></html>", BASE)


def test_billion_laughs_refused_quickly():
    start = time.monotonic()
    with pytest.raises(UnsafeXML):
        discover(body("bomb.xml"), BASE)
    assert time.monotonic() - start < 0.5


def test_external_entity_refused():
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>'
    with pytest.raises(UnsafeXML):
        discover(xxe, BASE)


def test_section_links_keep_article_like_paths():
    html = '<a href="/">home</a><a href="/news/">news</a><a href="/news/2025/a.html?utm_campaign=x">a</a>'
    assert [link.url for link in section_links(html, BASE + "/news/")] == [BASE + "/news/2025/a.html"]


def test_canonicalize_url():
    assert canonicalize_url("HTTPS://Example.COM:443/a/b?utm_source=x&b=2&a=1#frag") == "https://example.com/a/b?a=1&b=2"
    raw = canonicalize_url("https://example.com/news/سوريا")
    assert raw == canonicalize_url("https://example.com/news/%d8%b3%d9%88%d8%b1%d9%8a%d8%a7")
    assert raw.endswith("%D8%B3%D9%88%D8%B1%D9%8A%D8%A7")
    assert canonicalize_url("../x.html", "http://a.example/b/c/d.html") == "http://a.example/b/x.html"
    assert len(article_id_for(raw)) == 32
