"""A request that got no HTTP answer, read as a verdict: DNS, connect, TLS, timeouts, resets."""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator

import httpx

from dltrack.linkcheck.decisions import Decision, private_redirect
from dltrack.linkcheck.outcomes import Failure
from dltrack.linkcheck.verdicts import Verdict

_DNS_NOT_FOUND = frozenset(
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)
_UNREACHABLE = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN})


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """exc and everything it wraps: causes, contexts and exception-group members."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        for inner in (current.__cause__, current.__context__):
            if inner is not None:
                stack.append(inner)


def _seconds(value: float) -> str:
    return f"{value:g} s"


class PrivateAddressRefused(httpx.ConnectError):
    """A request that had to reach a public address found the host's address private."""

    def __init__(self, address: str) -> None:
        super().__init__(f"{address} is a private address")
        self.address = address


def classify_exception(exc: BaseException, *, timeout: float) -> Decision:
    """The verdict for a request that got no HTTP answer (DNS, connect, TLS, timeout, ...)."""
    if isinstance(exc, PrivateAddressRefused):
        return private_redirect(exc.address)
    causes = list(_causes(exc))
    # TLS first: httpx reports a failed handshake as a ConnectError, but the server was
    # reached, so it must not count as a network-level failure.
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or "certificate verify failed"
            return Decision(Verdict.ERROR, f"TLS failure: {detail}", failure=Failure.TLS)
        # SSLWantRead/WriteError are the TLS layer's "not yet", seen in timeouts' contexts.
        if isinstance(cause, ssl.SSLError) and not isinstance(
            cause, ssl.SSLWantReadError | ssl.SSLWantWriteError
        ):
            detail = (cause.reason or "").replace("_", " ").lower() or str(cause)
            return Decision(Verdict.ERROR, f"TLS failure: {detail}", failure=Failure.TLS)
    if isinstance(exc, httpx.ConnectTimeout):
        return Decision(
            Verdict.ERROR,
            f"connect timed out after {_seconds(timeout)}",
            failure=Failure.CONNECT_TIMEOUT,
        )
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return Decision(
            Verdict.ERROR, f"timed out after {_seconds(timeout)}", failure=Failure.TIMEOUT
        )
    if isinstance(exc, UnicodeError):
        return Decision(Verdict.ERROR, "invalid host name", failure=Failure.INVALID_URL)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.LocalProtocolError):
        return Decision(Verdict.ERROR, f"invalid URL: {exc}", failure=Failure.INVALID_URL)
    if isinstance(exc, httpx.ConnectError | OSError):
        for cause in causes:
            if isinstance(cause, socket.gaierror):
                if cause.errno in _DNS_NOT_FOUND:
                    return Decision(Verdict.DEAD, "host not found", failure=Failure.DNS_NOT_FOUND)
                return Decision(
                    Verdict.ERROR,
                    f"DNS lookup failed: {cause.strerror or cause}",
                    failure=Failure.DNS_FAILED,
                )
        for cause in causes:
            if isinstance(cause, ConnectionRefusedError):
                return Decision(Verdict.DEAD, "connection refused", failure=Failure.REFUSED)
            if isinstance(cause, OSError) and cause.errno in _UNREACHABLE:
                text = (
                    "host unreachable"
                    if cause.errno == errno.EHOSTUNREACH
                    else "network unreachable"
                )
                return Decision(Verdict.ERROR, text, failure=Failure.UNREACHABLE)
            if isinstance(cause, OSError) and cause.errno == errno.ETIMEDOUT:
                return Decision(Verdict.ERROR, "connect timed out", failure=Failure.CONNECT_TIMEOUT)
        if isinstance(exc, httpx.ConnectError):
            return Decision(Verdict.ERROR, f"connection failed: {exc}", failure=Failure.CONNECT)
    if isinstance(exc, httpx.RemoteProtocolError):
        text = str(exc)
        if "disconnected" in text.lower():
            text = "server closed the connection without answering"
        else:
            text = f"protocol error: {text[:200]}"
        return Decision(Verdict.ERROR, text, failure=Failure.PROTOCOL)
    if isinstance(exc, httpx.TransportError | OSError):
        return Decision(Verdict.ERROR, "connection reset", failure=Failure.PROTOCOL)
    return Decision(Verdict.ERROR, f"{type(exc).__name__}: {exc}", failure=Failure.PROTOCOL)
