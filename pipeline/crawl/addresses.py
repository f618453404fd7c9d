"""Which network addresses the crawler may connect to.

Only public (globally routable) addresses, unless a source opts in with ``allow_private_addresses: true``
in the registry (the tests' local servers do): loopback, private, link-local (cloud metadata at
169.254.169.254), carrier-grade NAT, multicast, reserved and unspecified addresses are refused. The check
runs on the address actually connected to: IP literals before the request, host names in the resolver
the HTTP client connects with (``GuardedResolver``), so DNS answers cannot steer the crawler inside.
"""

from __future__ import annotations

import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from pipeline.sources.hosts import ip_literal, is_private_host, is_public


class BlockedAddress(OSError):
    """A host resolves to (or is) an address the crawler must not connect to."""


def check_host(host: str, *, allow_private: bool) -> None:
    """Raise BlockedAddress for a non-public IP literal or localhost name unless ``allow_private``."""
    if not allow_private and is_private_host(host):
        raise BlockedAddress(f"{host} is a loopback/private/link-local address")


class GuardedResolver(AbstractResolver):
    """The default resolver, refusing non-public answers for hosts not in ``private_ok``."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self.inner = inner or DefaultResolver()  # needs a running event loop
        self.private_ok: set[str] = set()

    def allow_private(self, host: str) -> None:
        """Let ``host`` resolve to private addresses (a source that opted in fetches it)."""
        self.private_ok.add(host.lower().rstrip("."))

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        if host.lower().rstrip(".") in self.private_ok:
            return results
        blocked = [r["host"] for r in results if (a := ip_literal(r["host"])) is None or not is_public(a)]
        if blocked:
            raise BlockedAddress(f"{host} resolves to non-public address(es) {sorted(set(blocked))}")
        return results

    async def close(self) -> None:
        await self.inner.close()
