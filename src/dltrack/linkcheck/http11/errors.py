"""How an HTTP/1.1 exchange can fail, apart from the answer it brings."""

from __future__ import annotations


class HttpError(Exception):
    """An exchange that gave no usable answer."""


class WireError(HttpError):
    """The server's bytes are not an HTTP/1.1 answer (or not a complete one)."""


class NoAnswer(WireError):
    """The connection ended before the first byte of an answer."""


class AnswerCut(WireError):
    """The connection ended in the middle of a head or a body."""


class BadRequest(HttpError):
    """The request cannot be sent as given (a line break inside a header, say)."""


class InvalidHost(HttpError):
    """The host name cannot be looked up at all (not a valid DNS name)."""


class PrivateAddress(HttpError):
    """The host resolves to a private address, and only public ones were allowed."""

    def __init__(self, address: str) -> None:
        super().__init__(f"{address} is a private address")
        self.address = address


class ConnectFailed(HttpError):
    """No connection could be opened; ``__cause__`` is the operating system's error."""


class ConnectTimedOut(HttpError):
    """Connecting took longer than allowed."""


class ReadTimedOut(HttpError):
    """The answer (its head, or the next part of its body) took longer than allowed."""


class ConnectionLost(HttpError):
    """The connection was reset; ``__cause__`` is the operating system's error."""


class PoolTimedOut(HttpError):
    """No connection of the pool came free in time."""


class PoolClosed(HttpError):
    """The pool was closed."""
