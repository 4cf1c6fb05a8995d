"""A hostile web server for the link checker's tests, on 127.0.0.1 only.

Each path is a way a server can hurt a link checker: answers that unfold into
gigabytes, heads that never end, bodies cut in the middle of a line, hosts that
accept and never answer, redirects to names no resolver takes, text that would
rewrite a terminal. A second server plays an HTTP proxy for a public host, so a
redirect from "the internet" into this machine can be tested without any
connection leaving 127.0.0.0/8.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from functools import cache

from helpers import LoopThread

OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
# How much the bombs unfold into: far above any cap, far below the machine's memory.
BOMB_SIZE = 128 * 1024 * 1024

# A route: writes its answer; returns True when the connection is to be closed after.
Handler = Callable[[asyncio.StreamWriter], Awaitable[bool]]


# dltrack's CLI in a fresh process that reports its own peak memory when it is done.
# VmHWM, not getrusage's ru_maxrss: Linux keeps ru_maxrss across exec, so a child would
# report its parent's peak at fork time when that was higher (a test suite's, say).
PROBE = """
import resource, sys
from dltrack.cli import run
code = run(sys.argv[1:])
sys.stdout.flush()
try:
    with open("/proc/self/status") as status:
        peak = next(int(ln.split()[1]) for ln in status if ln.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("maxrss_kb", peak, file=sys.stderr)
sys.exit(code)
"""


def _compress(size: int, wbits: int, layers: int = 1) -> bytes:
    """size zero bytes compressed (gzip for wbits 31, zlib for 15), layers times."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(1024 * 1024)
    data = b"".join(packer.compress(zeros) for _ in range(size // len(zeros))) + packer.flush()
    for _ in range(layers - 1):
        data = gzip.compress(data, compresslevel=9)
    return data


@cache
def gzip_bomb() -> bytes:
    """128 MiB of zeros as gzip: about an eighth of a megabyte."""
    return _compress(BOMB_SIZE, 16 + zlib.MAX_WBITS)


@cache
def deflate_bomb() -> bytes:
    """128 MiB of zeros as a zlib (deflate) stream."""
    return _compress(BOMB_SIZE, zlib.MAX_WBITS)


@cache
def stacked_bomb() -> bytes:
    """The gzip bomb gzipped again: a few kilobytes, for ``Content-Encoding: gzip, gzip``."""
    return gzip.compress(gzip_bomb(), compresslevel=9)


def fixed(*pieces: bytes, close: bool = False) -> Handler:
    """Send pieces; then close the connection, or keep it for the next request."""

    async def handle(writer: asyncio.StreamWriter) -> bool:
        for piece in pieces:
            writer.write(piece)
        await writer.drain()
        return close

    return handle


def encoded(coding: str, body: Callable[[], bytes]) -> Handler:
    async def handle(writer: asyncio.StreamWriter) -> bool:
        data = body()
        head = OK + f"Content-Encoding: {coding}\r\nContent-Length: {len(data)}\r\n\r\n".encode()
        writer.write(head + data)
        await writer.drain()
        return False

    return handle


def trickle(first: bytes, piece: bytes, every: float) -> Handler:
    """Send first, then piece every `every` seconds, for ever."""

    async def handle(writer: asyncio.StreamWriter) -> bool:
        writer.write(first)
        while True:
            await writer.drain()
            await asyncio.sleep(every)
            writer.write(piece)

    return handle


async def _silent(writer: asyncio.StreamWriter) -> bool:
    await asyncio.sleep(3600)
    return True


class HostileServer:
    """The hostile server in a background thread; `url(path)` gives its addresses."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {
            "/gzip-bomb": encoded("gzip", gzip_bomb),
            "/deflate-bomb": encoded("deflate", deflate_bomb),
            "/stacked-bomb": encoded("gzip, gzip", stacked_bomb),
            "/brotli": encoded("br", lambda: b"\x1b\xff\xff\xff" * 64),
            "/compress": encoded("compress", lambda: b"\x1f\x9d" * 64),
            "/slow-head": trickle(b"HTTP/1.1 200 OK\r\n", b"X", 0.2),
            "/endless-continue": trickle(b"", b"HTTP/1.1 100 Continue\r\n\r\n", 0.05),
            "/endless-blank-lines": trickle(b"", b"\r\n" * 512, 0.01),
            "/chunked-cut": fixed(
                OK + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3", close=True
            ),
            "/silent": _silent,
            "/to-bad-host": fixed(
                b"HTTP/1.1 302 Found\r\nLocation: http://xn--zz/\r\nContent-Length: 0\r\n\r\n"
            ),
            "/to-empty-label": fixed(
                b"HTTP/1.1 302 Found\r\nLocation: http://a..b/\r\nContent-Length: 0\r\n\r\n"
            ),
            # A redirect nowhere whose Location carries a C1 control (U+0085), a bidi
            # override (U+202E) and a zero-width space: the reason quotes it.
            "/to-strange-place": fixed(
                b"HTTP/1.1 302 Found\r\nLocation: javascript:\xc2\x85\xe2\x80\xae"
                b"lert\xe2\x80\x8b()\r\nContent-Length: 0\r\n\r\n"
            ),
            "/ok": fixed(OK + b"Content-Length: 2\r\n\r\nok"),
        }
        self.hits: Counter[str] = Counter()
        self.connections = 0
        self.port = 0
        self._server = LoopThread(self._serve)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The absolute URL of path on this server."""
        return f"http://{host}:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        not_found = fixed(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("utf-8", "replace").split("?", 1)[0]
                self.hits[path] += 1
                if await self.routes.get(path, not_found)(writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    def __enter__(self) -> HostileServer:
        self.port = self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()


class PublicHostProxy(HostileServer):
    """An HTTP proxy (on 127.0.0.1) that plays a public web site redirecting inward.

    Every request reaches it in absolute form (``GET http://host/path``); it answers
    the public host's page with a redirect to `target` and records every request,
    so a test sees whether the checker ever asked for the inward target.
    """

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target
        self.requested: list[str] = []

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                url = head.split(b" ", 2)[1].decode("ascii", "replace")
                self.requested.append(url)
                if url.startswith("http://public.example/"):
                    answer = f"HTTP/1.1 302 Found\r\nLocation: {self.target}\r\n"
                    writer.write(answer.encode() + b"Content-Length: 0\r\n\r\n")
                else:
                    writer.write(OK + b"Content-Length: 6\r\n\r\ninside")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
