"""The decision logic, free of I/O: a redirect chain or an exception in, a verdict out."""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import httpx

from dltrack.linkcheck.rules import RuleSet
from dltrack.linkcheck.verdicts import Failure, Verdict

PERMANENT_REDIRECTS = frozenset({301, 308})
TEMPORARY_REDIRECTS = frozenset({302, 303, 307})
# 300, 304, 305 and 306 are not redirects a browser follows automatically.
REDIRECTS = PERMANENT_REDIRECTS | TEMPORARY_REDIRECTS

DEAD_STATUSES = frozenset({404, 410})
BLOCKED_STATUSES = frozenset({401, 403, 407, 429, 451})

# Failures worth another try: they are often gone a moment later. A refused
# connection or an unknown host is an answer, not an accident, so it is not retried.
RETRYABLE_FAILURES = frozenset(
    {
        Failure.TIMEOUT,
        Failure.CONNECT_TIMEOUT,
        Failure.PROTOCOL,
        Failure.DNS_FAILED,
        Failure.CONNECT,
    }
)

_DNS_NOT_FOUND = frozenset(
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)
_UNREACHABLE = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN})


@dataclass(frozen=True, slots=True)
class Hop:
    """One response of a redirect chain: where it came from, its status, where it points."""

    url: str
    status: int
    location: str | None = None  # absolute target of a redirect, None otherwise


@dataclass(frozen=True, slots=True)
class Decision:
    """A verdict with its explanation, before timing and attempt counts are attached."""

    verdict: Verdict
    reason: str
    http_status: int | None = None
    final_url: str | None = None
    moved_to: str | None = None
    failure: Failure | None = None


_STATUS_TEXT = {int(s): f"{int(s)} {s.phrase}" for s in HTTPStatus}


def status_text(status: int) -> str:
    """The status with its standard phrase, e.g. "404 Not Found"."""
    return _STATUS_TEXT.get(status) or str(status)


def is_redirect(status: int, location: str | None) -> bool:
    """True for a redirect this engine follows."""
    return status in REDIRECTS and bool(location)


def is_retryable_status(status: int) -> bool:
    """True for answers that may be different a moment later (rate limits, server trouble)."""
    # 501 Not Implemented is about the method, not the moment: retrying cannot help.
    return status in (408, 425, 429) or (status >= 500 and status != 501)


def redirect_problem(chain: Sequence[Hop], max_redirects: int) -> str | None:
    """Why following the last hop of chain would be wrong: a loop, too many hops, or None."""
    if not chain or not is_redirect(chain[-1].status, chain[-1].location):
        return None
    last = chain[-1]
    # A loop is a repeated *edge*, not a repeated URL: A → B → A → 200 is a common
    # cookie-setting dance and only a second A → B means the chain goes round forever.
    for hop in chain[:-1]:
        if hop.url == last.url and hop.location == last.location:
            return "redirect loop"
    hops = sum(1 for hop in chain if is_redirect(hop.status, hop.location))
    if hops > max_redirects:
        return f"too many redirects (>{max_redirects})"
    return None


def classify(
    chain: Sequence[Hop],
    page_text: str | None = None,
    rules: RuleSet | None = None,
    *,
    max_redirects: int = 10,
) -> Decision:
    """The verdict for a finished redirect chain; the last hop is the final response."""
    if not chain:
        raise ValueError("classify needs at least one response")
    last = chain[-1]
    status = last.status
    if is_redirect(status, last.location):
        problem = redirect_problem(chain, max_redirects)
        if problem is not None:
            return Decision(Verdict.DEAD, problem, status, last.url)
        return Decision(Verdict.ERROR, f"{status_text(status)} not followed", status, last.url)
    if 200 <= status < 300:
        match = rules.match(last.url, page_text) if rules is not None else None
        if match is not None:
            return Decision(match.verdict, match.reason, status, last.url)
        moved_to = None
        for hop in chain[:-1]:
            if hop.status in PERMANENT_REDIRECTS:
                moved_to = hop.location
        if moved_to is not None:
            return Decision(
                Verdict.MOVED, f"moved permanently to {moved_to}", status, last.url, moved_to
            )
        return Decision(Verdict.OK, status_text(status), status, last.url)
    if status in DEAD_STATUSES:
        verdict = Verdict.DEAD
    elif status in BLOCKED_STATUSES:
        verdict = Verdict.BLOCKED
    else:
        # 5xx after retries, an unfollowable 3xx, or an odd 4xx: nothing certain.
        verdict = Verdict.ERROR
    reason = status_text(status)
    if 300 <= status < 400:
        reason += " without a usable Location"
    return Decision(verdict, reason, status, last.url)


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


def classify_exception(exc: BaseException, *, timeout: float) -> Decision:
    """The verdict for a request that got no HTTP answer (DNS, connect, TLS, timeout, ...)."""
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


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        # float() also accepts "nan" and "inf"; neither is a delay anyone meant.
        return max(0.0, seconds) if seconds == seconds and seconds != float("inf") else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
