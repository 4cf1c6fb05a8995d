"""A loopback HTTP/1.1 server for link-checker tests and benchmarks.

It binds to 127.0.0.0/8 only, runs its own asyncio loop in a daemon thread, keeps
connections alive like a real server, and records what it saw: hits per request target,
the (method, target) log, arrival times, and the peak number of requests in flight.

Routes (``?id=...`` on any URL keeps per-URL state apart between tests):

  /ok                               200 page
  /status/<code>                    that status (404, 410, 403, 500, ...)
  /redirect/<code>?to=<target>      a redirect (301/302/...) to target (default /ok)
  /chain/<n>[?code=302]             n redirects, then 200
  /loop/a, /loop/b                  redirect to each other forever
  /retry-after?secs=1[&date=1]      429 + Retry-After (seconds or HTTP-date) once, then 200
  /flaky?times=1&status=503         that status for the first `times` hits, then 200
  /head-refused                     HEAD 405, GET 200
  /head-404                         HEAD 404, GET 200
  /slow?secs=2 | /delay?ms=200      answer after a delay
  /endless                          200 with a chunked body that never ends
  /trickle                          200 with a chunked body of one byte every 50 ms, forever
  /page?text=...&charset=utf-8      an HTML page with that text in that charset
  /wechat/deleted, /wechat/verify, /wechat/article, /zhihu/404, /zhihu/verify
  /drop                             close the connection without answering
  /404 anything else

Use ``with LinkServer() as server: server.url("/ok")`` or the ``linkserver`` fixture.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

PROXY_VARS = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)

WECHAT_DELETED = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title></title></head><body><div class="weui-msg"><div class="weui-msg__text-area">
<h2 class="weui-msg__title">该内容已被发布者删除</h2></div></div></body></html>"""

WECHAT_VERIFY = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>微信公众平台</title>
</head><body><div class="weui-msg">
<p class="weui-msg__desc">当前环境异常，完成验证后即可继续访问。</p>
<a class="weui-btn weui-btn_primary">去验证</a></div></body></html>"""

WECHAT_ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>深度学习入门：反向传播</title></head><body><div id="js_content" class="rich_media_content">
<p>本文介绍反向传播算法。</p></div></body></html>"""

ZHIHU_404 = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 - 知乎</title></head>
<body><div class="ErrorPage"><p>你似乎来到了没有知识存在的荒原</p></div></body></html>"""

ZHIHU_VERIFY = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>安全验证 - 知乎</title></head>
<body><p>系统监测到您的网络环境存在异常，为保证知乎的正常访问，请点击下方验证按钮进行验证。</p>
</body></html>"""

FIXED_PAGES = {
    "/wechat/deleted": WECHAT_DELETED,
    "/wechat/verify": WECHAT_VERIFY,
    "/wechat/article": WECHAT_ARTICLE,
    "/zhihu/404": ZHIHU_404,
    "/zhihu/verify": ZHIHU_VERIFY,
}


@dataclass(frozen=True)
class Request:
    """A parsed request as route handlers see it."""

    method: str
    target: str  # path and query, as sent
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names


@dataclass
class Reply:
    """What a route answers."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before the status line
    endless: bool = False  # a chunked body that never ends
    trickle: bool = False  # a chunked body of one byte per 50 ms, forever
    drop: bool = False  # close the connection without answering


Handler = Callable[[Request], Reply]


def free_port(host: str = "127.0.0.1") -> int:
    """A port on host with nothing listening (connections to it are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


def _loopback(host: str) -> None:
    if ipaddress.ip_address(host) not in ipaddress.ip_network("127.0.0.0/8"):
        raise ValueError(f"LinkServer binds to 127.0.0.0/8 only, not {host}")


class LinkServer:
    """The server; start() / stop() or use it as a context manager."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency: float = 0.0,
        tls: tuple[str, str] | None = None,
    ) -> None:
        _loopback(host)
        self.host = host
        self.port = port
        self.latency = latency  # added to every answer (benchmarks)
        self.tls = tls  # (certificate file, key file): serve https
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []
        self.arrivals: dict[str, list[float]] = {}
        self.spans: list[tuple[float, float]] = []  # (arrival, answered) per request
        self.notes: dict[str, float] = {}  # e.g. the instant a Retry-After date names
        self.in_flight = 0
        self.peak = 0
        self.connections = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # -- public helpers -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """http://host:port (https:// when serving TLS)"""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url(self, target: str) -> str:
        """The absolute URL of target on this server."""
        return self.base_url + target

    def route(self, path: str, handler: Handler) -> None:
        """Serve path (exact match, before the built-in routes) with handler."""
        self.routes[path] = handler

    def methods(self, target: str) -> list[str]:
        """The methods of the requests for target, in arrival order."""
        return [method for method, seen in self.log if seen == target]

    def reset_stats(self) -> None:
        """Forget hits, log, arrivals and the peak."""
        self.hits.clear()
        self.log.clear()
        self.arrivals.clear()
        self.spans.clear()
        self.peak = self.in_flight

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> LinkServer:
        """Start serving in a background thread; returns self once listening."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                context = None
                if self.tls:
                    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                    context.load_cert_chain(*self.tls)
                self._server = loop.run_until_complete(
                    asyncio.start_server(
                        self._handle, self.host, self.port, backlog=1024, ssl=context
                    )
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._shutdown())
                loop.close()

        self._thread = threading.Thread(target=main, name=f"linkserver-{self.host}", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        """Stop serving and close every connection."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = None
        self._thread = None

    def __enter__(self) -> LinkServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- HTTP ---------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            while await self._one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        first = await reader.readexactly(1)
        if first == b"\x16" and not self.tls:  # a ClientHello: answer as plain HTTP would
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return False
        head = first + await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        if length:
            await reader.readexactly(length)
        parts = urlsplit(target)
        request = Request(method, target, parts.path, dict(parse_qsl(parts.query)), headers)

        self.hits[target] += 1
        self.log.append((method, target))
        arrived = time.time()  # wall clock: comparable with HTTP-dates
        self.arrivals.setdefault(target, []).append(arrived)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        finished = False

        def finish() -> None:
            # Stamped *before* the answer goes out: once it is sent, the client may start
            # its next request (on another server's thread) before this thread runs again.
            nonlocal finished
            if not finished:
                finished = True
                self.in_flight -= 1
                self.spans.append((arrived, time.time()))

        try:
            handler = self.routes.get(request.path, self._builtin)
            reply = handler(request)
            if self.latency or reply.delay:
                await asyncio.sleep(self.latency + reply.delay)
            finish()
            if reply.drop:
                writer.transport.abort()
                return False
            await self._write(writer, method, reply)
        finally:
            finish()
        return headers.get("connection", "").lower() != "close"

    async def _write(self, writer: asyncio.StreamWriter, method: str, reply: Reply) -> None:
        body = reply.body.encode() if isinstance(reply.body, str) else reply.body
        phrase = _phrase(reply.status)
        head = [f"HTTP/1.1 {reply.status} {phrase}", f"Content-Type: {reply.content_type}"]
        streaming = reply.endless or reply.trickle
        if streaming:
            head.append("Transfer-Encoding: chunked")
        else:
            head.append(f"Content-Length: {len(body)}")
        head.extend(f"{name}: {value}" for name, value in reply.headers.items())
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if method == "HEAD":
            await writer.drain()
            return
        if not streaming:
            writer.write(body)
            await writer.drain()
            return
        chunk = (b"<p>" + b"endless " * 2000 + b"</p>\n") if reply.endless else b"."
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        while True:  # until the client hangs up (or the server stops)
            writer.write(framed)
            await writer.drain()
            if reply.trickle:
                await asyncio.sleep(0.05)

    def _builtin(self, request: Request) -> Reply:
        path, query = request.path, request.query
        hits = self.hits[request.target]
        if path == "/ok":
            return Reply(200, "<html><head><title>ok</title></head><body>alive</body></html>")
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            return Reply(code, f"<html><body>{code} {_phrase(code)}</body></html>")
        if path.startswith("/redirect/"):
            code = int(path.rsplit("/", 1)[1])
            return Reply(code, headers={"Location": query.get("to", "/ok")})
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            if n <= 0:
                return Reply(200, "<html><body>end of chain</body></html>")
            code = int(query.get("code", "302"))
            suffix = f"?code={code}" if "code" in query else ""
            return Reply(code, headers={"Location": f"/chain/{n - 1}{suffix}"})
        if path == "/loop/a":
            return Reply(302, headers={"Location": "/loop/b"})
        if path == "/loop/b":
            return Reply(302, headers={"Location": "/loop/a"})
        if path == "/retry-after":
            if hits == 1:
                secs = query.get("secs", "1")
                if "date" in query:
                    until = int(time.time()) + int(secs)  # HTTP-dates have whole seconds
                    self.notes[request.target] = until
                    secs = formatdate(until, usegmt=True)
                return Reply(429, "slow down", headers={"Retry-After": secs})
            return Reply(200, "<html><body>thanks for waiting</body></html>")
        if path == "/flaky":
            if hits <= int(query.get("times", "1")):
                return Reply(int(query.get("status", "503")), "try again")
            return Reply(200, "<html><body>recovered</body></html>")
        if path == "/head-refused":
            if request.method == "HEAD":
                return Reply(405, headers={"Allow": "GET"})
            return Reply(200, "<html><body>GET works</body></html>")
        if path == "/head-404":
            if request.method == "HEAD":
                return Reply(404)
            return Reply(200, "<html><body>GET works</body></html>")
        if path == "/slow":
            return Reply(
                200, "<html><body>finally</body></html>", delay=float(query.get("secs", "2"))
            )
        if path == "/delay":
            return Reply(
                200, "<html><body>ok</body></html>", delay=float(query.get("ms", "0")) / 1000
            )
        if path == "/endless":
            return Reply(200, endless=True)
        if path == "/trickle":
            return Reply(200, trickle=True)
        if path == "/page":
            charset = query.get("charset", "utf-8")
            declare = query.get("declare", "header")
            text = query.get("text", "")
            html = f"<html><head>{{meta}}</head><body><p>{text}</p></body></html>"
            if declare == "meta":
                html = html.replace("{meta}", f'<meta charset="{charset}">')
                ctype = "text/html"
            else:
                html = html.replace("{meta}", "")
                ctype = f"text/html; charset={charset}"
            return Reply(int(query.get("status", "200")), html.encode(charset), content_type=ctype)
        if path in FIXED_PAGES:
            return Reply(200, FIXED_PAGES[path])
        if path == "/drop":
            return Reply(drop=True)
        return Reply(404, "<html><body>not here</body></html>")


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Unknown"


def peak_overlap(spans: list[tuple[float, float]]) -> int:
    """The most spans open at one instant (e.g. requests in flight across servers)."""
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    peak = current = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak


def page_url(server: LinkServer, text: str, **params: str) -> str:
    """The URL of a /page on server showing text (query parameters escaped)."""
    query = "&".join(f"{k}={quote(v)}" for k, v in {"text": text, **params}.items())
    return server.url(f"/page?{query}")


def self_signed_certificate(directory: str) -> tuple[str, str] | None:
    """A fresh certificate and key for 127.0.0.1 made with the openssl tool, or None."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = f"{directory}/cert.pem", f"{directory}/key.pem"
    command = [
        openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=dltrack test",
        "-addext", "subjectAltName=IP:127.0.0.1",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, check=False, timeout=30)
    return (cert, key) if done.returncode == 0 else None


def clear_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure no proxy from the environment intercepts loopback requests."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.0/8,localhost")


@contextlib.contextmanager
def extra_servers(count: int, *, latency: float = 0.0) -> Iterator[list[LinkServer]]:
    """count servers on 127.0.0.2, 127.0.0.3, ... (distinct hosts); skips when unsupported."""
    servers: list[LinkServer] = []
    try:
        for i in range(count):
            try:
                servers.append(LinkServer(f"127.0.0.{i + 2}", latency=latency).start())
            except OSError as exc:
                pytest.skip(f"cannot bind 127.0.0.{i + 2}: {exc}")
        yield servers
    finally:
        for server in servers:
            server.stop()
