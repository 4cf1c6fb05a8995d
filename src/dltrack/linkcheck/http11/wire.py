"""The HTTP/1.1 wire format as pure code: request heads out, response heads and bodies in.

Nothing here waits or touches a socket. A ResponseParser reads from a buffer that
its caller keeps filling, and says what it has (a head, body bytes, the end) or
that it needs more; so a property test can feed it any split, truncation or
corruption of an answer and check that it always ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from dltrack.linkcheck.http11.errors import AnswerCut, BadRequest, NoAnswer, WireError

# A response head larger than this is refused (h11's limit is 16 KiB; some real sites
# send 20-40 KiB of Set-Cookie and CSP headers, which browsers accept).
MAX_HEAD: Final = 64 * 1024
# Informational answers (100 Continue, 103 Early Hints) before the real one: a server
# that sends more than this is not going to answer.
MAX_INFORMATIONAL: Final = 8
# The blank line that ends a head; bare LF line ends are tolerated, as browsers do.
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CHUNK_SIZE = re.compile(rb"[ \t]*([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")
_LINE_END = re.compile(rb"\r?\n")


class Framing(IntEnum):
    """How a response body ends (RFC 9112 section 6.3)."""

    LENGTH = 0  # after Content-Length bytes (0 for HEAD, 204, 304)
    CHUNKED = 1
    UNTIL_CLOSE = 2  # when the server closes the connection


@dataclass(slots=True)
class Head:
    """A response head: status line and headers, as sent."""

    version: bytes
    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]


def parse_head(head: bytes) -> Head:
    """A response head, without the blank line that ends it."""
    lines = head.lstrip(b"\r\n").splitlines()  # stray line ends before it are tolerated
    parts = lines[0].split(None, 2) if lines else []
    if (
        len(parts) < 2
        or not parts[0].startswith(b"HTTP/1.")
        or len(parts[1]) != 3
        or not parts[1].isdigit()
    ):
        first = lines[0][:100] if lines else b""
        raise WireError(f"malformed status line: {first!r}")
    headers: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t"):  # obsolete line folding: continues the previous value
            if headers:
                name, value = headers[-1]
                headers[-1] = (name, (value + b" " + line.strip()).strip())
            continue
        name, colon, value = line.partition(b":")
        name = name.strip()
        if colon and name:  # a line that is not a header is ignored, as browsers do
            headers.append((name, value.strip()))
    return Head(parts[0], int(parts[1]), parts[2] if len(parts) > 2 else b"", headers)


def framing(method: str, head: Head) -> tuple[Framing, int, bool]:
    """(framing, Content-Length, keep-alive) of a response, per RFC 9112 section 6.3."""
    length: int | None = None
    chunked = until_close = False
    keep_alive = head.version == b"HTTP/1.1"
    for name, value in head.headers:
        lowered = name.lower()
        if lowered == b"content-length":
            # Repeated values ("12, 12" or two headers) must agree; anything else is bogus.
            for item in value.split(b","):
                item = item.strip()
                if (
                    not item.isdigit()
                    or len(item) > 18
                    or (length is not None and int(item) != length)
                ):
                    raise WireError(f"bad Content-Length: {value[:50]!r}")
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
    status = head.status
    if method == "HEAD" or status in (204, 304) or status < 200:
        return Framing.LENGTH, 0, keep_alive
    if chunked:
        return Framing.CHUNKED, 0, keep_alive
    if until_close or length is None:
        return Framing.UNTIL_CLOSE, 0, False
    return Framing.LENGTH, length, keep_alive


def request_head(method: str, target: bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
    """The request line and headers, as sent; a line break inside any of them is refused."""
    parts = [method.encode("ascii"), b" ", target, b" HTTP/1.1\r\n"]
    for name, value in headers:
        parts += (name, b": ", value, b"\r\n")
    parts.append(b"\r\n")
    head = b"".join(parts)
    # One CR or LF inside a header or the target would split the request in two.
    lines = len(parts) // 4 + 1  # the request line, one per header, the blank line
    if head.count(b"\n") != lines or head.count(b"\r") != lines:
        raise BadRequest("CR or LF inside a header or the request target")
    return head


# Chunked decoding states.
_SIZE, _DATA, _DATA_END, _TRAILER = 0, 1, 2, 3


class ResponseParser:
    """One response, parsed from a buffer the caller keeps filling (and may share).

    ``head()`` until it returns the final head (informational answers are skipped),
    then ``body()`` until it says the body is complete. Bytes are removed from the
    buffer as they are parsed; whatever is left after the body belongs to no one.
    Both raise WireError for what is not HTTP, and when ``eof`` says the input ended
    before the answer did.
    """

    __slots__ = (
        "_buffer",
        "_framing",
        "_informational",
        "_method",
        "_prelude",
        "_remaining",
        "_searched",
        "_state",
        "keep_alive",
    )

    def __init__(self, buffer: bytearray, method: str) -> None:
        self._buffer = buffer
        self._method = method
        self._searched = 0  # no head end before this offset (bar its last 3 bytes)
        self._prelude = 0  # bytes of blank lines and informational heads so far
        self._informational = 0
        self._framing = Framing.LENGTH
        self._remaining = 0  # LENGTH: body bytes left; CHUNKED: bytes left in this chunk
        self._state = _SIZE
        self.keep_alive = False

    def head(self, eof: bool) -> Head | None:
        """The final head once it has arrived whole, else None (more input is needed)."""
        buffer = self._buffer
        while True:
            end = _HEAD_END.search(buffer, max(0, self._searched - 3))
            if end is None:
                self._searched = len(buffer)
                if len(buffer) > MAX_HEAD:
                    raise WireError("response head too large")
                if self._prelude + len(buffer) > MAX_HEAD:
                    # Blank lines and 1xx answers before it share the head's budget.
                    raise WireError("endless blank lines or informational answers before the head")
                if eof:
                    if buffer.strip(b"\r\n"):
                        raise AnswerCut("server closed the connection in the middle of a head")
                    raise NoAnswer("server closed the connection without answering")
                return None
            self._searched = 0
            consumed = end.end()
            self._prelude += consumed
            if self._prelude > MAX_HEAD:
                raise WireError("endless blank lines or informational answers before the head")
            if end.start() == 0:  # blank lines before a status line (RFC 9112 section 2.2)
                del buffer[:consumed]
                continue
            head = parse_head(bytes(buffer[: end.start()]))
            del buffer[:consumed]
            if 100 <= head.status < 200 and head.status != 101:
                # 100 Continue, 103 Early Hints: the answer follows.
                self._informational += 1
                if self._informational > MAX_INFORMATIONAL:
                    raise WireError(f"more than {MAX_INFORMATIONAL} informational answers")
                continue
            self._framing, self._remaining, keep_alive = framing(self._method, head)
            self.keep_alive = keep_alive and head.status != 101
            return head

    @property
    def until_close(self) -> bool:
        """True when the body ends only when the connection does."""
        return self._framing is Framing.UNTIL_CLOSE

    def body(self, eof: bool) -> tuple[bytes, bool]:
        """(body bytes available now, True when the body is complete)."""
        buffer = self._buffer
        if self._framing is Framing.LENGTH:
            data = b""
            if self._remaining and buffer:
                data = bytes(buffer[: self._remaining])
                del buffer[: len(data)]
                self._remaining -= len(data)
            if self._remaining and eof:
                raise AnswerCut("peer closed connection without sending complete message body")
            return data, not self._remaining
        if self._framing is Framing.UNTIL_CLOSE:
            data = bytes(buffer)
            buffer.clear()
            return data, eof
        return self._chunked(eof)

    def _chunked(self, eof: bool) -> tuple[bytes, bool]:
        buffer = self._buffer
        out: list[bytes] = []
        while buffer:
            if self._state == _DATA:
                data = bytes(buffer[: self._remaining])
                del buffer[: len(data)]
                self._remaining -= len(data)
                out.append(data)
                if not self._remaining:
                    self._state = _DATA_END
                continue
            line = _LINE_END.search(buffer)
            if line is None:
                if len(buffer) > MAX_HEAD:
                    raise WireError("chunked body: line too long")
                break
            if self._state == _SIZE:
                size = _CHUNK_SIZE.match(buffer)
                if size is None or size.end() != line.end():
                    raise WireError("chunked body: malformed chunk size")
                self._remaining = int(size.group(1), 16)
                del buffer[: size.end()]
                self._state = _DATA if self._remaining else _TRAILER
            elif self._state == _DATA_END:
                if line.start() != 0:
                    raise WireError("chunked body: missing CRLF after a chunk")
                del buffer[: line.end()]
                self._state = _SIZE
            else:  # _TRAILER: header lines, then a blank line ends the body
                del buffer[: line.end()]
                if line.start() == 0:
                    return b"".join(out), True
        if eof:
            # Whatever is left is not a whole chunk: the body was cut, even mid-line.
            raise AnswerCut("peer closed connection without sending complete message body")
        return b"".join(out), False
