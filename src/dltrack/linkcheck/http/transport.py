"""The transport under the one httpx client: our HTTP/1.1 pools, one per origin.

Why not httpx's single pool: httpcore scans every pooled connection (with a readability
poll on each socket) whenever it assigns a request, so per-request cost grows with the
pool. One pool of 128 connections spread over 50 hosts also keeps evicting the idle
connections of one host to open another's, so nearly every request paid a new TCP (and
TLS) handshake. With one pool per origin, each sized to the per-host cap, a request only
looks at its own host's few connections and keep-alive works. The pools speak HTTP/1.1
themselves (``http11``), which is what makes a request cheap in CPU; this module turns
their answers and failures into httpx's, the same as httpx's own transport raises for
the same event, with the OS or TLS error kept as the cause.

The number of pools is bounded (least recently used idle pools are closed) so a catalogue
with thousands of distinct hosts does not run out of file descriptors. Proxies come from
the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY, as urllib reads them);
proxied requests go through httpx's own transport, one pool per proxy.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections import OrderedDict
from collections.abc import AsyncIterator
from types import TracebackType

import httpx

from dltrack.linkcheck.http.failures import PrivateAddressRefused
from dltrack.linkcheck.http11 import errors
from dltrack.linkcheck.http11.pool import Body, OriginPool, Timeouts

# A response extension: True when the whole body had arrived with the head, so the
# connection is back in the pool already and closing the response is all that is left.
BODY_COMPLETE = "dltrack.body_complete"
# A response extension: the IP address that answered (direct connections only).
PEER = "dltrack.peer"
# A response extension: a redirect's Location header, as sent. The header itself is
# taken out: httpx would otherwise build the redirect's request for every redirect
# (CPU for a request that is never sent, and an exception for a Location whose host
# it cannot decode, which would lose the answer).
LOCATION = "dltrack.location"
# A request extension: True when the request may only go to a public address.
PUBLIC_ONLY = "dltrack.public_only"

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
        # One SSL context for all pools, made on first use: a run over plain-http URLs
        # need not load the CA bundle at all.
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
        self._last_timeouts: tuple[object, Timeouts] | None = None

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

    async def direct_pool(self, url: httpx.URL) -> OriginPool | None:
        """The pool a request for url goes over, or None when a proxy takes it."""
        if self._proxies and self._proxy_for(url) is not None:
            return None
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
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        pool = await self.direct_pool(url)
        if pool is None:
            proxy = self._proxy_for(url)
            assert proxy is not None
            via = self._via_proxy.get(proxy)
            if via is None:
                via = self._via_proxy[proxy] = self._proxied(proxy)
            return await via.handle_async_request(request)
        return await _send(pool, request, self._timeouts(request))

    def _timeouts(self, request: httpx.Request) -> Timeouts:
        given = request.extensions.get("timeout") or {}
        last = self._last_timeouts
        if last is not None and last[0] is given:
            return last[1]  # the engine hands every request the same dict
        timeouts = timeouts_of(given)
        self._last_timeouts = (given, timeouts)
        return timeouts

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
        pools, proxied = list(self._pools.values()), list(self._via_proxy.values())
        self._pools.clear()
        self._via_proxy.clear()
        for pool in pools:
            await pool.aclose()
        for transport in proxied:
            await transport.aclose()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()


def timeouts_of(given: dict[str, float | None]) -> Timeouts:
    """httpx's timeouts as the pool takes them: the read timeout bounds the whole
    head, and each wait for more of the body."""
    read = given.get("read")
    return Timeouts(connect=given.get("connect"), head=read, read=read, pool=given.get("pool"))


def translated(exc: errors.HttpError) -> httpx.HTTPError:
    """The httpx exception httpx's own transport raises for the same event."""
    match exc:
        case errors.ConnectTimedOut():
            return httpx.ConnectTimeout(str(exc))
        case errors.ConnectFailed() | errors.PoolClosed():
            return httpx.ConnectError(str(exc))
        case errors.ReadTimedOut():
            return httpx.ReadTimeout(str(exc))
        case errors.PoolTimedOut():
            return httpx.PoolTimeout(str(exc))
        case errors.ConnectionLost():
            return httpx.ReadError(str(exc))
        case errors.BadRequest():
            return httpx.LocalProtocolError(str(exc))
        case errors.PrivateAddress():
            return PrivateAddressRefused(exc.address)
        case errors.InvalidHost():
            return httpx.UnsupportedProtocol(str(exc))  # read as an invalid URL
        case errors.NoAnswer():
            return httpx.RemoteProtocolError("Server disconnected without sending a response.")
    return httpx.RemoteProtocolError(str(exc))


class _Stream(httpx.AsyncByteStream):
    """An http11 body as httpx reads it."""

    __slots__ = ("_body",)

    def __init__(self, body: Body) -> None:
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._body:
                yield chunk
        except errors.HttpError as exc:
            raise translated(exc) from exc

    async def aclose(self) -> None:
        await self._body.aclose()


async def _send(pool: OriginPool, request: httpx.Request, timeouts: Timeouts) -> httpx.Response:
    try:
        response = await pool.request(
            request.method,
            request.url.raw_path,
            request.headers.raw,
            timeouts,
            public_only=request.extensions.get(PUBLIC_ONLY, False),
        )
    except errors.HttpError as exc:
        raise translated(exc) from exc
    head, body = response.head, response.body
    headers, location = head.headers, None
    if 300 <= head.status < 400:
        kept = [(name, value) for name, value in headers if name.lower() != b"location"]
        if len(kept) < len(headers):
            location = next(v for n, v in headers if n.lower() == b"location").decode(
                "utf-8", "replace"
            )
            headers = kept
    return httpx.Response(
        head.status,
        headers=headers,
        stream=_Stream(body),
        extensions={
            "http_version": head.version,
            "reason_phrase": head.reason,
            BODY_COMPLETE: body.done,
            PEER: response.peer,
            LOCATION: location,
        },
    )
