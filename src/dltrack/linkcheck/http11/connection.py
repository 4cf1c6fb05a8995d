"""Sockets for the HTTP/1.1 client: connecting (happy eyeballs, TLS) and a receive buffer.

A Connection is an asyncio protocol whose bytes pile up in ``buffer`` for the wire
parser to take; ``wait`` returns when more arrive, the peer closes, or a deadline
passes.
"""

from __future__ import annotations

import asyncio
import math
import socket
import ssl
from typing import Any, Final

from dltrack.linkcheck.http11.errors import ConnectionLost

# Stop reading from the socket when this much is buffered and not consumed, so a body
# nobody reads (or an endless one) cannot fill memory.
HIGH_WATER: Final = 64 * 1024
# RFC 8305: start the next address if the previous has not connected within 250 ms.
_HAPPY_EYEBALLS_DELAY: Final = 0.25


class Connection(asyncio.Protocol):
    """One TCP (or TLS) connection: a receive buffer the request/response code reads from."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.idle_since = 0.0  # time.monotonic() when it went back to the pool
        self.busy = False  # lent out by the pool
        self.peer: str | None = None  # the address connected to
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False
        self._deadline = math.inf  # loop time the current wait() must end by
        self._timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol callbacks ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if peer else None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > HIGH_WATER and not self._paused and self.transport is not None:
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

    async def wait(self, deadline: float | None) -> None:
        """Until more data or EOF arrives; TimeoutError at deadline (loop time)."""
        loop = asyncio.get_running_loop()
        if self._paused and self.transport is not None:
            # The reader wants more than is buffered (a long line, a head): it bounds
            # what it accepts itself, so reading resumes whatever the high-water mark.
            self._paused = False
            self.transport.resume_reading()
        waiter = self._waiter = loop.create_future()
        if deadline is not None:
            # One lazy timer per connection instead of one per wait (bench/README.md):
            # the timer is left running between waits, and when it fires early for the
            # current wait it re-arms itself for the current deadline.
            self._deadline = deadline
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

    def drained(self) -> None:
        """Say that the buffer's reader took bytes: reading resumes once it is low again."""
        if self._paused and len(self.buffer) <= HIGH_WATER // 2 and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()

    def usable(self) -> bool:
        """Idle and still open: no EOF and no unexpected bytes from the server."""
        transport = self.transport
        return not (self.eof or self.buffer or transport is None or transport.is_closing())

    def write(self, data: bytes) -> None:
        """Send bytes; a connection closed meanwhile is ConnectionLost."""
        transport = self.transport
        if transport is None or transport.is_closing() or self.eof:
            cause = self.error or ConnectionResetError("connection closed")
            raise ConnectionLost(str(cause) or "connection closed") from cause
        # Requests are a few hundred bytes on an idle connection: the kernel takes them
        # at once, so there is no write buffer to wait for.
        transport.write(data)

    def close(self) -> None:
        """Close the socket (and the deadline timer)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.transport is not None:
            self.transport.close()


# -- connecting ---------------------------------------------------------------------------


Address = tuple[int, tuple[Any, ...]]  # (family, socket address)


def literal_address(host: str, port: int) -> list[Address] | None:
    """The address of a host written as an IP address, or None for a name."""
    # asyncio's getaddrinfo runs in a thread pool even for "127.0.0.1".
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except OSError:
            continue
        return [(family, (host, port) if family == socket.AF_INET else (host, port, 0, 0))]
    return None


async def resolve(host: str, port: int) -> list[Address]:
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


async def open_tcp(addresses: list[Address]) -> Connection:
    """A TCP connection to the first of addresses that answers, happy-eyeballs style."""
    loop = asyncio.get_running_loop()
    if len(addresses) == 1:  # nothing to race
        family, address = addresses[0]
        _transport, conn = await loop.create_connection(
            Connection, address[0], address[1], family=family
        )
        return conn

    async def attempt(family: int, address: tuple[Any, ...]) -> Connection:
        _transport, conn = await loop.create_connection(
            Connection, address[0], address[1], family=family
        )
        return conn

    # Happy eyeballs: a dead first address (often IPv6) must not cost the whole timeout.
    errors: list[Exception] = []
    pending: set[asyncio.Task[Connection]] = set()
    winner: Connection | None = None
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
                if isinstance(result, Connection):
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


async def start_tls(conn: Connection, context: ssl.SSLContext, server_hostname: str) -> None:
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
