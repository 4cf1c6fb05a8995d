"""Our HTTP/1.1 pools, one per origin: where nearly every request of a check goes.

Why not httpx's single pool: httpcore scans every pooled connection (with a readability
poll on each socket) whenever it assigns a request, so per-request cost grows with the
pool. One pool of 128 connections spread over 50 hosts also keeps evicting the idle
connections of one host to open another's, so nearly every request paid a new TCP (and
TLS) handshake. With one pool per origin, each sized to the per-host cap, a request only
looks at its own host's few connections and keep-alive works. The pools speak HTTP/1.1
themselves (``http11``), which is what makes a request cheap in CPU.

The number of pools is bounded (least recently used idle pools are closed) so a catalogue
with thousands of distinct hosts does not run out of file descriptors. Proxies come from
the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY, as urllib reads them); a
proxied request goes through httpx (``via_httpx``), and so does a request with cookies.
This module does not import httpx: a check that needs neither never loads it.
"""

from __future__ import annotations

import os
import ssl
import sys
from collections import OrderedDict
from typing import TYPE_CHECKING

from dltrack.linkcheck.http11.pool import OriginPool, Timeouts

if TYPE_CHECKING:
    from dltrack.linkcheck.http.urls import Url

PoolKey = tuple[str, str, int]

_PORTS = {"http": 80, "https": 443}


def ssl_context(trust_env: bool) -> ssl.SSLContext:
    """The TLS settings of every connection: the CA bundle httpx would use, the same way.

    SSL_CERT_FILE or SSL_CERT_DIR when the environment is trusted and names one, else
    certifi's bundle (what httpx.create_ssl_context does, without importing httpx).
    """
    if trust_env and os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if trust_env and os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _may_have_proxies() -> bool:
    """Whether urllib could find a proxy: an *_proxy variable, or a system that keeps its own.

    urllib.request (with http.client and email behind it) is a tenth of a check's
    start-up; elsewhere its getproxies() reads nothing but these variables.
    """
    if sys.platform in ("darwin", "win32"):
        return True  # system settings (the registry, SystemConfiguration)
    return any(name.lower().endswith("_proxy") for name in os.environ)


class Pools:
    """One small keep-alive pool per (scheme, host, port), and which URLs a proxy takes."""

    def __init__(
        self,
        *,
        per_origin: int,
        max_pools: int,
        trust_env: bool = True,
        keepalive_expiry: float = 5.0,
    ) -> None:
        # One SSL context for all pools, made on first use: a run over plain-http URLs
        # need not load the CA bundle at all.
        self._ssl: ssl.SSLContext | None = None
        self._per_origin = per_origin
        self.keepalive_expiry = keepalive_expiry
        self._max_pools = max(1, max_pools)
        self.trust_env = trust_env
        self._proxies: dict[str, str] = {}
        if trust_env and _may_have_proxies():
            import urllib.request

            self._proxies = urllib.request.getproxies()
        self._pools: OrderedDict[PoolKey, OriginPool] = OrderedDict()
        self._bypass: dict[str, bool] = {}

    def proxy_for(self, url: Url) -> str | None:
        """The proxy a request for url goes through, or None."""
        if not self._proxies:
            return None
        proxy = self._proxies.get(url.scheme) or self._proxies.get("all")
        if not proxy:
            return None
        host = url.host
        bypass = self._bypass.get(host)
        if bypass is None:
            import urllib.request

            bypass = self._bypass[host] = bool(urllib.request.proxy_bypass(host))
        return None if bypass else proxy

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS settings of this run's connections (and its proxies'), made once."""
        if self._ssl is None:
            self._ssl = ssl_context(self.trust_env)
        return self._ssl

    def _direct(self, key: PoolKey) -> OriginPool:
        scheme, host, port = key
        return OriginPool(
            scheme,
            host,
            port,
            # A plain-http pool never negotiates TLS: the CA bundle is not even loaded.
            ssl_context=self.ssl_context() if scheme == "https" else None,
            limit=self._per_origin,
            keepalive_expiry=self.keepalive_expiry,
        )

    async def direct_pool(self, url: Url) -> OriginPool | None:
        """The pool a request for url goes over, or None when a proxy takes it."""
        if self._proxies and self.proxy_for(url) is not None:
            return None
        scheme = url.scheme
        # The IDNA-encoded host: what DNS and the TLS server name need.
        key: PoolKey = (scheme, url.raw_host.decode("ascii"), url.port or _PORTS[scheme])
        pool = self._pools.get(key)
        if pool is None:
            await self._make_room()
            pool = self._pools[key] = self._direct(key)
        else:
            self._pools.move_to_end(key)
        return pool

    @property
    def open_pools(self) -> int:
        """How many per-origin pools are open (proxy pools not counted)."""
        return len(self._pools)

    async def _make_room(self) -> None:
        # Close the least recently used idle pools; a pool with a response still open
        # is never closed under it (there are at most `concurrency` of those).
        if len(self._pools) < self._max_pools:
            return
        for key in list(self._pools):
            if len(self._pools) < self._max_pools:
                return
            pool = self._pools[key]
            if pool.in_use == 0:
                del self._pools[key]
                await pool.aclose()

    async def aclose(self) -> None:
        """Close every pool."""
        pools = list(self._pools.values())
        self._pools.clear()
        for pool in pools:
            await pool.aclose()


def timeouts_of(seconds: float) -> Timeouts:
    """A request's timeouts as the pool takes them: the read timeout bounds the whole
    head, and each wait for more of the body."""
    return Timeouts(connect=seconds, head=seconds, read=seconds, pool=seconds)
