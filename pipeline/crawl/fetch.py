"""Polite async HTTP: robots.txt, per-host delay and concurrency caps, retries with backoff + jitter on
408/429/5xx (honouring Retry-After), timeouts, a response size cap, redirects only within allowed hosts,
conditional GET. Every complete response is archived to WARC.

The order of the concerns for one URL (``Fetcher.fetch``): allow-list -> robots -> host gate -> address
check -> request -> size cap -> archive -> retry decision -> redirect check (allow-list again). Every
request (feeds, sitemap children, articles, redirect hops, robots.txt) goes through ``fetch`` or its
retry loop, so all of them pass the source's allow-list and the address check (``addresses``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import aiohttp

from pipeline.crawl.addresses import BlockedAddress, GuardedResolver, check_host
from pipeline.crawl.archive import WarcArchive
from pipeline.crawl.urls import host_of, netloc_of, origin_of
from pipeline.errors import FetchFailed, RobotsDisallowed
from pipeline.settings import CrawlSettings

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Response:
    """A complete HTTP response (2xx or 304) after redirects."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: dt.datetime
    warc_path: str | None = None
    warc_offset: int | None = None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


@dataclass
class HostGate:
    """At most ``concurrency`` requests in flight to one host, starting at least ``delay`` seconds apart."""

    concurrency: int
    delay: float
    semaphore: asyncio.Semaphore = field(init=False)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float = float("-inf")

    def __post_init__(self) -> None:
        self.semaphore = asyncio.Semaphore(self.concurrency)

    async def __aenter__(self) -> HostGate:
        await self.semaphore.acquire()
        async with self.lock:
            wait = self.last_start + self.delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self.last_start = time.monotonic()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.semaphore.release()


@dataclass(frozen=True)
class Politeness:
    """What one source asks for on top of the global settings."""

    delay: float
    concurrency: int
    allows_host: Callable[[str], bool]
    # The source opted in to loopback/private/link-local addresses (registry: allow_private_addresses).
    allow_private: bool = False


class Fetcher:
    """One per crawl: shares robots.txt, host gates and the HTTP session across sources."""

    def __init__(self, settings: CrawlSettings, session: aiohttp.ClientSession,
                 resolver: GuardedResolver | None = None) -> None:
        self.settings = settings
        self.session = session
        self.resolver = resolver  # the session connector's resolver: told which hosts may be private
        self.total = asyncio.Semaphore(settings.max_concurrency_total)
        self.gates: dict[str, HostGate] = {}
        # Per origin: the rules, None (no robots.txt: allow all) or why robots.txt could not be had.
        self.robots: dict[str, urllib.robotparser.RobotFileParser | FetchFailed | None] = {}
        self.robots_locks: dict[str, asyncio.Lock] = {}

    async def fetch(
        self, url: str, *, politeness: Politeness, archive: WarcArchive, validators: tuple[str | None, str | None]
        = (None, None),
    ) -> Response:
        """GET ``url`` following allowed redirects; raises ``FetchFailed(kind)`` on any failure."""
        if not politeness.allows_host(host_of(url)):
            raise FetchFailed(url, "offsite_url", "host not in the source's allowed_hosts")
        self._check_address(url, politeness)
        visited = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            await self._check_robots(current, politeness, archive)
            response = await self._fetch_with_retries(current, politeness, archive, validators)
            if response.status not in REDIRECT_STATUSES:
                return Response(url, current, response.status, response.headers, response.body,
                                response.fetched_at, response.warc_path, response.warc_offset)
            target = response.headers.get("location")
            if not target:
                raise FetchFailed(url, "bad_redirect", "redirect without Location")
            current = urljoin(current, target)
            if not politeness.allows_host(host_of(current)):
                raise FetchFailed(url, "offsite_redirect", f"-> {current}")
            if current in visited:
                raise FetchFailed(url, "redirect_loop", f"-> {current}")
            visited.add(current)
            validators = (None, None)
        raise FetchFailed(url, "too_many_redirects")

    # --- robots ----------------------------------------------------------------------------------

    async def _check_robots(self, url: str, politeness: Politeness, archive: WarcArchive) -> None:
        if not self.settings.obey_robots:
            return
        origin = origin_of(url)
        lock = self.robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self.robots:
                try:
                    self.robots[origin] = await self._load_robots(origin, politeness, archive)
                except FetchFailed as exc:  # 5xx or unreachable: fetched once, every URL of the origin refused
                    self.robots[origin] = exc
        rules = self.robots[origin]
        if isinstance(rules, FetchFailed):
            raise FetchFailed(url, "robots_unavailable", str(rules))
        if rules is not None and not rules.can_fetch(self.settings.user_agent, url):
            raise RobotsDisallowed(url)

    async def _load_robots(
        self, origin: str, politeness: Politeness, archive: WarcArchive
    ) -> urllib.robotparser.RobotFileParser | None:
        """Rules for ``origin``; None (allow all) when there is no robots.txt (4xx)."""
        url = origin + "/robots.txt"
        try:
            response = await self._fetch_with_retries(url, politeness, archive, (None, None))
        except FetchFailed as exc:
            if exc.kind.startswith("http_4"):
                return None
            raise FetchFailed(url, "robots_unavailable", exc.kind) from exc
        if response.status != 200:
            return None
        text = response.body.decode("utf-8", errors="replace")
        rules = urllib.robotparser.RobotFileParser(url)
        rules.parse(text.splitlines())
        delay = robots_crawl_delay(text, self.settings.user_agent)
        gate = self._gate(url, politeness)
        if delay is not None and float(delay) > gate.delay:
            logger.info("%s asks for crawl-delay %s s", origin, delay)
            gate.delay = float(delay)
        return rules

    # --- one URL, with retries -------------------------------------------------------------------

    def _gate(self, url: str, politeness: Politeness) -> HostGate:
        key = netloc_of(url)
        if key not in self.gates:
            self.gates[key] = HostGate(
                concurrency=max(1, min(politeness.concurrency, self.settings.max_concurrency_per_host)),
                delay=max(politeness.delay, self.settings.min_delay_seconds),
            )
        return self.gates[key]

    async def _fetch_with_retries(
        self, url: str, politeness: Politeness, archive: WarcArchive, validators: tuple[str | None, str | None]
    ) -> Response:
        self._check_address(url, politeness)
        attempt = 0
        while True:
            async with self._gate(url, politeness), self.total:
                response = await self._request(url, archive, validators)
            if response.status not in RETRY_STATUSES:
                break
            if attempt >= self.settings.max_retries:
                raise FetchFailed(url, f"http_{response.status}", f"after {attempt + 1} attempts")
            pause = self.backoff(attempt, response.headers.get("retry-after"))
            logger.debug("%s: HTTP %s, retry %d in %.2f s", url, response.status, attempt + 1, pause)
            await asyncio.sleep(pause)
            attempt += 1
        if response.status >= 400:
            raise FetchFailed(url, f"http_{response.status}")
        return response

    def _check_address(self, url: str, politeness: Politeness) -> None:
        """Refuse an IP-literal or localhost URL that is not public, unless the source opted in; names are
        checked on their resolved addresses by the connector's resolver."""
        host = host_of(url)
        try:
            check_host(host, allow_private=politeness.allow_private)
        except BlockedAddress as exc:
            raise FetchFailed(url, "blocked_address", str(exc)) from exc
        if politeness.allow_private and self.resolver is not None:
            self.resolver.allow_private(host)

    def backoff(self, attempt: int, retry_after: str | None) -> float:
        """Retry-After when the server gives one, else base * 2^attempt with full jitter; capped."""
        cap = self.settings.backoff_max_seconds
        if retry_after:
            wait = _retry_after_seconds(retry_after)
            if wait is not None:
                return min(max(wait, 0.0), cap)
        return min(cap, self.settings.backoff_base_seconds * 2**attempt * (0.5 + random.random() / 2))

    async def _request(
        self, url: str, archive: WarcArchive, validators: tuple[str | None, str | None]
    ) -> Response:
        s = self.settings
        headers = {"User-Agent": s.user_agent, "Accept-Language": "ar,en;q=0.5"}
        if validators[0]:
            headers["If-None-Match"] = validators[0]
        if validators[1]:
            headers["If-Modified-Since"] = validators[1]
        timeout = aiohttp.ClientTimeout(sock_connect=s.connect_timeout_seconds, sock_read=s.read_timeout_seconds)
        try:
            async with self.session.get(url, headers=headers, allow_redirects=False, timeout=timeout) as r:
                if r.content_length is not None and r.content_length > s.max_response_bytes:
                    raise FetchFailed(url, "too_large", f"Content-Length {r.content_length}")
                body = await _read_capped(r, url, s.max_response_bytes)
                fetched_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
                raw_headers = [(k, v) for k, v in r.headers.items()]
                status, reason = r.status, r.reason or ""
        except TimeoutError as exc:
            raise FetchFailed(url, "timeout") from exc
        except aiohttp.ClientPayloadError as exc:
            raise FetchFailed(url, "truncated", str(exc)) from exc
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, BlockedAddress):
                raise FetchFailed(url, "blocked_address", str(exc.os_error)) from exc
            raise FetchFailed(url, "connection", str(exc)) from exc
        except aiohttp.ClientConnectionError as exc:
            raise FetchFailed(url, "connection", str(exc)) from exc
        except aiohttp.ClientError as exc:
            raise FetchFailed(url, "client_error", str(exc)) from exc
        warc_path, offset = archive.write_response(
            url, status=status, reason=reason, headers=raw_headers, body=body, fetched_at=fetched_at
        )
        return Response(url, url, status, {k.lower(): v for k, v in raw_headers}, body, fetched_at, warc_path,
                        offset)


async def _read_capped(response: aiohttp.ClientResponse, url: str, limit: int) -> bytes:
    body = bytearray()
    async for chunk in response.content.iter_chunked(65536):
        body += chunk
        if len(body) > limit:
            raise FetchFailed(url, "too_large", f"body over {limit} bytes")
    return bytes(body)


def robots_crawl_delay(robots_txt: str, user_agent: str) -> float | None:
    """Crawl-delay of the group naming our agent, else of ``*`` (fractions allowed, unlike urllib's parser)."""
    token = user_agent.split("/", 1)[0].lower()
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_agents = False
    for raw in robots_txt.splitlines():
        key, _, value = raw.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            agents = [*agents, value.lower()] if in_agents else [value.lower()]
            in_agents = True
            continue
        in_agents = False
        if key == "crawl-delay":
            try:
                delays.update({agent: float(value) for agent in agents})
            except ValueError:
                continue
    for agent, delay in delays.items():
        if agent != "*" and agent in token:
            return delay
    return delays.get("*")


def _retry_after_seconds(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return (when - dt.datetime.now(dt.UTC)).total_seconds()
