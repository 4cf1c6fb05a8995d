"""The engine: one httpx.AsyncClient, per-host scheduling, retries, results as they complete.

Scheduling. Every HTTP request (each redirect hop and each retry, not each URL) first
takes a slot of its host's gate, then a global slot. Taking the host slot first means a
slow or paused host holds at most ``per_host`` global slots, never all of them. Between
requests a URL holds no slot at all (backoff sleeps, waits on another host), so
redirects between hosts cannot deadlock. A gate also spaces request starts by
``min_interval`` and pauses the whole host when it sends Retry-After (or a bare 429).

Workers. Each host gets ``min(per_host, its URL count)`` worker tasks pulling from that
host's queue, created round-robin across hosts so that every host is tried early
(which the offline detection relies on) and a 10,000-URL run is a few hundred tasks.

Offline detection. A URL whose check failed at DNS/TCP-connect level is held back
until some server, anywhere, has answered (the network is then proven up). If instead
at least ``unreachable_min_hosts`` distinct hosts (host:port) have failed that way,
they are at least ``unreachable_ratio`` of all the run's hosts and not a single host
answered, the run stops with NetworkUnreachable and nothing held is ever reported, so
a caller never stores 400 "dead" links because the Wi-Fi was off. The minimum keeps a
catalogue with one or two genuinely dead hosts (and nothing else) from reading as
"offline"; the ratio, checked against every host in the run, keeps a few fast NXDOMAIN
answers from aborting a run whose live hosts are merely slower to answer.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import importlib.util
import random
import re
import sys
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from dltrack.errors import NetworkUnreachable
from dltrack.linkcheck.aionet import BODY_COMPLETE
from dltrack.linkcheck.decisions import (
    REDIRECTS,
    RETRYABLE_FAILURES,
    Decision,
    Hop,
    classify,
    classify_exception,
    is_redirect,
    is_retryable_status,
    parse_retry_after,
    redirect_problem,
    status_text,
)
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.rules import ContentRule, RuleLike, RuleSet
from dltrack.linkcheck.transport import OriginPools
from dltrack.linkcheck.verdicts import Failure, LinkResult, Verdict

K = TypeVar("K")

_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# Bodies we do not need are still drained when small and quick to come, so that the
# connection can be reused; a body that is large or slow is cut off by closing it.
_DRAIN_LIMIT = 64 * 1024
_DRAIN_TIME = 1.0

Origin = tuple[str, int]
RulesArg = RuleSet | Iterable[ContentRule | RuleLike | dict[str, Any]] | None


class _Gate:
    """Admission to one host: a cap on requests in flight, pacing and Retry-After pauses."""

    __slots__ = ("_min_interval", "_sem", "head_unreliable", "next_start", "paused_until")

    def __init__(self, per_host: int, min_interval: float) -> None:
        self._sem = asyncio.Semaphore(per_host)
        self._min_interval = min_interval
        self.paused_until = 0.0  # loop time
        self.next_start = 0.0
        self.head_unreliable = False  # HEAD said "no" where GET said "yes": use GET here

    async def acquire(self) -> None:
        await self._sem.acquire()
        try:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                start = max(self.paused_until, self.next_start)
                if start <= now:
                    break
                # Re-checked after the sleep: a Retry-After may have extended the pause.
                await asyncio.sleep(start - now)
            self.next_start = now + self._min_interval
        except BaseException:
            self._sem.release()
            raise

    def release(self) -> None:
        self._sem.release()

    def pause(self, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self.paused_until = max(self.paused_until, until)


class _OriginState:
    """What a run has learnt about one host:port: reachability and repeated failures."""

    __slots__ = ("down", "streak", "streak_key", "tripped", "up")

    def __init__(self) -> None:
        self.up = False  # some request got an HTTP answer
        self.down = False  # some URL failed at DNS/connect level
        self.streak = 0
        self.streak_key: tuple[Verdict, Failure | None, str] | None = None
        self.tripped: Decision | None = None  # set: the remaining URLs are not requested


class _Run:
    """Per-run state, so that one LinkChecker can serve several runs one after another."""

    __slots__ = ("any_up", "origins")

    def __init__(self) -> None:
        self.origins: dict[Origin, _OriginState] = {}
        self.any_up = False

    def origin(self, key: Origin) -> _OriginState:
        state = self.origins.get(key)
        if state is None:
            state = self.origins[key] = _OriginState()
        return state


@dataclass(frozen=True, slots=True)
class _Outcome:
    decision: Decision
    attempts: int
    elapsed_ms: int
    checked_at: datetime


def retry_delay(
    step: int, backoff: float, backoff_max: float, *, rate_limited: bool = False
) -> float:
    """Seconds to wait before retry number step + 1 of a URL (step 0: the first retry).

    The first retry after a 5xx, a timeout or a dropped connection goes at once, as
    urllib3's Retry does: such a failure is most often a one-off (a stale keep-alive
    connection, one busy backend), and a wait would only stretch the run, most of all
    when the URL is among the last of its host. From the second retry on the wait
    starts at ``backoff`` and doubles, up to ``backoff_max``. A 429 without
    Retry-After waits from the first retry on: that server asked us to slow down.
    """
    if not rate_limited:
        if step == 0:
            return 0.0
        step -= 1
    base = min(backoff_max, backoff * 2.0**step)
    # Jitter spreads the retries of a burst that failed together.
    return base * random.uniform(0.5, 1.0)


def origin_of(url: httpx.URL) -> Origin:
    """host:port of url, with the scheme's default port filled in."""
    return url.host, url.port or (443 if url.scheme == "https" else 80)


def parse_url(url: str) -> httpx.URL | None:
    """url as an http(s) httpx.URL with a host, or None when it is not one."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return None  # httpx takes any number; connect() would raise OverflowError
    return parsed


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Browsers read these labels as the superset encoding; so should we.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "ascii": "cp1252", "latin-1": "cp1252"}


def decode_body(data: bytes, charset: str | None) -> str:
    """Page bytes as text: declared charset, else a <meta> charset, else UTF-8; never fails."""
    if not charset:
        found = _META_CHARSET.search(data[:4096])
        charset = found.group(1).decode("ascii") if found else None
    name = "utf-8"
    if charset:
        with contextlib.suppress(LookupError, ValueError):  # unknown or malformed label
            name = codecs.lookup(charset).name
    name = _SUPERSETS.get(name, name)
    try:
        return data.decode(name, errors="replace")
    except (LookupError, ValueError, TypeError):  # not a text codec (base64, idna, ...)
        return data.decode("utf-8", errors="replace")


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
_NO_BODY = httpx.ByteStream(b"")


class _Client(httpx.AsyncClient):
    """An httpx.AsyncClient without a run-wide cookie jar.

    A link checker should not carry what one page set into every later request to that
    site (privacy, and a verdict must not depend on the order URLs were checked in);
    the engine keeps cookies within one URL's redirect chain instead, which is what a
    cookie-setting redirect dance needs. It also saves httpx's cookie extraction,
    which builds urllib request objects for every response: ~30 us, about a tenth of
    the CPU a request costs here.
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
    # attempt rescans sys.path (~0.2 ms), which more than halved our throughput
    # (encode/httpcore#1103). A None entry in sys.modules is the documented way to say
    # "not importable", so this changes nothing but the speed.
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


class LinkChecker:
    """Checks URLs over one shared httpx.AsyncClient; use ``async with``."""

    def __init__(
        self,
        options: CheckOptions | None = None,
        rules: RulesArg = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.options = options or CheckOptions()
        self.rules = rules if isinstance(rules, RuleSet) else RuleSet(rules or ())
        self._transport = transport  # tests pass httpx.MockTransport here
        self._client: httpx.AsyncClient | None = None
        self._global: asyncio.Semaphore | None = None
        self._gates: dict[str, _Gate] = {}
        self._headers = httpx.Headers()
        self._host_headers: dict[bytes, httpx.Headers] = {}
        self._extensions: dict[str, Any] = {}

    async def __aenter__(self) -> Self:
        if self._client is not None:
            raise RuntimeError("LinkChecker is already open")
        opts = self.options
        _remember_missing_sniffio()
        transport = self._transport
        if transport is None:
            # Pools sized to the limits: per_host connections per origin, so a request
            # never waits for a connection the scheduler already let it have.
            transport = OriginPools(
                per_origin=opts.per_host,
                max_pools=max(8, _fd_budget() // opts.per_host),
                proxy_connections=opts.concurrency,
                trust_env=opts.trust_env,
            )
        self._client = _Client(
            transport=transport,
            headers={
                "User-Agent": opts.user_agent,
                "Accept": _ACCEPT,
                "Accept-Language": opts.accept_language,
            },
            timeout=httpx.Timeout(opts.timeout),
            follow_redirects=False,  # we follow them ourselves to classify each hop
            # The transport reads proxies and CA settings from the environment itself.
            trust_env=False,
        )
        # What client.build_request would merge in, made once (see _request).
        self._headers = self._client.headers
        self._host_headers = {}
        self._extensions = {"timeout": self._client.timeout.as_dict()}
        # Created here, inside the running loop: asyncio primitives bind to one loop.
        self._global = asyncio.Semaphore(opts.concurrency)
        self._gates = {}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client; the checker can be opened again afterwards."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    @contextlib.asynccontextmanager
    async def _session(self) -> AsyncIterator[None]:
        # Lets results()/check() work without ``async with`` (opening and closing a client).
        if self._client is not None:
            yield
            return
        async with self:
            yield

    async def check(self, url: str) -> LinkResult[str]:
        """Check one URL (no offline detection); the key of the result is the URL."""
        async with self._session():
            outcome = await self._check_or_skip(url, parse_url(url), _Run())
            return _result(url, url, outcome)

    async def run(
        self,
        jobs: Iterable[tuple[K, str]],
        on_result: Callable[[LinkResult[K]], object] | None = None,
    ) -> list[LinkResult[K]]:
        """Check every job, calling on_result as each finishes; return all results."""
        collected: list[LinkResult[K]] = []
        async with contextlib.aclosing(self.results(jobs)) as stream:
            async for result in stream:
                collected.append(result)
                if on_result is not None:
                    on_result(result)
        return collected

    async def results(self, jobs: Iterable[tuple[K, str]]) -> AsyncGenerator[LinkResult[K], None]:
        """Yield one result per (key, url) job as soon as it is final; may raise NetworkUnreachable.

        The same URL under several keys is checked once. Closing the iterator early
        (``contextlib.aclosing``, break, cancellation, Ctrl-C) cancels the work in flight;
        everything already yielded stays valid.
        """
        async with self._session():
            keys_by_url: dict[str, list[K]] = {}
            for key, url in jobs:
                keys_by_url.setdefault(url, []).append(key)
            run = _Run()
            queues: dict[str, deque[tuple[str, httpx.URL]]] = {}
            job_origins: set[Origin] = set()
            invalid: list[str] = []
            for url in keys_by_url:
                parsed = parse_url(url)
                if parsed is None:
                    invalid.append(url)
                    continue
                queues.setdefault(parsed.host, deque()).append((url, parsed))
                job_origins.add(origin_of(parsed))

            out: asyncio.Queue[tuple[str, _Outcome] | BaseException] = asyncio.Queue()
            tasks: list[asyncio.Task[None]] = []
            per_host = self.options.per_host
            for round_ in range(per_host):
                for queue in queues.values():
                    if round_ < len(queue):
                        tasks.append(asyncio.create_task(self._worker(queue, run, out)))
            held: list[LinkResult[K]] = []
            try:
                for url in invalid:
                    outcome = await self._check_or_skip(url, None, run)
                    for result in _results(url, keys_by_url[url], outcome):
                        yield result
                remaining = len(keys_by_url) - len(invalid)
                while remaining:
                    item = await out.get()
                    if isinstance(item, BaseException):
                        raise item
                    url, outcome = item
                    remaining -= 1
                    results = _results(url, keys_by_url[url], outcome)
                    failure = outcome.decision.failure
                    if not run.any_up and failure is not None and failure.network_level:
                        held.extend(results)
                        self._raise_if_unreachable(run, len(job_origins), held)
                        continue
                    if held:
                        # Some server has answered: the held failures are real.
                        for result in held:
                            yield result
                        held.clear()
                    for result in results:
                        yield result
                if held:
                    self._raise_if_unreachable(run, len(job_origins), held)
                    for result in held:
                        yield result
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    def _raise_if_unreachable(self, run: _Run, total: int, held: Sequence[LinkResult[Any]]) -> None:
        if run.any_up:
            return
        down = [key for key, state in run.origins.items() if state.down]
        opts = self.options
        if len(down) < opts.unreachable_min_hosts or len(down) < opts.unreachable_ratio * total:
            return
        example = held[0]
        raise NetworkUnreachable(
            f"network unreachable: {len(down)} of {total} hosts could not be resolved or "
            f"connected to and none answered (e.g. {example.url}: {example.reason}); "
            "no link was marked dead"
        )

    async def _worker(
        self,
        queue: deque[tuple[str, httpx.URL]],
        run: _Run,
        out: asyncio.Queue[tuple[str, _Outcome] | BaseException],
    ) -> None:
        try:
            while queue:
                url, parsed = queue.popleft()
                out.put_nowait((url, await self._check_or_skip(url, parsed, run)))
        except Exception as exc:  # a bug: hand it to the consumer rather than hang it
            out.put_nowait(exc)

    async def _check_or_skip(self, url: str, parsed: httpx.URL | None, run: _Run) -> _Outcome:
        if parsed is None:
            decision = Decision(Verdict.ERROR, "invalid URL", failure=Failure.INVALID_URL)
            return _Outcome(decision, 0, 0, datetime.now(UTC))
        tripped = run.origin(origin_of(parsed)).tripped
        if tripped is not None:
            # The host failed the same way several times in a row: asking again would
            # only cost time (a blackholed host times out for every one of its URLs).
            decision = replace(
                tripped,
                reason=f"{tripped.reason} (not requested: same failure repeated on this host)",
                http_status=None,
                final_url=None,
            )
            return _Outcome(decision, 0, 0, datetime.now(UTC))
        return await self._check_url(parsed, run)

    def _gate(self, host: str) -> _Gate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _Gate(self.options.per_host, self.options.min_interval)
        return gate

    async def _check_url(self, url: httpx.URL, run: _Run) -> _Outcome:
        client, global_slots = self._client, self._global
        assert client is not None and global_slots is not None, "used outside its session"
        opts = self.options
        loop = asyncio.get_running_loop()
        started = loop.time()
        attempts = 0
        retries_left = opts.retries
        chain: list[Hop] = []
        current = url
        use_get = not opts.head_first
        head_status: int | None = None  # what HEAD answered before a confirming GET
        jar: httpx.Cookies | None = None  # cookies set during this URL's redirect chain

        def done(decision: Decision, origin: _OriginState) -> _Outcome:
            self._note_final(origin, decision)
            elapsed = round((loop.time() - started) * 1000)
            return _Outcome(decision, attempts, elapsed, datetime.now(UTC))

        while True:
            host = current.host
            gate = self._gate(host)
            origin = run.origin(origin_of(current))
            needs_body = self.rules.has_rules(host)
            method = "GET" if use_get or needs_body or gate.head_unreliable else "HEAD"
            failure: Decision | None = None
            status = 0
            location: str | None = None
            retry_after: str | None = None
            text: str | None = None
            await gate.acquire()
            try:
                async with global_slots:
                    attempts += 1
                    deadline = loop.time() + opts.timeout
                    try:
                        request = self._request(method, current, jar)
                        response = await client.send(request, stream=True)
                    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
                        failure = classify_exception(exc, timeout=opts.timeout)
                    else:
                        complete = False
                        try:
                            status = response.status_code
                            # Headers are looked up only where they matter (a lookup
                            # costs more than one would think, and most answers are 200).
                            if status in REDIRECTS:
                                location = response.headers.get("location")
                                if "set-cookie" in response.headers:
                                    # Kept for the rest of this URL's chain (see _Client).
                                    if jar is None:
                                        jar = httpx.Cookies()
                                    jar.extract_cookies(response)
                            elif is_retryable_status(status):
                                retry_after = response.headers.get("retry-after")
                            # Our own transport says when the body came with the head:
                            # its connection is back in the pool and nothing is left to do.
                            complete = response.extensions.get(BODY_COMPLETE, False)
                            if needs_body and method == "GET" and 200 <= status < 300:
                                text = await self._read_text(response, deadline)
                            elif not complete:
                                # Reading a small body to its end is what returns the
                                # connection to the pool; closing it unread discards it.
                                await _drain_small(response, deadline, method == "HEAD")
                        finally:
                            if not complete:
                                # Failing to close tells nothing about the link.
                                with contextlib.suppress(httpx.HTTPError, OSError):
                                    await response.aclose()
                            # httpx links a response and its stream both ways; unlinking
                            # lets reference counting free them at once, where the cycle
                            # collector would cost ~10 % of a run's CPU.
                            response.stream = _NO_BODY
            finally:
                gate.release()

            if failure is not None:
                if failure.failure in RETRYABLE_FAILURES and retries_left > 0:
                    delay = self._backoff(opts.retries - retries_left)
                    if delay:
                        await asyncio.sleep(delay)
                    retries_left -= 1
                    continue
                if chain:  # a redirect led here: say where the chain broke
                    failure = replace(failure, final_url=str(current))
                return done(failure, origin)

            self._note_answer(run, origin, status)
            if is_redirect(status, location):
                assert location is not None
                try:
                    target = current.join(location)
                except (httpx.InvalidURL, ValueError):
                    target = None
                chain.append(Hop(str(current), status, str(target) if target else location))
                problem = redirect_problem(chain, opts.max_redirects)
                if problem is not None:
                    return done(classify(chain, max_redirects=opts.max_redirects), origin)
                if target is None or parse_url(str(target)) is None:
                    decision = Decision(
                        Verdict.ERROR,
                        f"{status_text(status)} to an unusable URL: {location[:200]}",
                        status,
                        str(current),
                    )
                    return done(decision, origin)
                current = target
                continue

            if is_retryable_status(status):
                if retries_left > 0 and await self._wait_for_retry(
                    gate, status, retry_after, opts.retries - retries_left
                ):
                    retries_left -= 1
                    if method == "HEAD":
                        use_get = True  # the retry doubles as the GET confirmation
                    continue
            elif method == "HEAD" and not 200 <= status < 300:
                # HEAD is trusted only when it says "alive": many servers answer HEAD with
                # 400/403/404/405/501 while GET works. The confirming GET is not a retry.
                head_status = status
                use_get = True
                continue
            if head_status is not None and status != head_status:
                gate.head_unreliable = True  # save the HEAD round trip for this host's other URLs
            chain.append(Hop(str(current), status))
            # Rules only ever match on a host that has some (and then text was read).
            rules = self.rules if needs_body else None
            decision = classify(chain, text, rules, max_redirects=opts.max_redirects)
            return done(decision, origin)

    def _request(self, method: str, url: httpx.URL, jar: httpx.Cookies | None) -> httpx.Request:
        """What client.build_request(method, url) makes for a bodiless request, made cheaply."""
        # build_request merges the client's settings, then Request() works out the body
        # and the Host header: ~10 us, a tenth of a request's CPU here. Without a body
        # that always ends in the client's headers behind a Host line, so those are
        # made once per host and the (empty) body is handed over as it is.
        netloc = url.netloc
        headers = self._host_headers.get(netloc)
        if headers is None:
            headers = httpx.Headers([(b"Host", netloc), *self._headers.raw])
            self._host_headers[netloc] = headers
        return httpx.Request(
            method,
            url,
            headers=headers,
            cookies=jar,
            stream=_NO_BODY,
            extensions=self._extensions,
        )

    def _note_answer(self, run: _Run, origin: _OriginState, status: int) -> None:
        run.any_up = True
        origin.up = True
        if status != 429:
            origin.streak = 0
            origin.streak_key = None

    def _note_final(self, origin: _OriginState, decision: Decision) -> None:
        failure = decision.failure
        network = failure is not None and failure.network_level
        if network:
            origin.down = True
        if not (network or decision.http_status == 429):
            return
        key = (decision.verdict, failure, decision.reason)
        if origin.streak_key == key:
            origin.streak += 1
        else:
            origin.streak_key, origin.streak = key, 1
        if self.options.host_give_up and origin.streak >= self.options.host_give_up:
            origin.tripped = decision

    async def _wait_for_retry(
        self, gate: _Gate, status: int, retry_after: str | None, step: int
    ) -> bool:
        """Arrange the wait before a retry; False when the server asks for too long a wait."""
        cap = self.options.retry_after_cap
        delay = parse_retry_after(retry_after)
        if delay is not None:
            # The server spoke for the whole host: pause its queue, not just this URL.
            gate.pause(min(delay, cap))
            return delay <= cap
        if status == 429:
            # Rate limited without a hint: the whole host slows down, from the first retry.
            gate.pause(self._backoff(step, rate_limited=True))
        elif delay := self._backoff(step):
            await asyncio.sleep(delay)
        return True

    def _backoff(self, step: int, *, rate_limited: bool = False) -> float:
        opts = self.options
        return retry_delay(step, opts.backoff, opts.backoff_max, rate_limited=rate_limited)

    async def _read_text(self, response: httpx.Response, deadline: float) -> str:
        cap = self.options.body_cap
        body = bytearray()
        if cap:
            try:
                async with asyncio.timeout_at(deadline):
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) >= cap:
                            break  # never read a whole large (or endless) body
            except (TimeoutError, httpx.HTTPError, httpx.StreamError):
                pass  # judge the page on what arrived: soft-404 texts come early
        return decode_body(bytes(body[:cap]), response.charset_encoding)


async def _drain_small(response: httpx.Response, deadline: float, head: bool) -> None:
    try:
        if head:  # no body by definition: nothing to wait for
            await _discard_body(response)
            return
        length = response.headers.get("content-length")
        if length is None:
            # Chunked (most dynamic pages): worth a try. Without either header the body
            # ends when the server closes the connection, so there is nothing to save.
            if "chunked" not in response.headers.get("transfer-encoding", "").lower():
                return
        elif not length.isdigit() or int(length) > _DRAIN_LIMIT:
            return
        loop = asyncio.get_running_loop()
        async with asyncio.timeout_at(min(deadline, loop.time() + _DRAIN_TIME)):
            await _discard_body(response, _DRAIN_LIMIT)
    except (TimeoutError, httpx.HTTPError, httpx.StreamError):
        pass  # the connection is closed instead; the answer is what counts


async def _discard_body(response: httpx.Response, limit: int | None = None) -> None:
    """Read a body nobody needs to its end (or past limit bytes, then give up)."""
    # Straight from the transport's stream: the bytes are thrown away, so httpx's
    # decoding layers (three nested async generators per response) would be wasted.
    stream = response.stream
    if isinstance(stream, httpx.AsyncByteStream):
        read = 0
        async for chunk in stream:
            read += len(chunk)
            if limit is not None and read > limit:
                return  # too big after all: closing the connection is cheaper


def _result(key: K, url: str, outcome: _Outcome) -> LinkResult[K]:
    d = outcome.decision
    return LinkResult(
        key=key,
        url=url,
        verdict=d.verdict,
        reason=d.reason,
        http_status=d.http_status,
        final_url=d.final_url,
        moved_to=d.moved_to,
        elapsed_ms=outcome.elapsed_ms,
        checked_at=outcome.checked_at,
        attempts=outcome.attempts,
        failure=d.failure,
    )


def _results(url: str, keys: Sequence[K], outcome: _Outcome) -> list[LinkResult[K]]:
    return [_result(key, url, outcome) for key in keys]


async def check_links_async(
    jobs: Iterable[tuple[K, str]],
    *,
    options: CheckOptions | None = None,
    rules: RulesArg = None,
    on_result: Callable[[LinkResult[K]], object] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[LinkResult[K]]:
    """Check every job with a fresh LinkChecker; on_result sees each result as it comes."""
    async with LinkChecker(options, rules, transport=transport) as checker:
        return await checker.run(jobs, on_result)


def check_links(
    jobs: Iterable[tuple[K, str]],
    *,
    options: CheckOptions | None = None,
    rules: RulesArg = None,
    on_result: Callable[[LinkResult[K]], object] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[LinkResult[K]]:
    """Blocking form of check_links_async for synchronous callers such as the CLI."""
    return asyncio.run(
        check_links_async(
            jobs, options=options, rules=rules, on_result=on_result, transport=transport
        )
    )
