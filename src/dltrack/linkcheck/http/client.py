"""The engine's one HTTP client: a request in, what the engine needs of the answer out.

The engine never sees an httpx object. It asks ``HttpClient.exchange`` for one
request (a method, a URL, the cookies of this URL's redirect chain) and gets the
Outcome its decision needs: the status and the headers that matter, the page text
when asked for it, or the Decision for a request that got no answer at all.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, TypeAlias

from dltrack.linkcheck.decisions import REDIRECTS, is_retryable_status
from dltrack.linkcheck.http.answers import (
    DRAIN_TIME,
    READ_FAILED,
    Answer,
    PoolAnswer,
    charset_of,
    drain_small,
    drainable,
)
from dltrack.linkcheck.http.failures import classify_exception, is_request_failure
from dltrack.linkcheck.http.transport import Pools, timeouts_of
from dltrack.linkcheck.http.urls import Url, join, parse_url
from dltrack.linkcheck.next_step import Outcome
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.pages import ContentDecoder, UnsupportedEncoding, decode_body

if TYPE_CHECKING:
    from http.cookiejar import Cookie

    import httpx

    from dltrack.linkcheck.http.via_httpx import ViaHttpx

__all__ = ["GITHUB_HOSTS", "HttpClient", "Jar", "Url", "host_of", "join", "origin_of", "parse_url"]

# The cookies set along one URL's redirect chain (None: none yet).
Jar: TypeAlias = "httpx.Cookies | None"
Origin = tuple[str, int]

_ACCEPT = b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
GLANCE = 32 * 1024  # bytes of a page read for its title when no content rule needs it all


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


def cookies_of(jar: Jar) -> tuple[Cookie, ...] | None:
    """The jar's cookies, to hand to another process (httpx.Cookies holds a lock: no pickle)."""
    return None if jar is None else tuple(jar.jar)


def jar_of(cookies: tuple[Cookie, ...] | None) -> Jar:
    """A jar holding these cookies again."""
    if cookies is None:
        return None
    from dltrack.linkcheck.http import via_httpx

    return via_httpx.jar_of(cookies)


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


class HttpClient:
    """A run's requests: straight to one keep-alive pool per origin, or through httpx."""

    def __init__(self, options: CheckOptions, transport: object | None = None) -> None:
        self.options = options
        # Pools sized to the limits: per_host connections per origin, so a request never
        # waits for a connection the scheduler already let it have. A test hands in an
        # httpx transport (a MockTransport) instead, and every request goes to it.
        self._pools: Pools | None = None
        if transport is None:
            self._pools = Pools(
                per_origin=options.per_host,
                max_pools=max(8, _fd_budget() // options.per_host),
                trust_env=options.trust_env,
            )
        self._transport = transport
        self._httpx: ViaHttpx | None = None  # made for the first request that needs it
        self._timeouts = timeouts_of(options.timeout)
        # The headers every request carries, behind its Host line (in the order httpx
        # sends them). Accept-Encoding: only what ContentDecoder undoes.
        self._headers = [
            (b"Connection", b"keep-alive"),
            (b"User-Agent", options.user_agent.encode("ascii")),
            (b"Accept", _ACCEPT),
            (b"Accept-Language", options.accept_language.encode("ascii")),
            (b"Accept-Encoding", b"gzip, deflate"),
        ]
        self._pool_headers: dict[tuple[bytes, bool], list[tuple[bytes, bytes]]] = {}

    def _via_httpx(self) -> ViaHttpx:
        if self._httpx is None:
            from dltrack.linkcheck.http.via_httpx import ViaHttpx

            transport = self._transport
            self._httpx = ViaHttpx(self.options, transport, self._pools)  # type: ignore[arg-type]
        return self._httpx

    async def aclose(self) -> None:
        """Close the pools (and httpx's client, if a request needed it)."""
        if self._httpx is not None:
            await self._httpx.aclose()
        if self._pools is not None:
            await self._pools.aclose()

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
        except Exception as exc:
            # UnicodeError: a resolver's IDNA codec refusing a name, on paths not our own.
            if not is_request_failure(exc):
                raise
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
                    # Kept for the rest of this URL's chain (see via_httpx._Client).
                    if jar is None:
                        from dltrack.linkcheck.http.via_httpx import new_jar

                        jar = new_jar()
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
        headers = self._raw_headers(url, token)
        if pools is not None and jar is None:
            pool = await pools.direct_pool(url)
            if pool is not None:
                # httpx's client adds nothing a bodiless, cookieless request to our own
                # pool needs, and its layers cost a fifth of a request's CPU.
                response = await pool.request(
                    method, url.raw_path, headers, self._timeouts, public_only=public_only
                )
                return PoolAnswer(response, method, url)
        return await self._via_httpx().send(method, url, headers, jar, public_only)

    def _raw_headers(self, url: Url, token: bool) -> list[tuple[bytes, bytes]]:
        """The request's headers, Host first, with the GitHub token where it may go.

        Made once per host. Keyed by whether the token goes, not by what the caller
        allows: one netloc serves http and https alike, and only https may carry it.
        """
        secret = self.options.github_token
        with_token = bool(token and secret and sends_token(url))
        key = (url.netloc, with_token)
        raw = self._pool_headers.get(key)
        if raw is None:
            raw = [(b"Host", url.netloc), *self._headers]
            if with_token and secret:
                raw.append((b"Authorization", b"Bearer " + secret.encode("ascii")))
            self._pool_headers[key] = raw
        return raw

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
