"""Build ``data/samples/sample-news.warc.gz`` from the static sample site, byte-for-byte reproducibly.

The sample site (``site/``: HTML pages + ``feed.xml``) is described by ``pages.toml``. Every page becomes a
WARC/1.0 ``request`` + ``response`` pair under ``https://sample-news.example/<path>``, exactly like a
CC-NEWS record: full HTTP/1.1 status line and headers (Content-Type with charset, Last-Modified). Pages
listed with ``also_served_at`` are archived a second time, same bytes, under that URL (an exact duplicate).

Nothing depends on the clock: WARC-Date comes from the manifest, record ids are hashes of the record type
and target URI, records are sorted by URI, and warcio's gzip members carry mtime 0.

Run: ``.venv/bin/python data/samples/build_sample_warc.py [--out PATH]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import logging
import sys
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parent
SITE_DIR = SAMPLES_DIR / "site"
MANIFEST = SAMPLES_DIR / "pages.toml"
WARC_PATH = SAMPLES_DIR / "sample-news.warc.gz"
BASE_URL = "https://sample-news.example/"
FEED_FILE = "feed.xml"
FEED_FETCHED = dt.datetime(2025, 3, 3, 16, 0, tzinfo=dt.UTC)
FEED_LAST_MODIFIED = dt.datetime(2025, 3, 3, 15, 30, tzinfo=dt.UTC)
WARCINFO_DATE = dt.datetime(2025, 3, 3, 16, 0, tzinfo=dt.UTC)
USER_AGENT = "conflict-events-sample-builder/1.0 (+https://sample-news.example/about)"


@dataclass(frozen=True, kw_only=True)
class SamplePage:
    """One HTML file of the sample site, as listed in pages.toml."""

    key: str
    file: str
    charset: str
    language: str
    published: dt.datetime
    fetched: dt.datetime
    also_served_at: tuple[str, ...] = ()
    note: str = ""

    @property
    def url(self) -> str:
        return BASE_URL + self.file

    @property
    def urls(self) -> tuple[str, ...]:
        return (self.url, *(BASE_URL + alias for alias in self.also_served_at))


@dataclass(frozen=True, kw_only=True)
class ServedResponse:
    """One HTTP response as the archive records it."""

    url: str
    body: bytes
    content_type: str
    content_language: str | None
    last_modified: dt.datetime
    fetched: dt.datetime


def _utc(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a timezone in {MANIFEST.name}: {value!r}")
    return parsed.astimezone(dt.UTC)


def load_pages(manifest: Path = MANIFEST) -> list[SamplePage]:
    """Read pages.toml into SamplePage objects (in file order)."""
    with manifest.open("rb") as fh:
        data = tomllib.load(fh)
    pages = []
    for row in data["page"]:
        pages.append(SamplePage(
            key=row["key"], file=row["file"], charset=row["charset"], language=row["language"],
            published=_utc(row["published"]), fetched=_utc(row["fetched"]),
            also_served_at=tuple(row.get("also_served_at", ())), note=row.get("note", ""),
        ))
    return pages


def served_responses(pages: list[SamplePage], site_dir: Path = SITE_DIR) -> list[ServedResponse]:
    """Every response the sample site serves (pages, their aliases, the feed), sorted by URL."""
    responses = []
    for page in pages:
        body = (site_dir / page.file).read_bytes()
        for url in page.urls:
            responses.append(ServedResponse(
                url=url, body=body, content_type=f"text/html; charset={page.charset}",
                content_language=page.language, last_modified=page.published, fetched=page.fetched,
            ))
    responses.append(ServedResponse(
        url=BASE_URL + FEED_FILE, body=(site_dir / FEED_FILE).read_bytes(),
        content_type="application/rss+xml; charset=utf-8", content_language=None,
        last_modified=FEED_LAST_MODIFIED, fetched=FEED_FETCHED,
    ))
    return sorted(responses, key=lambda r: r.url)


def record_id(record_type: str, uri: str) -> str:
    """A stable WARC-Record-ID: a UUID made of the hash of the record type and target URI."""
    digest = hashlib.sha256(f"{record_type} {uri}".encode()).hexdigest()
    return f"<urn:uuid:{uuid.UUID(hex=digest[:32])}>"


def _warc_date(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _http_date(value: dt.datetime) -> str:
    return format_datetime(value.astimezone(dt.UTC), usegmt=True)


def _request_record(writer: WARCWriter, resp: ServedResponse):  # noqa: ANN202 (warcio has no types)
    parts = urlsplit(resp.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = StatusAndHeaders(f"GET {target} HTTP/1.1", [
        ("Host", parts.netloc),
        ("User-Agent", USER_AGENT),
        ("Accept", "text/html,application/xhtml+xml,application/rss+xml;q=0.9,*/*;q=0.8"),
        ("Accept-Language", "ar,en;q=0.5"),
    ], is_http_request=True)
    return writer.create_warc_record(resp.url, "request", payload=io.BytesIO(b""), length=0,
                                     http_headers=headers, warc_headers_dict={
                                         "WARC-Date": _warc_date(resp.fetched),
                                         "WARC-Record-ID": record_id("request", resp.url),
                                         "WARC-Concurrent-To": record_id("response", resp.url),
                                     })


def _response_record(writer: WARCWriter, resp: ServedResponse):  # noqa: ANN202
    header_list = [
        ("Date", _http_date(resp.fetched)),
        ("Server", "nginx"),
        ("Content-Type", resp.content_type),
        ("Content-Length", str(len(resp.body))),
        ("Last-Modified", _http_date(resp.last_modified)),
        ("Cache-Control", "max-age=300"),
    ]
    if resp.content_language:
        header_list.append(("Content-Language", resp.content_language))
    headers = StatusAndHeaders("200 OK", header_list, protocol="HTTP/1.1")
    return writer.create_warc_record(resp.url, "response", payload=io.BytesIO(resp.body),
                                     length=len(resp.body), http_headers=headers, warc_headers_dict={
                                         "WARC-Date": _warc_date(resp.fetched),
                                         "WARC-Record-ID": record_id("response", resp.url),
                                         "WARC-IP-Address": "192.0.2.10",
                                     })


def _records(writer: WARCWriter, responses: list[ServedResponse]) -> Iterator:
    info = writer.create_warcinfo_record("sample-news.warc.gz", {
        "software": "conflict-events data/samples/build_sample_warc.py (warcio)",
        "format": "WARC File Format 1.0",
        "description": "Bundled sample site of the conflict-events pipeline (data/samples/README.md)",
        "isPartOf": "conflict-events-sample",
    })
    info.rec_headers.replace_header("WARC-Date", _warc_date(WARCINFO_DATE))
    info.rec_headers.replace_header("WARC-Record-ID", record_id("warcinfo", "sample-news.warc.gz"))
    yield info
    for resp in responses:
        yield _request_record(writer, resp)
        yield _response_record(writer, resp)


def build_warc(out_path: Path = WARC_PATH, *, manifest: Path = MANIFEST, site_dir: Path = SITE_DIR) -> int:
    """Write the sample WARC to ``out_path``; return the number of response records."""
    responses = served_responses(load_pages(manifest), site_dir)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        for record in _records(writer, responses):
            writer.write_record(record)
    logger.info("wrote %d responses to %s", len(responses), out_path)
    return len(responses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=WARC_PATH, help="where to write the .warc.gz")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    count = build_warc(args.out)
    print(f"{count} responses -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
