"""The bundled sample site: realistic pages, the seed article intact, the traps present, a valid feed."""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import trafilatura

PROJECT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT / "data" / "samples"
SITE = SAMPLES / "site"
SEED = Path("/work/shared/seeds/seed-article-ar.txt")
DEV_SET = Path("/work/shared/eval/dev/articles.jsonl")


def _pages() -> list[dict]:
    with (SAMPLES / "pages.toml").open("rb") as fh:
        return tomllib.load(fh)["page"]


def _html(page: dict) -> str:
    return (SITE / page["file"]).read_bytes().decode(page["charset"])


def _body(page: dict) -> str:
    return trafilatura.extract((SITE / page["file"]).read_bytes(), include_comments=False) or ""


def test_manifest_lists_every_html_file_once() -> None:
    files = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.html"))
    assert sorted(p["file"] for p in _pages()) == files
    assert len({p["key"] for p in _pages()}) == len(files)
    assert sum(p["language"] == "ar" for p in _pages()) >= 14


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p["key"])
def test_page_has_metadata_and_boilerplate(page: dict) -> None:
    html = _html(page)
    url = "https://sample-news.example/" + page["file"]
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="article:published_time" content="{page["published"]}">' in html
    assert page["published"].startswith(("2025-03-01", "2025-03-02", "2025-03-03"))
    markers = ['<nav class="main-nav"', '<footer class="site-footer">', 'class="share-buttons"', 'class="comments"']
    if page["language"] == "ar":
        markers.append('class="related-posts"')
    for marker in markers:
        assert marker in html, (page["key"], marker)


@pytest.mark.parametrize("page", [p for p in _pages() if p["language"] == "ar" and p["key"] != "seed"],
                         ids=lambda p: p["key"])
def test_written_pages_are_news_length_and_boilerplate_is_removable(page: dict) -> None:
    body = _body(page)
    assert 100 <= len(body.split()) <= 250, len(body.split())
    assert "أرسل التعليق" not in body and "الأكثر قراءة" not in body


def test_seed_article_keeps_its_text_and_the_diyala_operation() -> None:
    seed = next(p for p in _pages() if p["key"] == "seed")
    body = _body(seed)
    assert "قوة أمنية مشتركة بإشراف قيادة عمليات ديالى" in body
    assert "اليوم الاثنين (3 آذار 2025)" in body
    assert "مقالات مشابهة" in _html(seed) and "مقالات مشابهة" not in body
    if SEED.exists():
        paragraphs = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if len(line) > 80]
        assert all(p in body for p in paragraphs[:6])


def test_near_duplicate_shares_the_story_but_not_the_intro() -> None:
    pages = {p["key"]: p for p in _pages()}
    original, wire = _body(pages["sdf-clashes"]), _body(pages["sdf-clashes-wire"])
    assert original != wire
    shared = set(original.splitlines()[2:]) & set(wire.splitlines()[2:])
    assert len(shared) >= 4


def test_feed_lists_every_page_with_pubdate() -> None:
    channel = ET.parse(SITE / "feed.xml").getroot().find("channel")
    items = {item.findtext("link"): item.findtext("pubDate") for item in channel.iter("item")}
    urls = {"https://sample-news.example/" + p["file"] for p in _pages()}
    assert set(items) == urls
    for page in _pages():
        published = parsedate_to_datetime(items["https://sample-news.example/" + page["file"]])
        assert published.isoformat() == page["published"]


@pytest.mark.skipif(not DEV_SET.exists(), reason="development set not on this machine")
def test_no_page_reuses_a_development_set_title() -> None:
    import json

    dev_titles = [json.loads(line)["title"] for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
    site_text = "\n".join(_html(p) for p in _pages())
    assert not [t for t in dev_titles if t in site_text]
    assert not re.search(r"بلدروز|خان بني سعد|ميس الجبل|ميفدون", site_text)
