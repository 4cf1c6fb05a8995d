"""The requests that go through httpx: a proxy's, a cookie's, a test's MockTransport.

A check sends nearly every request straight to our own pools (``transport``); this
module is imported only when one must go through httpx's client instead: through an
HTTP or SOCKS proxy (httpx's own transport), with the cookies a redirect chain set
(httpx's cookie jar), or to a transport a test hands in. Importing httpx costs a fifth
of check-links' start-up, so a run that needs none of these never pays it.

``OriginPools`` is our pools as an httpx transport: what httpx's client sends to them
is answered, and fails, the same as httpx's own transport would (its exceptions, with
the OS or TLS error kept as the cause).
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import AsyncIterator
from http.cookiejar import Cookie
from types import TracebackType
from typing import Any

import httpx

from dltrack.linkcheck.decisions import REDIRECTS
from dltrack.linkcheck.http.answers import Answer
from dltrack.linkcheck.http.transport import Pools
from dltrack.linkcheck.http.urls import Url, from_httpx
from dltrack.linkcheck.http11 import errors
from dltrack.linkcheck.http11.pool import Body, OriginPool, Timeouts
from dltrack.linkcheck.options import CheckOptions

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

NO_BODY = httpx.ByteStream(b"")  # an empty body: a request's, and an answer's once read


class OriginPools(httpx.AsyncBaseTransport):
    """Our per-origin pools as an httpx transport; proxied requests go to httpx's own."""

    def __init__(
        self,
        *,
        per_origin: int = 8,
        max_pools: int = 8,
        proxy_connections: int = 8,
        trust_env: bool = True,
        pools: Pools | None = None,
    ) -> None:
        self.pools = pools or Pools(per_origin=per_origin, max_pools=max_pools, trust_env=trust_env)
        self._proxy_limits = httpx.Limits(
            max_connections=proxy_connections,
            max_keepalive_connections=proxy_connections,
            keepalive_expiry=self.pools.keepalive_expiry,
        )
        self._via_proxy: dict[str, httpx.AsyncHTTPTransport] = {}
        self._last_timeouts: tuple[object, Timeouts] | None = None

    def _proxied(self, proxy: str) -> httpx.AsyncHTTPTransport:
        # Proxies (HTTP CONNECT, SOCKS) are httpx's own business, over its default layer.
        return httpx.AsyncHTTPTransport(
            verify=self.pools.ssl_context(),
            trust_env=self.pools.trust_env,
            limits=self._proxy_limits,
            proxy=proxy,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {request.url.scheme!r}")
        url = from_httpx(request.url)
        pool = await self.pools.direct_pool(url)
        if pool is None:
            proxy = self.pools.proxy_for(url)
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
        read = given.get("read")
        timeouts = Timeouts(
            connect=given.get("connect"), head=read, read=read, pool=given.get("pool")
        )
        self._last_timeouts = (given, timeouts)
        return timeouts

    @property
    def open_pools(self) -> int:
        """How many per-origin pools are open (proxy pools not counted)."""
        return self.pools.open_pools

    async def aclose(self) -> None:
        """Close every pool, ours and the proxies'."""
        proxied = list(self._via_proxy.values())
        self._via_proxy.clear()
        await self.pools.aclose()
        for transport in proxied:
            await transport.aclose()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()


def translated(exc: errors.HttpError) -> httpx.HTTPError:
    """The httpx exception httpx's own transport raises for the same event."""
    match exc:
        case errors.ConnectTimedOut():
            return httpx.ConnectTimeout(str(exc))
        case errors.ConnectFailed() | errors.PoolClosed() | errors.PrivateAddress():
            return httpx.ConnectError(str(exc))  # a private address: read from the cause
        case errors.ReadTimedOut():
            return httpx.ReadTimeout(str(exc))
        case errors.PoolTimedOut():
            return httpx.PoolTimeout(str(exc))
        case errors.ConnectionLost():
            return httpx.ReadError(str(exc))
        case errors.BadRequest():
            return httpx.LocalProtocolError(str(exc))
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


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing (see _Client)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Ignore the response's cookies."""

    def set_cookie_header(self, request: httpx.Request) -> None:
        """Add no cookies."""


_NO_COOKIES = _NoCookies()


class _Client(httpx.AsyncClient):
    """An httpx.AsyncClient without a run-wide cookie jar.

    A link checker should not carry what one page set into every later request to that
    site (privacy, and a verdict must not depend on the order URLs were checked in);
    the engine keeps cookies within one URL's redirect chain instead, which is what a
    cookie-setting redirect dance needs. It also saves httpx's cookie extraction,
    which builds urllib request objects for every response (bench/README.md).
    """

    @property
    def cookies(self) -> httpx.Cookies:
        """Always empty."""
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        pass  # httpx's __init__ sets the jar through _cookies; nothing else is kept


def _remember_missing_sniffio() -> None:
    """Make a missing sniffio fail fast on every later import attempt."""
    # Requests through a proxy go through httpx's own transport, i.e. httpcore. httpcore
    # 1.0.x imports sniffio inside current_async_library(), which runs for every lock
    # and event it sets up (several per request). Since anyio 4.11 stopped depending
    # on sniffio it is often absent, and Python does not cache a failed import: each
    # attempt rescans sys.path (encode/httpcore#1103; bench/README.md). A None entry in
    # sys.modules is the documented way to say "not importable", so this changes
    # nothing but the speed.
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


class ViaHttpx:
    """httpx's client for the requests our pools cannot take alone."""

    def __init__(
        self, options: CheckOptions, transport: httpx.AsyncBaseTransport | None, pools: Pools | None
    ) -> None:
        _remember_missing_sniffio()
        if transport is None:
            assert pools is not None
            transport = OriginPools(proxy_connections=options.concurrency, pools=pools)
        self._client = _Client(
            transport=transport,
            timeout=httpx.Timeout(options.timeout),
            follow_redirects=False,  # the engine follows them itself, to classify each hop
            # The transport reads proxies and CA settings from the environment itself.
            trust_env=False,
        )
        # Every request carries the same few headers; made into httpx's once per host.
        self._headers: dict[tuple[bytes, ...], httpx.Headers] = {}
        extensions: dict[str, Any] = {"timeout": self._client.timeout.as_dict()}
        self._extensions = extensions
        self._public_only = {**extensions, PUBLIC_ONLY: True}

    async def send(
        self,
        method: str,
        url: Url,
        headers: list[tuple[bytes, bytes]],
        jar: httpx.Cookies | None,
        public_only: bool,
    ) -> HttpxAnswer:
        """Send one bodiless request with these headers (Host first) and the chain's cookies."""
        key = (headers[0][1], *(value for name, value in headers if name == b"Authorization"))
        made = self._headers.get(key)
        if made is None:
            made = self._headers[key] = httpx.Headers(headers)
        # What client.build_request would make for a bodiless request, made cheaply:
        # build_request merges the client's settings, then Request() works out the body
        # and the Host header, for every request (bench/README.md).
        request = httpx.Request(
            method,
            str(url),
            headers=made,
            cookies=jar,
            stream=NO_BODY,
            extensions=self._public_only if public_only else self._extensions,
        )
        return HttpxAnswer(await self._client.send(request, stream=True))

    async def aclose(self) -> None:
        """Close the client and its transport."""
        await self._client.aclose()


class HttpxAnswer(Answer):
    """An answer through httpx's client: a test's MockTransport, a proxy, a cookie's."""

    __slots__ = ("_response",)

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status = response.status_code
        self.peer = response.extensions.get(PEER)
        # Our own transport says when the body came with the head: its connection is
        # back in the pool and nothing is left to do.
        self.complete = response.extensions.get(BODY_COMPLETE, False)
        self.location = None
        if self.status in REDIRECTS:
            self.location = response.extensions.get(LOCATION) or response.headers.get("location")

    def header(self, name: str) -> str | None:
        return self._response.headers.get(name)

    def chunks(self) -> AsyncIterator[bytes]:
        return _raw(self._response)

    def cookies_into(self, jar: httpx.Cookies) -> None:
        jar.extract_cookies(self._response)

    async def aclose(self) -> None:
        response = self._response
        if not self.complete:
            # Failing to close tells nothing about the link.
            with contextlib.suppress(httpx.HTTPError, OSError):
                await response.aclose()
        # httpx links a response and its stream both ways; unlinking lets reference
        # counting free them at once instead of the cycle collector (bench/README.md).
        response.stream = NO_BODY


async def _raw(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body's bytes as sent (still encoded); a failure to read them as our own."""
    try:
        if response.is_stream_consumed:  # made whole already: an httpx.MockTransport's answer
            yield response.content
            return
        stream = response.stream
        if isinstance(stream, httpx.AsyncByteStream):
            # Straight from the transport's stream: httpx's raw iterator adds layers of
            # async generators per response that cost more than the read.
            async for chunk in stream:
                yield chunk
            return
        async for chunk in response.aiter_raw():  # pragma: no cover - a synchronous transport
            yield chunk
    except (httpx.HTTPError, httpx.StreamError) as exc:
        raise errors.ConnectionLost(str(exc)) from exc


def new_jar() -> httpx.Cookies:
    """An empty cookie jar for one URL's redirect chain."""
    return httpx.Cookies()


def jar_of(cookies: tuple[Cookie, ...]) -> httpx.Cookies:
    """A jar holding these cookies again."""
    jar = httpx.Cookies()
    for cookie in cookies:
        jar.jar.set_cookie(cookie)
    return jar
