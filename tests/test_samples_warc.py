"""The bundled sample WARC: reproducible from site/ + pages.toml, and holding every page correctly."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_sample_warc", SAMPLES / "build_sample_warc.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


def _charset(content_type: str) -> str:
    match = re.search(r"charset=([\w-]+)", content_type)
    assert match, content_type
    return match.group(1)


@pytest.fixture(scope="module")
def responses() -> dict[str, tuple[dict[str, str], bytes]]:
    """Target URI -> (HTTP headers, body) of every response record in the committed archive."""
    out: dict[str, tuple[dict[str, str], bytes]] = {}
    with (SAMPLES / "sample-news.warc.gz").open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            assert uri not in out, f"{uri} archived twice"
            assert record.http_headers.get_statuscode() == "200"
            out[uri] = (dict(record.http_headers.headers), record.content_stream().read())
    return out


def test_rebuild_is_byte_identical_to_committed_archive(tmp_path: Path) -> None:
    rebuilt = tmp_path / "sample-news.warc.gz"
    builder.build_warc(rebuilt)
    assert rebuilt.read_bytes() == (SAMPLES / "sample-news.warc.gz").read_bytes(), (
        "data/samples/sample-news.warc.gz is stale: rerun data/samples/build_sample_warc.py and commit it")


def test_every_page_and_alias_and_the_feed_are_archived(responses) -> None:
    pages = builder.load_pages()
    expected = {url for page in pages for url in page.urls} | {builder.BASE_URL + "feed.xml"}
    assert set(responses) == expected
    assert all(url.startswith("https://sample-news.example/") for url in responses)


def test_pages_decode_with_declared_charset_to_arabic(responses) -> None:
    for page in builder.load_pages():
        headers, body = responses[page.url]
        assert "Last-Modified" in headers
        charset = _charset(headers["Content-Type"])
        assert charset == page.charset
        text = body.decode(charset)
        assert f'<meta charset="{charset}">' in text
        letters = len(ARABIC_LETTER.findall(text))
        if page.language == "ar":
            assert letters > 500, page.url
        else:
            assert page.key == "english"
            assert 'lang="en"' in text


def test_windows_1256_page_is_not_utf8(responses) -> None:
    page = next(p for p in builder.load_pages() if p.charset == "windows-1256")
    headers, body = responses[page.url]
    assert headers["Content-Type"] == "text/html; charset=windows-1256"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "وقفة احتجاجية" in body.decode("cp1256")


def test_exact_duplicate_is_served_with_identical_bytes(responses) -> None:
    page = next(p for p in builder.load_pages() if p.also_served_at)
    bodies = {responses[url][1] for url in page.urls}
    assert len(page.urls) == 2 and len(bodies) == 1


def test_record_ids_are_stable_hashes() -> None:
    assert builder.record_id("response", "https://x.example/a") == builder.record_id("response", "https://x.example/a")
    assert builder.record_id("response", "https://x.example/a") != builder.record_id("request", "https://x.example/a")
