"""What to do after one request of a URL's check: retry, follow, confirm, or conclude.

Pure: the engine makes a request, hands its outcome here with where the check
stands, and carries out the Step it gets back (sleeping, pausing the host,
requesting again). Every rule of retrying and redirecting lives here, so it is
tested like ``classify`` is, without a network.

The records below are made for every request of a run, so they are plain slotted
dataclasses: a frozen one costs twice as much to make.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import TypeAlias
from urllib.parse import urlsplit

from dltrack.hosts import is_private
from dltrack.linkcheck.decisions import (
    RETRYABLE_FAILURES,
    Decision,
    Hop,
    classify,
    is_redirect,
    is_retryable_status,
    parse_retry_after,
    private_redirect,
    redirect_problem,
    status_text,
)
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.rules import RuleSet
from dltrack.linkcheck.verdicts import Verdict


def backoff_base(step: int, backoff: float, backoff_max: float, *, rate_limited: bool) -> float:
    """The wait before retry number step + 1 of a URL (step 0: the first retry), unjittered.

    The first retry after a 5xx, a timeout or a dropped connection goes at once, as
    urllib3's Retry does: such a failure is most often a one-off (a stale keep-alive
    connection, one busy backend), and a wait would only stretch the run, most of all
    when the URL is among the last of its host. From the second retry on the wait
    starts at ``backoff`` and doubles, up to ``backoff_max``. A 429 without
    Retry-After waits from the first retry on: that server asked us to slow down.
    """
    if not rate_limited:
        if step == 0:
            return 0.0
        step -= 1
    return min(backoff_max, backoff * 2.0**step)


def retry_delay(
    step: int, backoff: float, backoff_max: float, *, rate_limited: bool = False
) -> float:
    """backoff_base with jitter, which spreads the retries of a burst that failed together."""
    return backoff_base(step, backoff, backoff_max, rate_limited=rate_limited) * random.uniform(
        0.5, 1.0
    )


@dataclass(slots=True)
class Outcome:
    """What one request brought: an answer (status and its headers) or a failure."""

    method: str
    url: str  # the URL requested
    failure: Decision | None = None
    status: int = 0
    location: str | None = None  # the redirect's Location header, as sent
    target: str | None = None  # the redirect's target resolved, when it is a usable URL
    retry_after: str | None = None
    text: str | None = None  # the page, when it was read
    peer: str | None = None  # the address that answered, when known (direct connections)
    unreadable: str | None = None  # why the page could not be read, when it was asked for


@dataclass(slots=True)
class Retry:
    """Ask again: after `wait` seconds (jittered when `jitter`), or after pausing the host."""

    wait: float
    host_wide: bool = False  # the server spoke for the whole host: pause its queue
    jitter: bool = True
    use_get: bool = False  # a HEAD's retry doubles as its confirming GET


@dataclass(slots=True)
class Follow:
    """Request the redirect's target next."""

    hop: Hop
    public_only: bool = False  # the target must turn out to have a public address


@dataclass(slots=True)
class Confirm:
    """HEAD did not say "alive": ask again with GET (not a retry)."""

    head_status: int


@dataclass(slots=True)
class Finish:
    """The check is over."""

    decision: Decision
    pause_host: float = 0.0  # a Retry-After too long to wait for: still honoured for the host
    head_unreliable: bool = False  # HEAD and GET disagreed here: use GET on this host


Step: TypeAlias = Retry | Follow | Confirm | Finish


def _public(outcome: Outcome) -> bool:
    """Whether the answer came from a public address (a name without one known: yes)."""
    if outcome.peer is not None:
        return not is_private(outcome.peer)
    return not is_private(urlsplit(outcome.url).hostname or "")


def next_step(
    outcome: Outcome,
    *,
    chain: list[Hop],
    retries_left: int,
    head_status: int | None,
    rules: RuleSet | None,
    options: CheckOptions,
) -> Step:
    """The next move of a URL's check after this outcome.

    chain holds the redirects so far (not this outcome); rules are given when the
    page's text was read for them.
    """
    step = options.retries - retries_left  # retries used so far
    failure = outcome.failure
    if failure is not None:
        if failure.failure in RETRYABLE_FAILURES and retries_left > 0:
            wait = backoff_base(step, options.backoff, options.backoff_max, rate_limited=False)
            return Retry(wait)
        if chain:  # a redirect led here: say where the chain broke
            failure = replace(failure, final_url=outcome.url)
        return Finish(failure)

    status = outcome.status
    if is_redirect(status, outcome.location):
        assert outcome.location is not None
        hop = Hop(outcome.url, status, outcome.target or outcome.location)
        followed = [*chain, hop]
        if redirect_problem(followed, options.max_redirects) is not None:
            return Finish(classify(followed, max_redirects=options.max_redirects))
        if outcome.target is None:
            reason = f"{status_text(status)} to an unusable URL: {outcome.location[:200]}"
            return Finish(Decision(Verdict.ERROR, reason, status, outcome.url))
        if options.allow_private_redirects or not _public(outcome):
            return Follow(hop)
        target_host = urlsplit(outcome.target).hostname or ""
        if is_private(target_host):
            return Finish(private_redirect(target_host, status, outcome.url))
        # A name: whether it is private is known once it is looked up.
        return Follow(hop, public_only=True)

    pause = 0.0
    if is_retryable_status(status):
        if retries_left > 0:
            delay = parse_retry_after(outcome.retry_after)
            cap = options.retry_after_cap
            if delay is None:
                limited = status == 429
                wait = backoff_base(
                    step, options.backoff, options.backoff_max, rate_limited=limited
                )
                # Rate limited without a hint: the whole host slows down.
                return Retry(wait, host_wide=limited, use_get=outcome.method == "HEAD")
            if delay <= cap:
                return Retry(delay, host_wide=True, jitter=False, use_get=outcome.method == "HEAD")
            pause = cap  # too long to wait for this URL, but the host is paused all the same
    elif outcome.method == "HEAD" and not 200 <= status < 300:
        # HEAD is trusted only when it says "alive": many servers answer HEAD with
        # 400/403/404/405/501 while GET works. The confirming GET is not a retry.
        return Confirm(status)
    hop = Hop(outcome.url, status)
    if outcome.unreadable is not None and rules is not None:
        # The content rules cannot judge a page they cannot read: say so, not "ok".
        reason = f"{status_text(status)}, but the page cannot be read: {outcome.unreadable}"
        return Finish(Decision(Verdict.ERROR, reason, status, outcome.url))
    decision = classify([*chain, hop], outcome.text, rules, max_redirects=options.max_redirects)
    return Finish(
        decision,
        pause_host=pause,
        head_unreliable=head_status is not None and status != head_status,
    )
