"""A request that got no HTTP answer, read as a verdict: DNS, connect, TLS, timeouts, resets."""

from __future__ import annotations

import errno
import socket
import ssl
import sys
from collections.abc import Iterator

from dltrack.linkcheck.decisions import Decision, private_redirect
from dltrack.linkcheck.http11 import errors
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


# What kind of failure an exception is, whichever client raised it.
_CONNECT_TIMEOUT, _TIMEOUT, _INVALID, _CONNECT, _PROTOCOL, _TRANSPORT = range(6)


def _kind(exc: BaseException) -> int | None:
    """The kind of a failure of our own pools, or of httpx's client; None for neither."""
    match exc:
        case errors.ConnectTimedOut():
            return _CONNECT_TIMEOUT
        case errors.ReadTimedOut() | errors.PoolTimedOut():
            return _TIMEOUT
        case errors.BadRequest() | errors.InvalidHost():
            return _INVALID
        case errors.ConnectFailed() | errors.PoolClosed():
            return _CONNECT
        case errors.ConnectionLost():
            return _TRANSPORT
        case errors.HttpError():
            return _PROTOCOL
    if "httpx" not in sys.modules:
        return None  # httpx never ran: nothing it raised can be here
    import httpx

    if isinstance(exc, httpx.ConnectTimeout):
        return _CONNECT_TIMEOUT
    if isinstance(exc, httpx.TimeoutException):
        return _TIMEOUT
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.LocalProtocolError):
        return _INVALID
    if isinstance(exc, httpx.ConnectError):
        return _CONNECT
    if isinstance(exc, httpx.RemoteProtocolError):
        return _PROTOCOL
    if isinstance(exc, httpx.TransportError):
        return _TRANSPORT
    return None


def is_request_failure(exc: BaseException) -> bool:
    """Whether exc is a request that got no answer (rather than a bug)."""
    if isinstance(exc, errors.HttpError | OSError | UnicodeError):
        return True
    if "httpx" not in sys.modules:
        return False
    import httpx

    return isinstance(exc, httpx.HTTPError | httpx.InvalidURL)


def classify_exception(exc: BaseException, *, timeout: float) -> Decision:
    """The verdict for a request that got no HTTP answer (DNS, connect, TLS, timeout, ...)."""
    causes = list(_causes(exc))
    for cause in causes:
        if isinstance(cause, errors.PrivateAddress):
            return private_redirect(cause.address)
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
    kind = _kind(exc)
    if kind == _CONNECT_TIMEOUT:
        return Decision(
            Verdict.ERROR,
            f"connect timed out after {_seconds(timeout)}",
            failure=Failure.CONNECT_TIMEOUT,
        )
    if kind == _TIMEOUT or isinstance(exc, TimeoutError):
        return Decision(
            Verdict.ERROR, f"timed out after {_seconds(timeout)}", failure=Failure.TIMEOUT
        )
    if isinstance(exc, UnicodeError):
        return Decision(Verdict.ERROR, "invalid host name", failure=Failure.INVALID_URL)
    if kind == _INVALID:
        return Decision(Verdict.ERROR, f"invalid URL: {exc}", failure=Failure.INVALID_URL)
    if kind == _CONNECT or isinstance(exc, OSError):
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
        if kind == _CONNECT:
            return Decision(Verdict.ERROR, f"connection failed: {exc}", failure=Failure.CONNECT)
    if kind == _PROTOCOL:
        text = str(exc)
        if isinstance(exc, errors.NoAnswer) or "disconnected" in text.lower():
            text = "server closed the connection without answering"
        else:
            text = f"protocol error: {text[:200]}"
        return Decision(Verdict.ERROR, text, failure=Failure.PROTOCOL)
    if kind == _TRANSPORT or isinstance(exc, OSError):
        return Decision(Verdict.ERROR, "connection reset", failure=Failure.PROTOCOL)
    return Decision(Verdict.ERROR, f"{type(exc).__name__}: {exc}", failure=Failure.PROTOCOL)
