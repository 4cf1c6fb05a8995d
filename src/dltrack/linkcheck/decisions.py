"""The decision logic, free of I/O: a finished redirect chain in, a verdict out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus

from dltrack.linkcheck.outcomes import Failure
from dltrack.linkcheck.pages import title_of
from dltrack.linkcheck.rules import RuleSet, parked_page
from dltrack.linkcheck.verdicts import Verdict

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
    page_title: str | None = None  # the title the final page gives itself, when it was read

    def __reduce__(self) -> tuple[type[Decision], tuple[object, ...]]:
        # Pickled by position: a split run sends one per link between processes, and
        # the default for a frozen, slotted dataclass looks its fields up every time.
        return Decision, (
            self.verdict, self.reason, self.http_status, self.final_url, self.moved_to,
            self.failure, self.page_title,
        )  # fmt: skip


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
        title = title_of(page_text) if page_text else None
        if match is not None:
            return Decision(match.verdict, match.reason, status, last.url, page_title=title)
        if page_text and (sign := parked_page(page_text)) is not None:
            reason = f"parked domain: {sign}"
            return Decision(Verdict.DEAD, reason, status, last.url, page_title=title)
        moved_to = None
        for hop in chain[:-1]:
            if hop.status in PERMANENT_REDIRECTS:
                moved_to = hop.location
        if moved_to is not None:
            # The target is in moved_to; every report shows it once, after the reason.
            return Decision(
                Verdict.MOVED, "moved permanently", status, last.url, moved_to, page_title=title
            )
        return Decision(Verdict.OK, status_text(status), status, last.url, page_title=title)
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
    # A date: rare, and email.utils is a few milliseconds of every check's start-up.
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def private_redirect(address: str, status: int | None = None, url: str | None = None) -> Decision:
    """The verdict for a redirect from a public address into a private one: not followed."""
    return Decision(
        Verdict.BLOCKED,
        f"redirect into a private address ({address[:100]}) not followed",
        status,
        url,
        failure=Failure.PRIVATE_ADDRESS,
    )
