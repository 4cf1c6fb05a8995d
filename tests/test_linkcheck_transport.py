"""The engine's own HTTP/1.1 client (linkcheck.http11) against a server that sends raw bytes.

Each route answers with exact bytes, so framings, odd line endings and broken answers
can be written down as they travel. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from dltrack.linkcheck import CheckOptions, LinkResult, Verdict, check_links
from dltrack.linkcheck.http.via_httpx import BODY_COMPLETE, LOCATION, OriginPools
from dltrack.linkcheck.http11.errors import BadRequest
from dltrack.linkcheck.http11.pool import OriginPool, Timeouts
from helpers import LoopThread

# What a route sends: byte pieces (a float between them is a pause in seconds), and
# whether the server hangs up afterwards. None as the last piece: never stop sending.
Script = list[bytes | float | None]


@dataclass
class Raw:
    """A route's answer: the pieces to send, and whether to close the connection after."""

    pieces: Script
    close: bool = False


@dataclass
class RawServer:
    """A loopback server answering each request path with a fixed script of bytes."""

    routes: dict[str, Callable[[bytes], Raw]] = field(default_factory=dict)
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)  # each request head as received
    port: int = 0
    _server: LoopThread | None = None

    def url(self, path: str) -> str:
        """The absolute URL of path on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        """Serve in a background thread until stop()."""
        self._server = LoopThread(self._handle)
        self.port = self._server.start()

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.stop()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.requests.append(head)
                path = head.split(b" ", 2)[1].decode()
                raw = self.routes[path](head)
                for piece in raw.pieces:
                    if piece is None:
                        while True:
                            writer.write(b"4000\r\n" + b"x" * 0x4000 + b"\r\n")
                            await writer.drain()
                    elif isinstance(piece, float):
                        await writer.drain()
                        await asyncio.sleep(piece)
                    else:
                        writer.write(piece)
                await writer.drain()
                if raw.close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


@pytest.fixture
def server() -> Iterator[RawServer]:
    """A raw-bytes server for one test."""
    running = RawServer()
    running.start()
    yield running
    running.stop()


def fixed(*pieces: bytes | float | None, close: bool = False) -> Callable[[bytes], Raw]:
    """A route that always sends the same pieces."""
    return lambda _head: Raw(list(pieces), close)


def fetch(
    server: RawServer, *paths: str, method: str = "GET", limit: int = 2, timeout: float = 2.0
) -> list[tuple[httpx.Response, bytes | BaseException]]:
    """Request paths one after another over one pool; each response with its body (or error)."""

    async def main() -> list[tuple[httpx.Response, bytes | BaseException]]:
        pools = OriginPools(per_origin=limit, max_pools=4, proxy_connections=1, trust_env=False)
        out: list[tuple[httpx.Response, bytes | BaseException]] = []
        async with httpx.AsyncClient(transport=pools, timeout=timeout) as client:
            for path in paths:
                response = await client.send(
                    client.build_request(method, server.url(path)), stream=True
                )
                try:
                    out.append((response, await response.aread()))
                except httpx.HTTPError as exc:
                    out.append((response, exc))
                finally:
                    await response.aclose()
        return out

    return asyncio.run(main())


OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"


def test_content_length_body_in_pieces_and_keep_alive(server: RawServer) -> None:
    body = b"hello, " + b"world" * 1000
    server.routes["/a"] = fixed(
        OK_HEAD + b"Content-Length: %d\r\n\r\n" % len(body), body[:10], 0.05, body[10:]
    )
    (first, body1), (second, body2) = fetch(server, "/a", "/a")
    assert body1 == body2 == body
    assert first.status_code == second.status_code == 200
    assert server.connections == 1  # the second request reused the connection


def test_chunked_body_with_extensions_and_trailers(server: RawServer) -> None:
    server.routes["/c"] = fixed(
        OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n",
        b"5;name=value\r\nhello\r\n",
        0.02,
        b"7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n",
    )
    results = fetch(server, "/c", "/c")
    assert [body for _, body in results] == [b"hello, world"] * 2
    assert server.connections == 1


def test_body_until_close_is_read_and_the_connection_not_reused(server: RawServer) -> None:
    server.routes["/u"] = fixed(OK_HEAD + b"\r\nno length, ", 0.02, b"read to the end", close=True)
    results = fetch(server, "/u", "/u")
    assert [body for _, body in results] == [b"no length, read to the end"] * 2
    assert server.connections == 2


def test_connection_close_is_honoured(server: RawServer) -> None:
    server.routes["/x"] = fixed(OK_HEAD + b"Content-Length: 2\r\nConnection: close\r\n\r\nok")
    assert [body for _, body in fetch(server, "/x", "/x")] == [b"ok", b"ok"]
    assert server.connections == 2


def test_head_and_204_have_no_body_whatever_their_headers_say(server: RawServer) -> None:
    server.routes["/h"] = fixed(OK_HEAD + b"Content-Length: 5000\r\n\r\n")
    server.routes["/n"] = fixed(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
    results = fetch(server, "/h", "/h", method="HEAD")
    assert [body for _, body in results] == [b"", b""]
    assert results[0][0].extensions[BODY_COMPLETE] is True
    assert [body for _, body in fetch(server, "/n")] == [b""]
    assert server.connections == 2  # one per fetch(): keep-alive held within each


def test_informational_answers_are_skipped(server: RawServer) -> None:
    server.routes["/e"] = fixed(
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n",
        OK_HEAD + b"Content-Length: 4\r\n\r\ndone",
    )
    ((response, body),) = fetch(server, "/e")
    assert (response.status_code, body) == (200, b"done")


def test_bare_lf_line_ends_and_folded_headers(server: RawServer) -> None:
    server.routes["/l"] = fixed(
        b"HTTP/1.1 301 Moved Permanently\nLocation: /new\nX-Folded: one\n two\n"
        b"Content-Length: 0\n\n"
    )
    ((response, _body),) = fetch(server, "/l")
    assert response.status_code == 301
    # The transport hands a redirect's Location over beside the headers (see LOCATION).
    assert response.extensions[LOCATION] == "/new"
    assert "location" not in response.headers
    assert response.headers["x-folded"] == "one two"
    assert response.reason_phrase == "Moved Permanently"


def test_stray_line_ends_before_the_status_line_are_skipped(server: RawServer) -> None:
    server.routes["/s"] = fixed(b"\r\n", 0.02, OK_HEAD + b"Content-Length: 2\r\n\r\nok")
    assert [body for _, body in fetch(server, "/s")] == [b"ok"]


def test_gzip_bodies_are_decoded_by_httpx(server: RawServer) -> None:
    packed = gzip.compress(b"<p>squeezed</p>")
    server.routes["/z"] = fixed(
        OK_HEAD + b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(packed), packed
    )
    assert [body for _, body in fetch(server, "/z")] == [b"<p>squeezed</p>"]


@pytest.mark.parametrize(
    "answer",
    [
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
        b"HTTP/1.1 2000 Wrong\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: twelve\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    ],
)
def test_malformed_answers_are_protocol_errors(server: RawServer, answer: bytes) -> None:
    server.routes["/m"] = fixed(answer, close=True)
    with pytest.raises(httpx.RemoteProtocolError):
        fetch(server, "/m")


def test_a_silent_hang_up_is_a_disconnect(server: RawServer) -> None:
    server.routes["/d"] = fixed(close=True)
    with pytest.raises(httpx.RemoteProtocolError, match="disconnected"):
        fetch(server, "/d")


def test_a_truncated_body_fails_its_reader_not_the_request(server: RawServer) -> None:
    server.routes["/t"] = fixed(OK_HEAD + b"Content-Length: 100\r\n\r\nonly this", close=True)
    ((response, body),) = fetch(server, "/t")
    assert response.status_code == 200
    assert isinstance(body, httpx.RemoteProtocolError)


def test_slow_head_is_a_read_timeout(server: RawServer) -> None:
    server.routes["/s"] = fixed(1.0, OK_HEAD + b"Content-Length: 0\r\n\r\n")
    with pytest.raises(httpx.ReadTimeout):
        fetch(server, "/s", timeout=0.2)


def test_a_body_closed_half_read_discards_its_connection(server: RawServer) -> None:
    server.routes["/endless"] = fixed(OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n", None)
    server.routes["/ok"] = fixed(OK_HEAD + b"Content-Length: 2\r\n\r\nok")

    async def main() -> tuple[int, bytes]:
        pools = OriginPools(per_origin=1, max_pools=4, proxy_connections=1, trust_env=False)
        async with httpx.AsyncClient(transport=pools) as client:
            async with client.stream("GET", server.url("/endless")) as response:
                read = 0
                async for chunk in response.aiter_bytes():
                    read += len(chunk)
                    if read > 100_000:
                        break
            # The pool holds one connection: a new one must replace the half-read one.
            after = await client.get(server.url("/ok"))
            return after.status_code, after.content

    assert asyncio.run(main()) == (200, b"ok")
    assert server.connections == 2


def test_an_idle_connection_the_server_closed_is_not_reused(server: RawServer) -> None:
    server.routes["/bye"] = fixed(OK_HEAD + b"Content-Length: 2\r\n\r\nok", close=True)

    async def main() -> list[int]:
        pools = OriginPools(per_origin=1, max_pools=4, proxy_connections=1, trust_env=False)
        async with httpx.AsyncClient(transport=pools) as client:
            first = await client.get(server.url("/bye"))
            await asyncio.sleep(0.1)  # the server's FIN arrives meanwhile
            second = await client.get(server.url("/bye"))
            return [first.status_code, second.status_code]

    # No Connection: close header: only the hang-up itself says the connection is gone.
    assert asyncio.run(main()) == [200, 200]
    assert server.connections == 2


def test_the_pool_lends_at_most_limit_connections(server: RawServer) -> None:
    server.routes["/slow"] = fixed(0.1, OK_HEAD + b"Content-Length: 2\r\n\r\nok")

    async def main() -> list[int]:
        pool = OriginPool("http", "127.0.0.1", server.port, ssl_context=None, limit=2)

        async def one() -> int:
            response = await pool.request("GET", b"/slow", [(b"Host", b"x")], Timeouts())
            assert b"".join([chunk async for chunk in response.body]) == b"ok"
            return response.head.status

        statuses = await asyncio.gather(*(one() for _ in range(6)))
        await pool.aclose()
        return statuses

    assert asyncio.run(main()) == [200] * 6
    assert server.connections == 2


def test_a_header_value_cannot_smuggle_a_line(server: RawServer) -> None:
    server.routes["/ok"] = fixed(OK_HEAD + b"Content-Length: 2\r\n\r\nok")

    async def main() -> None:
        pool = OriginPool("http", "127.0.0.1", server.port, ssl_context=None, limit=1)
        try:
            await pool.request("GET", b"/ok", [(b"X-Evil", b"a\r\nX-Injected: 1")], Timeouts())
        finally:
            await pool.aclose()

    async def through_httpx() -> None:
        pools = OriginPools(per_origin=1, max_pools=1, proxy_connections=1, trust_env=False)
        async with httpx.AsyncClient(transport=pools) as client:
            await client.get(server.url("/ok"), headers={"X-Evil": "a\r\nX-Injected: 1"})

    with pytest.raises(BadRequest):
        asyncio.run(main())
    with pytest.raises(httpx.LocalProtocolError):
        asyncio.run(through_httpx())
    assert server.requests == []


def test_the_request_is_sent_as_built(server: RawServer) -> None:
    server.routes["/who?x=1"] = fixed(OK_HEAD + b"Content-Length: 0\r\n\r\n")
    fetch(server, "/who?x=1")
    head = server.requests[0]
    assert head.startswith(b"GET /who?x=1 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nConnection: keep-alive\r\n" in head


# -- the engine over this client: what a GET whose body is not needed costs ----------------


def check(server: RawServer, *paths: str) -> list[LinkResult[str]]:
    """Check paths one at a time (per_host=1) with the engine; results in path order."""
    options = CheckOptions(per_host=1, timeout=5, retries=0)
    results = check_links([(p, server.url(p)) for p in paths], options=options)
    by_path = {r.key: r for r in results}
    return [by_path[p] for p in paths]


def test_a_small_chunked_page_is_drained_and_its_connection_reused(server: RawServer) -> None:
    page = b"<html>" + b"x" * 5000 + b"</html>"
    paths = [f"/p?{i}" for i in range(3)]
    for path in paths:
        server.routes[path] = fixed(
            OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n",
            b"%x\r\n%s\r\n" % (len(page), page),
            0.02,
            b"0\r\n\r\n",
        )
    assert [r.verdict for r in check(server, *paths)] == [Verdict.OK] * 3
    assert server.connections == 1


def test_a_large_page_is_not_read_to_the_end(server: RawServer) -> None:
    for path in ("/big?1", "/big?2"):
        server.routes[path] = fixed(OK_HEAD + b"Content-Length: 10000000\r\n\r\n", b"x" * 1000)
    started = time.monotonic()
    assert [r.verdict for r in check(server, "/big?1", "/big?2")] == [Verdict.OK] * 2
    assert time.monotonic() - started < 2
    assert server.connections == 2  # each cut short by closing its connection


def test_a_trickling_page_without_rules_costs_at_most_a_second(server: RawServer) -> None:
    server.routes["/slow"] = fixed(
        OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n", *([b"1\r\n.\r\n", 0.1] * 100)
    )
    started = time.monotonic()
    ((result,),) = [check(server, "/slow")]
    assert result.verdict is Verdict.OK
    assert time.monotonic() - started < 2.5


def test_a_public_only_request_never_connects_to_a_private_address(
    server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that turns out to be this machine is refused after the lookup, before connecting."""
    import socket

    from dltrack.linkcheck.http11 import pool as pool_module
    from dltrack.linkcheck.http11.errors import PrivateAddress

    server.routes["/ok"] = fixed(OK_HEAD + b"Content-Length: 2\r\n\r\nok")

    async def looked_up(host: str, port: int) -> list[tuple[int, tuple[str, int]]]:
        return [(socket.AF_INET, ("127.0.0.1", port))]  # "intranet.example" is loopback here

    monkeypatch.setattr(pool_module, "resolve", looked_up)

    async def main(public_only: bool) -> int:
        pool = OriginPool("http", "intranet.example", server.port, ssl_context=None, limit=1)
        try:
            headers = [(b"Host", b"intranet.example")]
            response = await pool.request(
                "GET", b"/ok", headers, Timeouts(connect=2, head=2), public_only=public_only
            )
            await response.body.aclose()
            return response.head.status
        finally:
            await pool.aclose()

    with pytest.raises(PrivateAddress, match=r"127\.0\.0\.1 is a private address"):
        asyncio.run(main(public_only=True))
    assert server.connections == 0
    assert asyncio.run(main(public_only=False)) == 200  # the same host, when allowed
    assert server.connections == 1
