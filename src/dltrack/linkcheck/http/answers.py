"""A response as the engine's client reads it, whichever way it came.

Most requests go straight to our own per-origin pools; a proxy's, a cookie's and a
test's MockTransport answer through httpx (``via_httpx.HttpxAnswer``). Both are read
through one small interface:
the status, a few headers, the body's raw bytes, and closing it (which hands the
connection back to its pool, or closes it).
"""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from dltrack.linkcheck.http11.errors import HttpError
from dltrack.linkcheck.http11.pool import Response as PoolResponse

if TYPE_CHECKING:
    import httpx

    from dltrack.linkcheck.http.urls import Url

# Bodies we do not need are still drained when small and quick to come, so that the
# connection can be reused; a body that is large or slow is cut off by closing it.
DRAIN_LIMIT = 64 * 1024
DRAIN_TIME = 1.0

# What ends the reading of a body early without telling anything about the link (an
# answer through httpx says its read failures as ours: see via_httpx).
READ_FAILED = (TimeoutError, zlib.error, HttpError)

_CHARSET = re.compile(r""";\s*charset\s*=\s*(?:"([^"]*)"|([^\s;,]*))""", re.I)


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if it names one."""
    # What httpx's charset_encoding gives, without building an email.message per page.
    if not content_type:
        return None
    found = _CHARSET.search(content_type)
    if found is None:
        return None
    name = found.group(1) if found.group(1) is not None else found.group(2)
    return name.lower() or None


class Answer:
    """A response head and its unread body, whichever way it came."""

    __slots__ = ("complete", "location", "peer", "status")

    status: int
    peer: str | None
    location: str | None  # a redirect's Location, as sent
    complete: bool  # the body came with the head: its connection is back in the pool

    def header(self, name: str) -> str | None:
        """The header's value (repeated ones joined by commas), None when absent."""
        raise NotImplementedError

    def chunks(self) -> AsyncIterator[bytes]:
        """The body's bytes as sent (still encoded)."""
        raise NotImplementedError

    def cookies_into(self, jar: httpx.Cookies) -> None:
        """Add the cookies the answer sets to jar."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Done with the answer: its connection goes back to the pool, or is closed."""
        raise NotImplementedError


class PoolAnswer(Answer):
    """An answer straight from our HTTP/1.1 pool."""

    __slots__ = ("_body", "_headers", "_method", "_url")

    def __init__(self, response: PoolResponse, method: str, url: Url) -> None:
        head = response.head
        self.status = head.status
        self.peer = response.peer
        self.complete = response.body.done
        self._body = response.body
        self._headers = head.headers
        self._method, self._url = method, url
        self.location = None
        if 300 <= head.status < 400:
            self.location = self._value(b"location", "utf-8")

    def _value(self, name: bytes, encoding: str = "latin-1") -> str | None:
        values = [v for n, v in self._headers if n.lower() == name]
        if not values:
            return None
        return b", ".join(values).decode(encoding, "replace")

    def header(self, name: str) -> str | None:
        return self._value(name.encode("ascii"))

    async def chunks(self) -> AsyncIterator[bytes]:
        async for chunk in self._body:
            yield chunk

    def cookies_into(self, jar: httpx.Cookies) -> None:
        import httpx  # a redirect that sets a cookie: the rest of its chain goes through httpx

        request = httpx.Request(self._method, str(self._url))
        jar.extract_cookies(httpx.Response(self.status, headers=self._headers, request=request))

    async def aclose(self) -> None:
        if not self.complete:
            await self._body.aclose()


def drainable(answer: Answer) -> bool:
    """Whether a body is worth reading to its end to keep the connection."""
    length = answer.header("content-length")
    if length is None:
        # Chunked (most dynamic pages): worth a try. Without either header the body
        # ends when the server closes the connection, so there is nothing to save.
        return "chunked" in (answer.header("transfer-encoding") or "").lower()
    return length.isdigit() and int(length) <= DRAIN_LIMIT


async def drain_small(answer: Answer, deadline: float, head: bool) -> None:
    try:
        if head:  # no body by definition: nothing to wait for
            await _discard_body(answer)
            return
        if not drainable(answer):
            return
        loop = asyncio.get_running_loop()
        async with asyncio.timeout_at(min(deadline, loop.time() + DRAIN_TIME)):
            await _discard_body(answer, DRAIN_LIMIT)
    except READ_FAILED:
        pass  # the connection is closed instead; the answer is what counts


async def _discard_body(answer: Answer, limit: int | None = None) -> None:
    """Read a body nobody needs to its end (or past limit bytes, then give up)."""
    read = 0
    async for chunk in answer.chunks():
        read += len(chunk)
        if limit is not None and read > limit:
            return  # too big after all: closing the connection is cheaper
