"""The engine's per-request decision, without a network: what comes after each outcome."""

from __future__ import annotations

import pytest

from dltrack.linkcheck.decisions import Decision, Hop
from dltrack.linkcheck.next_step import (
    Confirm,
    Finish,
    Follow,
    Outcome,
    Retry,
    backoff_base,
    next_step,
)
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.outcomes import Failure
from dltrack.linkcheck.rules import RuleSet
from dltrack.linkcheck.verdicts import Verdict

A, B = "https://a.example/", "https://b.example/"
OPTS = CheckOptions(retries=2, backoff=0.2, backoff_max=8.0, retry_after_cap=60.0)
TIMEOUT = Decision(Verdict.ERROR, "timed out after 10 s", failure=Failure.TIMEOUT)
REFUSED = Decision(Verdict.DEAD, "connection refused", failure=Failure.REFUSED)


def decide(
    outcome: Outcome,
    *,
    chain: list[Hop] | None = None,
    retries_left: int = 2,
    head_status: int | None = None,
    rules: RuleSet | None = None,
) -> object:
    return next_step(
        outcome,
        chain=chain or [],
        retries_left=retries_left,
        head_status=head_status,
        rules=rules,
        options=OPTS,
    )


def test_a_200_concludes_ok() -> None:
    step = decide(Outcome("GET", A, status=200))
    assert isinstance(step, Finish)
    assert (step.decision.verdict, step.decision.reason) == (Verdict.OK, "200 OK")
    assert not step.head_unreliable and step.pause_host == 0


def test_a_retryable_failure_is_retried_at_once_then_with_backoff() -> None:
    assert decide(Outcome("GET", A, failure=TIMEOUT), retries_left=2) == Retry(0.0)
    assert decide(Outcome("GET", A, failure=TIMEOUT), retries_left=1) == Retry(0.2)
    step = decide(Outcome("GET", A, failure=TIMEOUT), retries_left=0)
    assert step == Finish(TIMEOUT)


def test_a_refused_connection_is_an_answer_not_an_accident() -> None:
    assert decide(Outcome("GET", A, failure=REFUSED)) == Finish(REFUSED)


def test_a_failure_after_a_redirect_says_where_the_chain_broke() -> None:
    step = decide(Outcome("GET", B, failure=REFUSED), chain=[Hop(A, 301, B)])
    assert isinstance(step, Finish)
    assert step.decision.final_url == B


def test_a_redirect_is_followed_and_a_loop_is_dead() -> None:
    step = decide(Outcome("GET", A, status=301, location="/b", target=B))
    # From a public host to a name: followed, and the name must turn out public too.
    assert step == Follow(Hop(A, 301, B), public_only=True)
    looped = decide(
        Outcome("GET", A, status=302, location=B, target=B), chain=[Hop(A, 302, B), Hop(B, 302, A)]
    )
    assert isinstance(looped, Finish)
    assert (looped.decision.verdict, looped.decision.reason) == (Verdict.DEAD, "redirect loop")


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:8080/admin",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_a_redirect_from_a_public_address_into_a_private_one_is_blocked(target: str) -> None:
    outcome = Outcome("GET", A, status=302, location=target, target=target, peer="93.184.216.34")
    step = decide(outcome)
    assert isinstance(step, Finish)
    assert step.decision.verdict is Verdict.BLOCKED
    assert step.decision.failure is Failure.PRIVATE_ADDRESS
    assert "not followed" in step.decision.reason
    # A name without a known address counts as public too.
    named = decide(Outcome("GET", A, status=302, location=target, target=target))
    assert isinstance(named, Finish) and named.decision.verdict is Verdict.BLOCKED


def test_private_redirects_are_followed_from_private_addresses_or_when_allowed() -> None:
    inside = Outcome(
        "GET", "http://127.0.0.1:9/", status=302, location="/x", target="http://10.0.0.1/"
    )
    assert decide(inside) == Follow(Hop("http://127.0.0.1:9/", 302, "http://10.0.0.1/"))
    from_lan = Outcome(
        "GET", A, status=302, location="/x", target="http://10.0.0.1/", peer="192.168.1.9"
    )
    assert isinstance(decide(from_lan), Follow)
    allowed = next_step(
        Outcome("GET", A, status=302, location="/x", target="http://127.0.0.1/", peer="8.8.8.8"),
        chain=[],
        retries_left=2,
        head_status=None,
        rules=None,
        options=CheckOptions(allow_private_redirects=True),
    )
    assert allowed == Follow(Hop(A, 302, "http://127.0.0.1/"))


def test_a_page_that_cannot_be_read_for_its_rules_is_an_error() -> None:
    rules = RuleSet([{"host": "a.example", "dead_if": ["gone"]}], builtins=False)
    outcome = Outcome("GET", A, status=200, unreadable="unsupported content encoding 'br'")
    step = decide(outcome, rules=rules)
    assert isinstance(step, Finish)
    assert step.decision.verdict is Verdict.ERROR
    assert (
        step.decision.reason
        == "200 OK, but the page cannot be read: unsupported content encoding 'br'"
    )


def test_a_redirect_to_an_unusable_url_is_an_error() -> None:
    step = decide(Outcome("GET", A, status=302, location="ftp://x/", target=None))
    assert isinstance(step, Finish)
    assert step.decision.verdict is Verdict.ERROR
    assert step.decision.reason == "302 Found to an unusable URL: ftp://x/"


def test_a_5xx_is_retried_locally_and_a_bare_429_pauses_the_host() -> None:
    assert decide(Outcome("GET", A, status=503), retries_left=1) == Retry(0.2)
    limited = decide(Outcome("GET", A, status=429), retries_left=2)
    assert limited == Retry(0.2, host_wide=True)
    assert isinstance(decide(Outcome("GET", A, status=503), retries_left=0), Finish)


def test_retry_after_is_honoured_for_the_host_up_to_the_cap() -> None:
    step = decide(Outcome("GET", A, status=503, retry_after="5"))
    assert step == Retry(5.0, host_wide=True, jitter=False)
    too_long = decide(Outcome("GET", A, status=429, retry_after="3600"))
    assert isinstance(too_long, Finish)
    assert (too_long.decision.verdict, too_long.pause_host) == (Verdict.BLOCKED, 60.0)


def test_head_is_confirmed_with_get_and_a_retry_doubles_as_the_get() -> None:
    assert decide(Outcome("HEAD", A, status=405)) == Confirm(405)
    assert decide(Outcome("HEAD", A, status=503), retries_left=1) == Retry(0.2, use_get=True)
    # The GET that confirmed a HEAD 405 said 200: HEAD is not to be trusted on this host.
    step = decide(Outcome("GET", A, status=200), head_status=405)
    assert isinstance(step, Finish) and step.head_unreliable


def test_rules_judge_the_page_only_when_given() -> None:
    rules = RuleSet([{"host": "a.example", "dead_if": ["gone for good"]}], builtins=False)
    page = Outcome("GET", A, status=200, text="<p>gone for good</p>")
    judged = decide(page, rules=rules)
    assert isinstance(judged, Finish) and judged.decision.verdict is Verdict.DEAD
    unjudged = decide(page)
    assert isinstance(unjudged, Finish) and unjudged.decision.verdict is Verdict.OK


@pytest.mark.parametrize(
    ("step", "rate_limited", "wait"),
    [(0, False, 0.0), (1, False, 0.2), (2, False, 0.4), (0, True, 0.2), (10, True, 8.0)],
)
def test_backoff_base(step: int, rate_limited: bool, wait: float) -> None:
    assert backoff_base(step, 0.2, 8.0, rate_limited=rate_limited) == pytest.approx(wait)
