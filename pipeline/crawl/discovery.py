"""Discovery: article links out of RSS/Atom feeds, XML sitemaps (index, urlset, news) and section pages.

XML is parsed with defusedxml: DTD entity declarations (billion laughs), external entities and external
DTDs are refused with ``UnsafeXML`` before any expansion happens.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pipeline.crawl.urls import canonicalize_url
from pipeline.errors import UnsafeXML

logger = logging.getLogger(__name__)


class MalformedXML(ValueError):
    """A feed or sitemap is not well-formed XML, or not a feed/sitemap at all."""


@dataclass(frozen=True)
class Link:
    """A discovered article URL with what the feed/sitemap said about it."""

    url: str
    published_at: dt.datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class Discovered:
    """Links to articles, plus child sitemaps to fetch next (sitemap indexes)."""

    links: list[Link]
    sitemaps: list[str]


def parse_xml(body: bytes) -> Element:
    """Parse untrusted XML safely: ``UnsafeXML`` for entity tricks, ``MalformedXML`` for broken XML."""
    try:
        return SafeET.fromstring(body.lstrip(b"\xef\xbb\xbf \t\r\n"), forbid_dtd=False, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXML(f"refused XML construct: {type(exc).__name__}") from exc
    except ParseError as exc:
        raise MalformedXML(str(exc)) from exc


def discover(body: bytes, base_url: str) -> Discovered:
    """Links from a feed or sitemap body (format detected from the root element)."""
    root = parse_xml(body)
    name = _local(root.tag)
    if name == "rss" or name == "RDF":
        return Discovered(_rss_links(root, base_url), [])
    if name == "feed":
        return Discovered(_atom_links(root, base_url), [])
    if name == "urlset":
        return Discovered(_urlset_links(root, base_url), [])
    if name == "sitemapindex":
        locs = [_text(_child(el, "loc")) for el in root if _local(el.tag) == "sitemap"]
        return Discovered([], [canonicalize_url(u, base_url) for u in locs if u])
    raise MalformedXML(f"not a feed or sitemap: root element <{name}>")


def section_links(html: str, base_url: str) -> list[Link]:
    """Article-looking links (path with 2+ segments or a digit) from a section/front page."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    links: dict[str, Link] = {}
    for href in tree.xpath("//a/@href"):
        url = canonicalize_url(str(href), base_url)
        path = url.split("://", 1)[-1].partition("/")[2]
        segments = [s for s in path.split("?")[0].split("/") if s]
        if url.startswith("http") and (len(segments) >= 2 or any(c.isdigit() for c in path)):
            links.setdefault(url, Link(url))
    return list(links.values())


# --- formats ---------------------------------------------------------------------------------------


def _rss_links(root: Element, base_url: str) -> list[Link]:
    links = []
    for item in root.iter():
        if _local(item.tag) != "item":
            continue
        url = _text(_child(item, "link"))
        guid = _child(item, "guid")
        if not url and guid is not None and guid.get("isPermaLink", "true") != "false":
            url = _text(guid)
        if url:
            date = _rfc822(_text(_child(item, "pubDate"))) or _iso(_text(_child(item, "date")))
            links.append(Link(canonicalize_url(url, base_url), date, _text(_child(item, "title")) or None))
    return links


def _atom_links(root: Element, base_url: str) -> list[Link]:
    links = []
    for entry in root:
        if _local(entry.tag) != "entry":
            continue
        href = None
        for link in entry:
            if _local(link.tag) == "link" and link.get("rel", "alternate") == "alternate":
                href = link.get("href")
                break
        if href:
            date = _iso(_text(_child(entry, "published"))) or _iso(_text(_child(entry, "updated")))
            links.append(Link(canonicalize_url(href, base_url), date, _text(_child(entry, "title")) or None))
    return links


def _urlset_links(root: Element, base_url: str) -> list[Link]:
    links = []
    for url_el in root:
        if _local(url_el.tag) != "url":
            continue
        loc = _text(_child(url_el, "loc"))
        if not loc:
            continue
        news = _child(url_el, "news")
        date = None
        title = None
        if news is not None:
            date = _iso(_text(_child(news, "publication_date")))
            title = _text(_child(news, "title")) or None
        date = date or _iso(_text(_child(url_el, "lastmod")))
        links.append(Link(canonicalize_url(loc, base_url), date, title))
    return links


# --- helpers ---------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el: Element, name: str) -> Element | None:
    for child in el:
        if _local(child.tag) == name:
            return child
    return None


def _text(el: Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _rfc822(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return _utc(parsed)


def _iso(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return _utc(parsed)


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """An ISO-8601 or RFC-822 timestamp as an aware UTC datetime (date-only -> midnight UTC), else None."""
    if not value:
        return None
    return _iso(value.strip()) or _rfc822(value.strip())
