"""The transport under the engine's one AsyncClient: a small connection pool per origin.

Why not httpx's single pool: httpcore scans every pooled connection (with a readability
poll on each socket) whenever it assigns a request, so per-request cost grows with the
pool. One pool of 128 connections spread over 50 hosts also keeps evicting the idle
connections of one host to open another's, so nearly every request paid a new TCP (and
TLS) handshake. With one pool per origin, each sized to the per-host cap, a request only
looks at its own host's few connections and keep-alive works. The pools speak HTTP/1.1
themselves (aionet.OriginPool), which is what makes a request cheap in CPU.

The number of pools is bounded (least recently used idle pools are closed) so a catalogue
with thousands of distinct hosts does not run out of file descriptors. Proxies come from
the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY, as urllib reads them);
proxied requests go through httpx's own transport, one pool per proxy.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections import OrderedDict
from types import TracebackType

import httpx

from dltrack.linkcheck.aionet import OriginPool

PoolKey = tuple[str, str, int]

_PORTS = {"http": 80, "https": 443}


class OriginPools(httpx.AsyncBaseTransport):
    """An httpx transport keeping one small keep-alive pool per (scheme, host, port)."""

    def __init__(
        self,
        *,
        per_origin: int,
        max_pools: int,
        proxy_connections: int,
        trust_env: bool = True,
        keepalive_expiry: float = 5.0,
    ) -> None:
        # One SSL context for all pools, made on first use: loading the CA bundle costs
        # ~30 ms, which a run over plain-http URLs need not pay at all.
        self._ssl: ssl.SSLContext | None = None
        self._per_origin = per_origin
        self._keepalive_expiry = keepalive_expiry
        self._proxy_limits = httpx.Limits(
            max_connections=proxy_connections,
            max_keepalive_connections=proxy_connections,
            keepalive_expiry=keepalive_expiry,
        )
        self._max_pools = max(1, max_pools)
        self._trust_env = trust_env
        self._proxies = urllib.request.getproxies() if trust_env else {}
        self._pools: OrderedDict[PoolKey, OriginPool] = OrderedDict()
        self._via_proxy: dict[str, httpx.AsyncHTTPTransport] = {}
        self._bypass: dict[str, bool] = {}

    def _proxy_for(self, url: httpx.URL) -> str | None:
        if not self._proxies:
            return None
        proxy = self._proxies.get(url.scheme) or self._proxies.get("all")
        if not proxy:
            return None
        host = url.host
        bypass = self._bypass.get(host)
        if bypass is None:
            bypass = self._bypass[host] = bool(urllib.request.proxy_bypass(host))
        return None if bypass else proxy

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context(trust_env=self._trust_env)
        return self._ssl

    def _direct(self, key: PoolKey) -> OriginPool:
        scheme, host, port = key
        return OriginPool(
            scheme,
            host,
            port,
            # A plain-http pool never negotiates TLS: the CA bundle is not even loaded.
            ssl_context=self._ssl_context() if scheme == "https" else None,
            limit=self._per_origin,
            keepalive_expiry=self._keepalive_expiry,
        )

    def _proxied(self, proxy: str) -> httpx.AsyncHTTPTransport:
        # Proxies (HTTP CONNECT, SOCKS) are httpx's own business, over its default layer.
        return httpx.AsyncHTTPTransport(
            verify=self._ssl_context(),
            trust_env=self._trust_env,
            limits=self._proxy_limits,
            proxy=proxy,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        proxy = self._proxy_for(url)
        if proxy is not None:
            via = self._via_proxy.get(proxy)
            if via is None:
                via = self._via_proxy[proxy] = self._proxied(proxy)
            return await via.handle_async_request(request)

        scheme = url.scheme
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {scheme!r}")
        # The IDNA-encoded host: what DNS and the TLS server name need.
        key: PoolKey = (scheme, url.raw_host.decode("ascii"), url.port or _PORTS[scheme])
        pool = self._pools.get(key)
        if pool is None:
            await self._make_room()
            pool = self._pools[key] = self._direct(key)
        else:
            self._pools.move_to_end(key)
        return await pool.handle_async_request(request)

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
        pools: list[httpx.AsyncBaseTransport] = list(self._pools.values())
        pools.extend(self._via_proxy.values())
        self._pools.clear()
        self._via_proxy.clear()
        for transport in pools:
            await transport.aclose()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()
