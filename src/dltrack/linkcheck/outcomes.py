"""What a check records of one URL: why no server answered, and the per-URL result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from dltrack.linkcheck.verdicts import Verdict

K = TypeVar("K")


class Failure(StrEnum):
    """Why no usable HTTP answer came back; None on a result means the server answered."""

    DNS_NOT_FOUND = "dns-not-found"  # the resolver says the name does not exist
    DNS_FAILED = "dns-failed"  # the resolver could not answer (often: offline)
    REFUSED = "refused"
    UNREACHABLE = "unreachable"  # no route to the host or network
    CONNECT_TIMEOUT = "connect-timeout"
    CONNECT = "connect"  # any other failure to open the TCP connection
    TLS = "tls"
    TIMEOUT = "timeout"  # connected, but the answer was too slow
    PROTOCOL = "protocol"  # reset, disconnect or a malformed answer
    INVALID_URL = "invalid-url"
    PRIVATE_ADDRESS = "private-address"  # a redirect from a public address into a private one

    @property
    def network_level(self) -> bool:
        """True when the failure happened before reaching any server (DNS or TCP connect)."""
        return self in _NETWORK_LEVEL


_NETWORK_LEVEL = frozenset(
    {
        Failure.DNS_NOT_FOUND,
        Failure.DNS_FAILED,
        Failure.REFUSED,
        Failure.UNREACHABLE,
        Failure.CONNECT_TIMEOUT,
        Failure.CONNECT,
    }
)


@dataclass(frozen=True, slots=True)
class LinkResult(Generic[K]):
    """The outcome of checking one URL, ready to be stored as it arrives."""

    key: K  # the caller's identifier for the job (e.g. an item id), passed through untouched
    url: str  # the URL as given
    verdict: Verdict
    reason: str  # short human text: "404 Not Found", "soft 404: ...", "connection refused"
    http_status: int | None  # status of the last response; None when no server answered
    final_url: str | None  # the URL the redirect chain ended on; None when no server answered
    moved_to: str | None  # for MOVED: the target of the last permanent redirect (the new URL)
    elapsed_ms: int
    checked_at: datetime  # UTC, timezone-aware
    attempts: int  # HTTP requests sent: hops, HEAD→GET confirmations and retries (0: skipped)
    failure: Failure | None = None
    page_title: str | None = None  # the title the final page gives itself, when it was read
