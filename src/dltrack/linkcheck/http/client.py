"""The engine's one HTTP client: a request in, what the engine needs of the answer out.

The engine never sees an httpx object. It asks ``HttpClient.exchange`` for one
request (a method, a URL, the cookies of this URL's redirect chain) and gets the
Outcome its decision needs: the status and the headers that matter, the page text
when asked for it, or the Decision for a request that got no answer at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import sys
from http.cookiejar import Cookie
from typing import Any, TypeAlias

import httpx

from dltrack.hosts import valid_hostname
from dltrack.linkcheck.decisions import REDIRECTS, is_retryable_status
from dltrack.linkcheck.http.answers import (
    DRAIN_TIME,
    NO_BODY,
    READ_FAILED,
    Answer,
    HttpxAnswer,
    PoolAnswer,
    charset_of,
    drain_small,
    drainable,
)
from dltrack.linkcheck.http.failures import classify_exception
from dltrack.linkcheck.http.transport import (
    PUBLIC_ONLY,
    OriginPools,
    timeouts_of,
    translated,
)
from dltrack.linkcheck.http11.errors import HttpError
from dltrack.linkcheck.next_step import Outcome
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.pages import ContentDecoder, UnsupportedEncoding, decode_body

# A parsed URL. The engine only passes these around and asks the functions below
# about them.
Url: TypeAlias = httpx.URL
# The cookies set along one URL's redirect chain (None: none yet).
Jar: TypeAlias = httpx.Cookies | None
Origin = tuple[str, int]

_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
GLANCE = 32 * 1024  # bytes of a page read for its title when no content rule needs it all


def parse_url(url: str) -> Url | None:
    """url as an http(s) URL with a host, or None when it is not one."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return None
    return parsed if _usable(parsed) else None


def _usable(url: Url) -> bool:
    """An http(s) URL with a host DNS can be asked about, and a port that exists."""
    if url.scheme not in ("http", "https") or not url.raw_host:
        return False
    if url.port is not None and not 0 < url.port < 65536:
        return False  # httpx takes any number; connect() would raise OverflowError
    # httpx accepts empty and 64-letter labels ("a..b"), which the resolver refuses
    # with a UnicodeError instead of an answer, and undecodable xn-- labels, for
    # which its own .host raises.
    return valid_hostname(url.raw_host.decode("ascii", "replace"))


def origin_of(url: Url) -> Origin:
    """host:port of url, with the scheme's default port filled in."""
    return url.host, url.port or (443 if url.scheme == "https" else 80)


# The hosts a GitHub token is for; exact names, not their subdomains (gist., pages).
GITHUB_HOSTS = frozenset({"github.com", "api.github.com", "raw.githubusercontent.com"})


def sends_token(url: Url) -> bool:
    """Whether a GitHub token may go with a request for url: https to GitHub's own hosts."""
    return url.scheme == "https" and url.host in GITHUB_HOSTS and url.port in (None, 443)


def host_of(url: Url) -> str:
    """The host name of url."""
    return url.host


def join(url: Url, location: str) -> Url | None:
    """A redirect's target, resolved against the URL that sent it; None when unusable."""
    try:
        target = url.join(location)
    except (httpx.InvalidURL, ValueError):
        return None
    return target if _usable(target) else None


def cookies_of(jar: Jar) -> tuple[Cookie, ...] | None:
    """The jar's cookies, to hand to another process (httpx.Cookies holds a lock: no pickle)."""
    return None if jar is None else tuple(jar.jar)


def jar_of(cookies: tuple[Cookie, ...] | None) -> Jar:
    """A jar holding these cookies again."""
    if cookies is None:
        return None
    jar = httpx.Cookies()
    for cookie in cookies:
        jar.jar.set_cookie(cookie)
    return jar


def _fd_budget() -> int:
    """File descriptors idle keep-alive connections may use: half the soft limit."""
    try:
        import resource
    except ImportError:  # Windows
        return 512
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(64, min(4096, soft // 2))


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


class HttpClient:
    """One httpx client for a run, over one keep-alive pool per origin."""

    def __init__(self, options: CheckOptions, transport: object | None = None) -> None:
        self.options = options
        _remember_missing_sniffio()
        if transport is None:
            # Pools sized to the limits: per_host connections per origin, so a request
            # never waits for a connection the scheduler already let it have.
            transport = OriginPools(
                per_origin=options.per_host,
                max_pools=max(8, _fd_budget() // options.per_host),
                proxy_connections=options.concurrency,
                trust_env=options.trust_env,
            )
        assert isinstance(transport, httpx.AsyncBaseTransport)  # tests pass a MockTransport
        self._client = _Client(
            transport=transport,
            headers={
                "User-Agent": options.user_agent,
                "Accept": _ACCEPT,
                "Accept-Language": options.accept_language,
                # Only what ContentDecoder undoes, whatever httpx could decode.
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(options.timeout),
            follow_redirects=False,  # the engine follows them itself, to classify each hop
            # The transport reads proxies and CA settings from the environment itself.
            trust_env=False,
        )
        # What client.build_request would merge in, made once (see _request).
        self._headers = self._client.headers
        self._host_headers: dict[bytes, httpx.Headers] = {}
        self._token_headers: dict[bytes, httpx.Headers] = {}
        self._extensions: dict[str, Any] = {"timeout": self._client.timeout.as_dict()}
        self._public_only = {**self._extensions, PUBLIC_ONLY: True}
        # Our own pools are used directly where they can be (see _send).
        self._pools = transport if isinstance(transport, OriginPools) else None
        self._timeouts = timeouts_of(self._extensions["timeout"])
        self._pool_headers: dict[tuple[bytes, bool], list[tuple[bytes, bytes]]] = {}

    async def aclose(self) -> None:
        """Close the client and its pools."""
        await self._client.aclose()

    async def exchange(
        self,
        method: str,
        url: Url,
        url_text: str,
        jar: Jar,
        *,
        read_text: bool,
        deadline: float,
        public_only: bool = False,
        token: bool = False,
    ) -> tuple[Outcome, Jar]:
        """Send one request; read the page too when read_text and the answer is a 2xx.

        Returns the outcome (its redirect target not yet resolved) and the chain's cookies.
        public_only: the request may only go to a public address. token: the chain has
        not left GitHub's hosts, so the GitHub token may go with it (where sends_token).
        """
        try:
            answer = await self._send(method, url, jar, public_only, token)
        except (httpx.HTTPError, httpx.InvalidURL, OSError, UnicodeError) as exc:
            # UnicodeError: a resolver's IDNA codec refusing a name, on paths not our own.
            failure = classify_exception(exc, timeout=self.options.timeout)
            return Outcome(method, url_text, failure=failure), jar
        out = Outcome(method, url_text, status=answer.status)
        out.peer = answer.peer
        complete = answer.complete
        try:
            status = out.status
            # Headers are looked up only where they matter (a lookup costs more than one
            # would think, and most answers are 200).
            if status in REDIRECTS:
                out.location = answer.location
                if answer.header("set-cookie") is not None:
                    # Kept for the rest of this URL's chain (see _Client).
                    jar = jar if jar is not None else httpx.Cookies()
                    answer.cookies_into(jar)
            elif is_retryable_status(status):
                out.retry_after = answer.header("retry-after")
            if read_text and 200 <= status < 300:
                try:
                    out.text = await self._read_text(answer, deadline)
                except UnsupportedEncoding as exc:
                    out.unreadable = str(exc)
            elif method == "GET" and 200 <= status < 300 and (complete or drainable(answer)):
                # A GET's page is glanced at, for its title and the signs of a parked
                # domain: its head only, within the time a drain may take, and only where
                # draining would read it anyway (a page that came with its head, or a
                # small or chunked one): reading it to its end returns the connection to
                # the pool, as draining does. A large page is not waited for.
                until = min(deadline, asyncio.get_running_loop().time() + DRAIN_TIME)
                with contextlib.suppress(UnsupportedEncoding):
                    out.text = await self._read_text(answer, until, GLANCE)
            elif not complete:
                # Reading a small body to its end is what returns the connection to the
                # pool; closing it unread discards it.
                await drain_small(answer, deadline, method == "HEAD")
        finally:
            await answer.aclose()
        return out, jar

    async def _send(
        self, method: str, url: Url, jar: Jar, public_only: bool, token: bool
    ) -> Answer:
        """The answer's head: straight from our pool when we can, else through httpx."""
        pools = self._pools
        if pools is not None and jar is None:
            pool = await pools.direct_pool(url)
            if pool is not None:
                # httpx's client adds nothing a bodiless, cookieless request to our own
                # transport needs, and its layers cost a fifth of a request's CPU.
                headers = self._raw_headers(url, token)
                try:
                    response = await pool.request(
                        method, url.raw_path, headers, self._timeouts, public_only=public_only
                    )
                except HttpError as exc:
                    raise translated(exc) from exc
                return PoolAnswer(response, method, url)
        request = self._request(method, url, jar, public_only, token)
        return HttpxAnswer(await self._client.send(request, stream=True))

    def _raw_headers(self, url: Url, token: bool) -> list[tuple[bytes, bytes]]:
        """The request's headers as our own pool takes them (made once per host)."""
        # Keyed by whether the token goes, not by what the caller allows: one netloc
        # serves http and https alike, and only https may carry it.
        with_token = bool(token and self.options.github_token and sends_token(url))
        key = (url.netloc, with_token)
        raw = self._pool_headers.get(key)
        if raw is None:
            raw = self._pool_headers[key] = self._headers_for(url, with_token).raw
        return raw

    def _headers_for(self, url: Url, token: bool) -> httpx.Headers:
        """The client's headers behind the Host line, with the GitHub token where it may go."""
        netloc = url.netloc
        secret = self.options.github_token
        if token and secret and sends_token(url):
            headers = self._token_headers.get(netloc)
            if headers is None:
                bearer = (b"Authorization", b"Bearer " + secret.encode("ascii"))
                headers = httpx.Headers([(b"Host", netloc), *self._headers.raw, bearer])
                self._token_headers[netloc] = headers
            return headers
        headers = self._host_headers.get(netloc)
        if headers is None:
            headers = httpx.Headers([(b"Host", netloc), *self._headers.raw])
            self._host_headers[netloc] = headers
        return headers

    def _request(
        self, method: str, url: Url, jar: Jar, public_only: bool, token: bool = False
    ) -> httpx.Request:
        """What client.build_request(method, url) makes for a bodiless request, made cheaply."""
        # build_request merges the client's settings, then Request() works out the body
        # and the Host header, for every request (bench/README.md). Without a body that
        # always ends in the client's headers behind a Host line, so those are made once
        # per host and the (empty) body is handed over as it is.
        extensions = self._public_only if public_only else self._extensions
        return httpx.Request(
            method,
            url,
            headers=self._headers_for(url, token),
            cookies=jar,
            stream=NO_BODY,
            extensions=extensions,
        )

    async def _read_text(self, answer: Answer, deadline: float, cap: int | None = None) -> str:
        """The page as text, at most cap (body_cap) bytes of it once decoded, by the deadline.

        httpx's own decoders would unfold a compressed body without limit (a 1 MB
        gzip bomb is 1 GB of zeros), so the raw bytes are decoded here, capped.
        """
        cap = min(self.options.body_cap, cap if cap is not None else self.options.body_cap)
        decoder = ContentDecoder(answer.header("content-encoding"), cap)
        body = bytearray()
        if cap:
            try:
                # A body that came whole with its head has nothing left to wait for.
                async with (
                    contextlib.nullcontext() if answer.complete else asyncio.timeout_at(deadline)
                ):
                    async for chunk in answer.chunks():
                        body += decoder.feed(chunk)
                        if decoder.full:
                            break  # never read a whole large (or endless) body
            except READ_FAILED:
                pass  # judge the page on what arrived: soft-404 texts come early
        return decode_body(bytes(body), charset_of(answer.header("content-type")))
