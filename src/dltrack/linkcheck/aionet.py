"""A minimal HTTP/1.1 client on plain asyncio: the direct (unproxied) path under the client.

Why our own. The engine talks to one httpx.AsyncClient; below it, httpx's transport goes
through httpcore and h11, which cost about 0.5 ms of CPU per request here (a pool that
re-examines every connection on each assignment, an h11 state machine that validates each
event, anyio-style locks and traces). On a 10,000-URL run that made the check CPU-bound
at ~900 requests/s. A link checker needs a small part of HTTP/1.1: GET or HEAD with a few
headers, one request at a time per connection, keep-alive, and the three body framings
(Content-Length, chunked, until close). That fits in this module, which plugs in under
httpx as an ``httpx.AsyncBaseTransport`` per origin (see transport.OriginPools).

Bodies are read lazily through an ``httpx.AsyncByteStream``, so the engine's capped,
streaming read still works and an endless body is cut where the reader stops. Whatever
part of a body has already arrived with the headers is taken at once; a body that is
complete on arrival (the usual case for HEAD, redirects and small pages) hands its
connection back to the pool before the response even reaches the caller. A connection
whose response was not read to the end, errored or timed out is closed, never reused.

Not supported, on purpose: HTTP/2, proxies (OriginPools sends those through httpx's own
transport), pipelining, upgrades, Expect: 100-continue.

Failures are raised as the httpx exceptions httpx's own transport raises for the same
event, with the OS or TLS error as ``__cause__``, so classify_exception reads them the
same way: ConnectError (from socket.gaierror, ConnectionRefusedError, an ExceptionGroup
of several refused addresses, ssl.SSLError) or ConnectTimeout; ReadTimeout, ReadError
(a reset), RemoteProtocolError (a disconnect or a malformed answer); PoolTimeout.
"""

from __future__ import annotations

import asyncio
import math
import re
import socket
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import httpx

# A response head larger than this is refused (h11's limit is 16 KiB; some real sites
# send 20-40 KiB of Set-Cookie and CSP headers, which browsers accept).
_MAX_HEAD = 64 * 1024
# Stop reading from the socket when this much is buffered and not consumed, so a body
# nobody reads (or an endless one) cannot fill memory.
_HIGH_WATER = 64 * 1024
# RFC 8305: start the next address if the previous has not connected within 250 ms.
_HAPPY_EYEBALLS_DELAY = 0.25
# How long a host's looked-up addresses are reused for new connections.
_DNS_TTL = 60.0
# The blank line that ends a head; bare LF line ends are tolerated, as browsers do.
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CHUNK_SIZE = re.compile(rb"[ \t]*([0-9A-Fa-f]+)[ \t]*(?:;[^\r\n]*)?\r?\n")
_CRLF = re.compile(rb"\r?\n")

# A response extension: True when the whole body had arrived with the head, so the
# connection is back in the pool already and closing the response is all that is left.
BODY_COMPLETE = "dltrack.body_complete"

# Body framings (RFC 9112 section 6.3).
_LENGTH, _CHUNKED, _UNTIL_CLOSE = 0, 1, 2
# Chunked decoding states.
_SIZE, _DATA, _DATA_END, _TRAILER = 0, 1, 2, 3


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection: a receive buffer the request/response code reads from."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.idle_since = 0.0  # time.monotonic() when it went back to the pool
        self.busy = False  # lent out by the pool
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False
        self._deadline = math.inf  # loop time the current wait() must end by
        self._timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol callbacks ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > _HIGH_WATER and not self._paused and self.transport is not None:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- used by the pool and the body --------------------------------------------------------

    async def wait(self, timeout: float | None) -> None:
        """Until more data or EOF arrives; TimeoutError after timeout seconds."""
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        if timeout is not None:
            # One lazy timer per connection instead of one per wait (scheduling and
            # cancelling a timer for every request was ~5 % of the CPU): the timer is
            # left running between waits, and when it fires early for the current wait
            # it re-arms itself for the current deadline.
            self._deadline = deadline = loop.time() + timeout
            timer = self._timer
            if timer is None or timer.when() > deadline:
                if timer is not None:
                    timer.cancel()
                self._timer = loop.call_at(deadline, self._check_deadline, loop)
        try:
            await waiter
        finally:
            self._waiter = None
            self._deadline = math.inf

    def _check_deadline(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        waiter = self._waiter
        if waiter is None or waiter.done() or self._deadline == math.inf:
            return  # not waiting now: the next wait() arms a new timer
        if loop.time() >= self._deadline:
            waiter.set_exception(TimeoutError())
        else:
            self._timer = loop.call_at(self._deadline, self._check_deadline, loop)

    def take(self, size: int) -> bytes:
        """Remove and return up to size buffered bytes."""
        buffer = self.buffer
        if size >= len(buffer):
            data = bytes(buffer)
            buffer.clear()
        else:
            data = bytes(buffer[:size])
            del buffer[:size]
        if self._paused and len(buffer) <= _HIGH_WATER // 2 and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        return data

    def usable(self) -> bool:
        """Idle and still open: no EOF and no unexpected bytes from the server."""
        transport = self.transport
        return not (self.eof or self.buffer or transport is None or transport.is_closing())

    def write(self, data: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing() or self.eof:
            cause = self.error or ConnectionResetError("connection closed")
            raise httpx.WriteError(str(cause) or "connection closed") from cause
        # Requests are a few hundred bytes on an idle connection: the kernel takes them
        # at once, so there is no write buffer to wait for.
        transport.write(data)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.transport is not None:
            self.transport.close()


# -- connecting ---------------------------------------------------------------------------


Address = tuple[int, tuple[Any, ...]]  # (family, socket address)


def _literal_address(host: str, port: int) -> list[Address] | None:
    """The address of a host written as an IP address, or None for a name."""
    # asyncio's getaddrinfo runs in a thread pool even for "127.0.0.1": ~100 us a call.
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except OSError:
            continue
        return [(family, (host, port) if family == socket.AF_INET else (host, port, 0, 0))]
    return None


async def _resolve(host: str, port: int) -> list[Address]:
    """host's addresses in RFC 8305 order: alternate families, starting with the first."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    by_family: dict[int, list[Address]] = {}
    for family, _type, _proto, _name, address in infos:
        by_family.setdefault(family, []).append((family, address))
    queues = list(by_family.values())
    ordered: list[Address] = []
    while any(queues):
        for queue in queues:
            if queue:
                ordered.append(queue.pop(0))
    return ordered


async def _open_tcp(addresses: list[Address]) -> _Connection:
    """A TCP connection to the first of addresses that answers, happy-eyeballs style."""
    loop = asyncio.get_running_loop()
    if len(addresses) == 1:  # nothing to race
        family, address = addresses[0]
        _transport, conn = await loop.create_connection(
            _Connection, address[0], address[1], family=family
        )
        return conn

    async def attempt(family: int, address: tuple[Any, ...]) -> _Connection:
        _transport, conn = await loop.create_connection(
            _Connection, address[0], address[1], family=family
        )
        return conn

    # Happy eyeballs: a dead first address (often IPv6) must not cost the whole timeout.
    errors: list[Exception] = []
    pending: set[asyncio.Task[_Connection]] = set()
    winner: _Connection | None = None
    remaining = iter(addresses)
    try:
        while winner is None:
            nxt = next(remaining, None)
            if nxt is not None:
                pending.add(asyncio.create_task(attempt(*nxt)))
            if not pending:
                break
            done, _ = await asyncio.wait(
                pending,
                timeout=_HAPPY_EYEBALLS_DELAY if nxt is not None else None,
                return_when=asyncio.FIRST_COMPLETED,
            )
            for task in done:
                pending.discard(task)
                error = task.exception()
                if error is None:
                    if winner is None:
                        winner = task.result()
                    else:
                        task.result().close()
                elif isinstance(error, Exception):
                    errors.append(error)
                else:
                    raise error
    finally:
        if pending:
            for task in pending:
                task.cancel()
            # Not suppressing: if *we* are cancelled meanwhile, that must propagate.
            for result in await asyncio.gather(*pending, return_exceptions=True):
                if isinstance(result, _Connection):
                    result.close()
    if winner is not None:
        return winner
    if not errors:
        raise OSError("the host has no address")
    if len(errors) == 1:
        raise errors[0]
    raise OSError("all connection attempts failed") from ExceptionGroup(
        "connection attempts", errors
    )


async def _start_tls(conn: _Connection, context: ssl.SSLContext, server_hostname: str) -> None:
    loop = asyncio.get_running_loop()
    assert conn.transport is not None
    try:
        tls = await loop.start_tls(conn.transport, conn, context, server_hostname=server_hostname)
    except BaseException:
        conn.close()
        raise
    if tls is None:  # the connection went away during the handshake
        raise ConnectionResetError("connection closed during the TLS handshake")
    conn.transport = tls


# -- the response ---------------------------------------------------------------------------


class _Body(httpx.AsyncByteStream):
    """A response body read from its connection as the caller iterates.

    When the body is complete the connection goes back to the pool; when the caller
    closes it earlier (or reading fails) the connection is closed instead.
    """

    def __init__(
        self,
        pool: OriginPool,
        conn: _Connection,
        framing: int,
        length: int,
        keep_alive: bool,
        timeout: float | None,
    ) -> None:
        self._pool = pool
        self._conn: _Connection | None = conn
        self._framing = framing
        self._remaining = length  # _LENGTH: bytes left; _CHUNKED: bytes left in this chunk
        self._state = _SIZE
        self._keep_alive = keep_alive and framing != _UNTIL_CLOSE
        self._timeout = timeout
        self._ready: list[bytes] = []
        self._failed: httpx.HTTPError | None = None
        self.done = False
        try:
            self._pump()  # take what arrived with the head: often the whole body
        except httpx.HTTPError as exc:
            # As with httpx's own transport, a broken body fails its reader, not the request.
            self._failed = exc

    def _finish(self) -> None:
        self.done = True
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool.release(conn, reusable=self._keep_alive)

    def _pump(self) -> None:
        """Move buffered body bytes to self._ready; mark done at the end of the body."""
        conn = self._conn
        assert conn is not None
        if self._framing == _LENGTH:
            if self._remaining and conn.buffer:
                data = conn.take(self._remaining)
                self._remaining -= len(data)
                self._ready.append(data)
            if not self._remaining:
                self._finish()
            elif conn.eof and not conn.buffer:
                raise self._truncated(conn)
        elif self._framing == _UNTIL_CLOSE:
            if conn.buffer:
                self._ready.append(conn.take(len(conn.buffer)))
            if conn.eof:
                self._finish()
        else:
            self._pump_chunked(conn)

    def _pump_chunked(self, conn: _Connection) -> None:
        buffer = conn.buffer
        while buffer:
            if self._state == _DATA:
                data = conn.take(self._remaining)
                self._remaining -= len(data)
                self._ready.append(data)
                if not self._remaining:
                    self._state = _DATA_END
                continue
            line = _CRLF.search(buffer)
            if line is None:
                if len(buffer) > _MAX_HEAD:
                    raise httpx.RemoteProtocolError("chunked body: line too long")
                break
            if self._state == _SIZE:
                size = _CHUNK_SIZE.match(buffer)
                if size is None:
                    raise httpx.RemoteProtocolError("chunked body: malformed chunk size")
                self._remaining = int(size.group(1), 16)
                conn.take(size.end())
                self._state = _DATA if self._remaining else _TRAILER
            elif self._state == _DATA_END:
                if line.start() != 0:
                    raise httpx.RemoteProtocolError("chunked body: missing CRLF after a chunk")
                conn.take(line.end())
                self._state = _SIZE
            else:  # _TRAILER: header lines, then a blank line ends the body
                conn.take(line.end())
                if line.start() == 0:
                    self._finish()
                    return
        if conn.eof and not conn.buffer:
            raise self._truncated(conn)

    @staticmethod
    def _truncated(conn: _Connection) -> httpx.HTTPError:
        if isinstance(conn.error, OSError):
            return httpx.ReadError(str(conn.error) or "connection reset")
        return httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body"
        )

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            while True:
                if self._ready:
                    chunk = b"".join(self._ready)
                    self._ready.clear()
                    yield chunk
                if self.done:
                    return
                if self._failed is not None:
                    raise self._failed
                conn = self._conn
                assert conn is not None
                try:
                    await conn.wait(self._timeout)
                except TimeoutError as exc:
                    raise httpx.ReadTimeout("timed out reading the response body") from exc
                self._pump()
        except BaseException:
            self._discard()
            raise

    def _discard(self) -> None:
        self._ready.clear()
        conn, self._conn = self._conn, None
        if conn is not None:
            self.done = True
            self._pool.release(conn, reusable=False)  # half-read: its state is unknown

    async def aclose(self) -> None:
        self._discard()


def _parse_head(head: bytes) -> tuple[bytes, int, bytes, list[tuple[bytes, bytes]]]:
    """(version, status, reason, headers) of a response head without its blank line."""
    lines = head.lstrip(b"\r\n").splitlines()  # stray line ends before it are tolerated
    parts = lines[0].split(None, 2)
    if (
        len(parts) < 2
        or not parts[0].startswith(b"HTTP/1.")
        or len(parts[1]) != 3
        or not parts[1].isdigit()
    ):
        raise httpx.RemoteProtocolError(f"malformed status line: {lines[0][:100]!r}")
    headers: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t"):  # obsolete line folding: continues the previous value
            if headers:
                name, value = headers[-1]
                headers[-1] = (name, value + b" " + line.strip())
            continue
        name, colon, value = line.partition(b":")
        name = name.strip()
        if colon and name:  # a line that is not a header is ignored, as browsers do
            headers.append((name, value.strip()))
    return parts[0], int(parts[1]), parts[2] if len(parts) > 2 else b"", headers


def _framing(
    method: str, status: int, version: bytes, headers: list[tuple[bytes, bytes]]
) -> tuple[int, int, bool]:
    """(framing, Content-Length, keep-alive) of a response, per RFC 9112 section 6.3."""
    length: int | None = None
    chunked = until_close = False
    keep_alive = version == b"HTTP/1.1"
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"content-length":
            # Repeated values ("12, 12" or two headers) must agree; anything else is bogus.
            for item in value.split(b","):
                item = item.strip()
                if not item.isdigit() or (length is not None and int(item) != length):
                    raise httpx.RemoteProtocolError(f"bad Content-Length: {value[:50]!r}")
                length = int(item)
        elif lowered == b"transfer-encoding":
            codings = [c.strip().lower() for c in value.split(b",")]
            chunked = codings[-1] == b"chunked"
            until_close = not chunked
        elif lowered == b"connection":
            tokens = {t.strip().lower() for t in value.split(b",")}
            if b"close" in tokens:
                keep_alive = False
            elif b"keep-alive" in tokens:
                keep_alive = True
    if method == "HEAD" or status in (204, 304) or status < 200:
        return _LENGTH, 0, keep_alive
    if chunked:
        return _CHUNKED, 0, keep_alive
    if until_close or length is None:
        return _UNTIL_CLOSE, 0, False
    return _LENGTH, length, keep_alive


def _request_head(request: httpx.Request) -> bytes:
    """The request line and headers, as sent."""
    target = request.url.raw_path
    parts = [request.method.encode("ascii"), b" ", target, b" HTTP/1.1\r\n"]
    for name, value in request.headers.raw:
        parts += (name, b": ", value, b"\r\n")
    parts.append(b"\r\n")
    head = b"".join(parts)
    # httpx does not reject CR or LF in header values; one there would split the request.
    lines = len(parts) // 4 + 1  # the request line, one per header, the blank line
    if head.count(b"\n") != lines or head.count(b"\r") != lines:
        raise httpx.LocalProtocolError("CR or LF inside a header or the request target")
    return head


async def _request_body(request: httpx.Request) -> bytes:
    """The request body as bytes on the wire (chunk-framed when httpx chose chunked)."""
    content = getattr(request, "_content", None)
    if content is None:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        content = b"".join([chunk async for chunk in request.stream])
    if request.headers.get("transfer-encoding", "").lower() == "chunked":
        framed = f"{len(content):x}\r\n".encode() + content + b"\r\n" if content else b""
        return framed + b"0\r\n\r\n"
    return bytes(content)


# -- the pool -----------------------------------------------------------------------------


class OriginPool(httpx.AsyncBaseTransport):
    """Keep-alive HTTP/1.1 connections to one origin (scheme, host, port), at most `limit`."""

    def __init__(
        self,
        scheme: str,
        host: str,
        port: int,
        *,
        ssl_context: ssl.SSLContext | None,
        limit: int,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self._scheme = scheme
        self._host = host  # as sent to DNS and as the TLS server name (IDNA-encoded)
        self._port = port
        self._ssl = ssl_context if scheme == "https" else None
        self._limit = max(1, limit)
        self._expiry = keepalive_expiry
        self._idle: list[_Connection] = []  # most recently used last
        self._open = 0  # connections open or being opened, idle ones included
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False
        # The host's addresses, looked up once for all the pool's connections.
        self._literal = _literal_address(host, port)
        self._resolved: list[Address] | None = None
        self._resolved_at = 0.0
        self._lookup: asyncio.Future[list[Address]] | None = None

    @property
    def in_use(self) -> int:
        """Connections busy with a request (or being opened), plus requests waiting for one."""
        return self._open - len(self._idle) + len(self._waiters)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send request on a pooled (or new) connection; the body is read lazily."""
        timeouts: dict[str, float | None] = request.extensions.get("timeout") or {}
        head = _request_head(request)
        body = b"" if request.method in ("GET", "HEAD") else await _request_body(request)
        conn = await self._acquire(timeouts.get("pool"), timeouts.get("connect"))
        try:
            conn.write(head + body if body else head)
            return await self._response(conn, request.method, timeouts.get("read"))
        except BaseException:
            self.release(conn, reusable=False)
            raise

    async def _response(
        self, conn: _Connection, method: str, timeout: float | None
    ) -> httpx.Response:
        searched = 0  # the buffer holds no head end before this offset (bar 3 bytes)
        while True:
            end = _HEAD_END.search(conn.buffer, max(0, searched - 3))
            if end is None:
                searched = len(conn.buffer)
                if searched > _MAX_HEAD:
                    raise httpx.RemoteProtocolError("response head too large")
                if conn.eof:
                    raise _no_answer(conn)
                try:
                    await conn.wait(timeout)
                except TimeoutError as exc:
                    raise httpx.ReadTimeout("timed out waiting for the response") from exc
                continue
            searched = 0
            if end.start() == 0:  # blank lines before a status line (RFC 9112 section 2.2)
                conn.take(end.end())
                continue
            head = conn.take(end.end())[: end.start()]
            version, status, reason, headers = _parse_head(head)
            if 100 <= status < 200 and status != 101:
                continue  # informational (100 Continue, 103 Early Hints): the answer follows
            framing, length, keep_alive = _framing(method, status, version, headers)
            stream = _Body(self, conn, framing, length, keep_alive and status != 101, timeout)
            return httpx.Response(
                status,
                headers=headers,
                stream=stream,
                extensions={
                    "http_version": version,
                    "reason_phrase": reason,
                    BODY_COMPLETE: stream.done,
                },
            )

    async def _acquire(
        self, pool_timeout: float | None, connect_timeout: float | None
    ) -> _Connection:
        loop = asyncio.get_running_loop()
        while True:
            if self._closed:
                raise httpx.ConnectError("the connection pool is closed")
            now = time.monotonic()
            idle = self._idle
            while idle:
                conn = idle.pop()
                if conn.usable() and now - conn.idle_since < self._expiry:
                    conn.busy = True
                    return conn
                conn.close()
                self._open -= 1
            if self._open < self._limit:
                self._open += 1
                try:
                    conn = await self._connect(connect_timeout)
                except BaseException:
                    self._open -= 1
                    self._wake_one()
                    raise
                conn.busy = True
                return conn
            waiter = loop.create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout(pool_timeout):
                    await waiter
            except BaseException as exc:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
                elif waiter.done() and not waiter.cancelled():
                    self._wake_one()  # we were woken but will not take the turn: pass it on
                if isinstance(exc, TimeoutError):
                    raise httpx.PoolTimeout("timed out waiting for a connection") from exc
                raise

    async def _connect(self, timeout: float | None) -> _Connection:
        try:
            async with asyncio.timeout(timeout):
                conn = await _open_tcp(await self._addresses())
                if self._ssl is not None:
                    await _start_tls(conn, self._ssl, self._host)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "timed out connecting") from exc
        except OSError as exc:  # socket.gaierror, ConnectionRefusedError, ssl.SSLError, ...
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        if self._closed:
            conn.close()
            raise httpx.ConnectError("the connection pool is closed")
        return conn

    async def _addresses(self) -> list[Address]:
        if self._literal is not None:
            return self._literal
        if self._resolved is not None and time.monotonic() - self._resolved_at < _DNS_TTL:
            return self._resolved
        lookup = self._lookup
        if lookup is None:
            # One lookup shared by the connections opened meanwhile: ten connections to a
            # host whose resolver hangs wait for one timeout, not ten in a row.
            lookup = self._lookup = asyncio.ensure_future(_resolve(self._host, self._port))
            lookup.add_done_callback(self._looked_up)
        # Shielded: one waiter giving up (a timeout) must not cancel the others' lookup.
        return await asyncio.shield(lookup)

    def _looked_up(self, lookup: asyncio.Future[list[Address]]) -> None:
        self._lookup = None
        # A failure is not kept (exception() also marks it as seen): the next
        # connection asks again.
        if not lookup.cancelled() and lookup.exception() is None:
            self._resolved = lookup.result()
            self._resolved_at = time.monotonic()

    def release(self, conn: _Connection, *, reusable: bool) -> None:
        """Take a connection back: idle for the next request, or closed."""
        if not conn.busy:  # already back (a response closed twice, an error path)
            return
        conn.busy = False
        if reusable and not self._closed and conn.usable():
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
        else:
            conn.close()
            self._open -= 1
        self._wake_one()

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def aclose(self) -> None:
        """Close the idle connections; busy ones close when their response is done."""
        self._closed = True
        idle, self._idle = self._idle, []
        self._open -= len(idle)
        for conn in idle:
            conn.close()
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)  # they see _closed and fail


def _no_answer(conn: _Connection) -> httpx.HTTPError:
    if conn.buffer:
        return httpx.RemoteProtocolError("server closed the connection in the middle of a head")
    if isinstance(conn.error, OSError):
        return httpx.ReadError(str(conn.error) or "connection reset")
    return httpx.RemoteProtocolError("Server disconnected without sending a response.")
