"""Keep-alive connections to one origin, and a request run over one of them.

A request waits at most its head deadline for the whole response head, however
slowly it comes and however many informational answers or blank lines come first.
Its body is read lazily as the caller iterates, each wait bounded by the read
timeout; a body that has arrived with the head (HEAD, redirects, small pages)
hands its connection back at once. A connection whose response was not read to
the end, failed or timed out is closed, never reused.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final, NoReturn

from dltrack.hosts import is_private
from dltrack.linkcheck.http11.connection import (
    Address,
    Connection,
    literal_address,
    open_tcp,
    resolve,
    start_tls,
)
from dltrack.linkcheck.http11.errors import (
    ConnectFailed,
    ConnectionLost,
    ConnectTimedOut,
    HttpError,
    InvalidHost,
    PoolClosed,
    PoolTimedOut,
    PrivateAddress,
    ReadTimedOut,
    WireError,
)
from dltrack.linkcheck.http11.wire import Head, ResponseParser, request_head

# How long a host's looked-up addresses are reused for new connections.
_DNS_TTL: Final = 60.0


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds allowed for each phase of a request (None: no limit)."""

    connect: float | None = None
    head: float | None = None  # from sending the request to the whole response head
    read: float | None = None  # each wait for more of the body
    pool: float | None = None  # for a connection of the pool to come free


class Body:
    """A response body read from its connection as the caller iterates.

    When the body is complete the connection goes back to the pool; when the caller
    closes it earlier (or reading fails) the connection is closed instead.
    """

    __slots__ = ("_conn", "_failed", "_parser", "_pool", "_ready", "_timeout", "done")

    def __init__(
        self, pool: OriginPool, conn: Connection, parser: ResponseParser, timeout: float | None
    ) -> None:
        self._pool = pool
        self._conn: Connection | None = conn
        self._parser = parser
        self._timeout = timeout
        self._ready: list[bytes] = []
        self._failed: HttpError | None = None
        self.done = False
        try:
            self._pump()  # take what arrived with the head: often the whole body
        except HttpError as exc:
            # A broken body fails its reader, not the request.
            self._failed = exc

    def _pump(self) -> None:
        conn = self._conn
        assert conn is not None
        try:
            data, complete = self._parser.body(conn.eof)
        except WireError as exc:
            _raise_lost(conn, exc)
        finally:
            conn.drained()
        if data:
            self._ready.append(data)
        if complete and self._parser.until_close and isinstance(conn.error, OSError):
            # A reset is not the end of a body that ends when the connection does.
            raise ConnectionLost(str(conn.error) or "connection reset") from conn.error
        if complete:
            self.done = True
            self._conn = None
            keep = self._parser.keep_alive and not self._parser.until_close
            self._pool.release(conn, reusable=keep)

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
                deadline = None
                if self._timeout is not None:
                    deadline = asyncio.get_running_loop().time() + self._timeout
                try:
                    await conn.wait(deadline)
                except TimeoutError as exc:
                    raise ReadTimedOut("timed out reading the response body") from exc
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
        """Stop reading: the connection is closed unless the body was complete."""
        self._discard()


@dataclass(slots=True)
class Response:
    """A response head, its (lazily read) body, and the address that answered."""

    head: Head
    body: Body
    peer: str | None


def _raise_lost(conn: Connection, exc: WireError) -> NoReturn:
    """A cut answer read as what it was: a reset when the OS said so, else the cut itself."""
    if isinstance(conn.error, OSError):
        raise ConnectionLost(str(conn.error) or "connection reset") from conn.error
    raise exc


class OriginPool:
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
        self._host = host  # as sent to DNS and as the TLS server name (IDNA-encoded)
        self._port = port
        self._ssl = ssl_context if scheme == "https" else None
        self._limit = max(1, limit)
        self._expiry = keepalive_expiry
        self._idle: list[Connection] = []  # most recently used last
        self._open = 0  # connections open or being opened, idle ones included
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False
        # The host's addresses, looked up once for all the pool's connections.
        self._literal = literal_address(host, port)
        self._resolved: list[Address] | None = None
        self._resolved_at = 0.0
        self._lookup: asyncio.Future[list[Address]] | None = None

    @property
    def in_use(self) -> int:
        """Connections busy with a request (or being opened), plus requests waiting for one."""
        return self._open - len(self._idle) + len(self._waiters)

    async def request(
        self,
        method: str,
        target: bytes,
        headers: list[tuple[bytes, bytes]],
        timeouts: Timeouts,
        *,
        public_only: bool = False,
    ) -> Response:
        """Send a bodiless request on a pooled (or new) connection; read its head.

        public_only: refuse (PrivateAddress) before connecting when the host has a
        private, loopback or link-local address.
        """
        head = request_head(method, target, headers)
        if public_only:
            await self._require_public(timeouts.connect)
        conn = await self._acquire(timeouts.pool, timeouts.connect)
        try:
            conn.write(head)
            return await self._response(conn, method, timeouts)
        except BaseException:
            self.release(conn, reusable=False)
            raise

    async def _response(self, conn: Connection, method: str, timeouts: Timeouts) -> Response:
        parser = ResponseParser(conn.buffer, method)
        loop = asyncio.get_running_loop()
        # One deadline for the whole head: a server that sends a byte a second, or
        # endless blank lines or 100 Continues, gets no more time than a silent one.
        deadline = None if timeouts.head is None else loop.time() + timeouts.head
        while True:
            try:
                head = parser.head(conn.eof)
            except WireError as exc:
                _raise_lost(conn, exc)
            finally:
                conn.drained()
            if head is not None:
                return Response(head, Body(self, conn, parser, timeouts.read), conn.peer)
            try:
                await conn.wait(deadline)
            except TimeoutError as exc:
                raise ReadTimedOut("timed out waiting for the response") from exc

    async def _acquire(
        self, pool_timeout: float | None, connect_timeout: float | None
    ) -> Connection:
        loop = asyncio.get_running_loop()
        while True:
            if self._closed:
                raise PoolClosed("the connection pool is closed")
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
                    raise PoolTimedOut("timed out waiting for a connection") from exc
                raise

    async def _connect(self, timeout: float | None) -> Connection:
        try:
            async with asyncio.timeout(timeout):
                conn = await open_tcp(await self._addresses())
                if self._ssl is not None:
                    await start_tls(conn, self._ssl, self._host)
        except TimeoutError as exc:
            raise ConnectTimedOut(str(exc) or "timed out connecting") from exc
        except OSError as exc:  # socket.gaierror, ConnectionRefusedError, ssl.SSLError, ...
            raise ConnectFailed(str(exc) or type(exc).__name__) from exc
        except UnicodeError as exc:  # the resolver's IDNA codec refused the name
            raise InvalidHost(f"not a host name DNS can look up: {self._host[:100]!r}") from exc
        if self._closed:
            conn.close()
            raise PoolClosed("the connection pool is closed")
        return conn

    async def _require_public(self, timeout: float | None) -> None:
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._addresses()
        except TimeoutError as exc:
            raise ConnectTimedOut("timed out looking the host up") from exc
        except OSError as exc:
            raise ConnectFailed(str(exc) or type(exc).__name__) from exc
        except UnicodeError as exc:
            raise InvalidHost(f"not a host name DNS can look up: {self._host[:100]!r}") from exc
        # One private address is enough to refuse: the connection could go there.
        for _family, address in addresses:
            if is_private(str(address[0])):
                raise PrivateAddress(str(address[0]))

    async def _addresses(self) -> list[Address]:
        if self._literal is not None:
            return self._literal
        if self._resolved is not None and time.monotonic() - self._resolved_at < _DNS_TTL:
            return self._resolved
        lookup = self._lookup
        if lookup is None:
            # One lookup shared by the connections opened meanwhile: ten connections to a
            # host whose resolver hangs wait for one timeout, not ten in a row.
            lookup = self._lookup = asyncio.ensure_future(resolve(self._host, self._port))
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

    def release(self, conn: Connection, *, reusable: bool) -> None:
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
