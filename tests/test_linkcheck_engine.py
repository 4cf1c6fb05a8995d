"""The link-checking engine against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import time
from collections.abc import Iterable
from dataclasses import replace

import httpx
import pytest

from dltrack.catalogue.model import LinkRule
from dltrack.errors import NetworkUnreachable
from dltrack.linkcheck import (
    WECHAT,
    ZHIHU,
    CheckOptions,
    ContentRule,
    Failure,
    LinkChecker,
    LinkResult,
    RuleSet,
    Verdict,
    check_links,
    check_links_async,
)
from dltrack.linkcheck.engine import RulesArg
from dltrack.linkcheck.http.via_httpx import OriginPools
from dltrack.linkcheck.next_step import retry_delay
from linkserver import (
    LinkServer,
    Reply,
    Request,
    extra_servers,
    free_port,
    page_url,
    peak_overlap,
    self_signed_certificate,
)

# Short timeouts and backoffs keep the whole module fast.
FAST = CheckOptions(timeout=0.5, retries=2, backoff=0.01, backoff_max=0.05, retry_after_cap=3)


def check(
    urls: Iterable[str], options: CheckOptions = FAST, rules: RulesArg = None
) -> dict[str, LinkResult[str]]:
    """Run the engine over urls (each its own key) and index the results by URL."""
    results = check_links([(u, u) for u in urls], options=options, rules=rules)
    return {r.key: r for r in results}


def one(url: str, options: CheckOptions = FAST, rules: RulesArg = None) -> LinkResult[str]:
    """Check a single URL through the full run machinery."""
    return check([url], options, rules)[url]


def as_local(rule: ContentRule, server: LinkServer) -> ContentRule:
    """A built-in rule re-keyed to the loopback host, to test it on the local server."""
    return replace(rule, host=server.host)


# -- plain statuses ----------------------------------------------------------------------


def test_200_is_ok_with_a_single_get(linkserver: LinkServer) -> None:
    url = linkserver.url("/ok")
    result = one(url)
    assert result.verdict is Verdict.OK
    assert (result.http_status, result.final_url, result.reason) == (200, url, "200 OK")
    assert result.attempts == 1
    assert result.failure is None and result.moved_to is None
    assert result.checked_at.tzinfo is not None
    assert linkserver.methods("/ok") == ["GET"]


@pytest.mark.parametrize(
    ("code", "verdict", "reason"),
    [
        (404, Verdict.DEAD, "404 Not Found"),
        (410, Verdict.DEAD, "410 Gone"),
        (403, Verdict.BLOCKED, "403 Forbidden"),
        (401, Verdict.BLOCKED, "401 Unauthorized"),
        (451, Verdict.BLOCKED, "451 Unavailable For Legal Reasons"),
        (418, Verdict.ERROR, "418 I'm a Teapot"),
    ],
)
def test_status_codes(linkserver: LinkServer, code: int, verdict: Verdict, reason: str) -> None:
    target = f"/status/{code}"
    result = one(linkserver.url(target))
    assert (result.verdict, result.http_status, result.reason) == (verdict, code, reason)
    assert linkserver.methods(target) == ["GET"]
    assert result.attempts == 1


HEAD_FIRST = replace(FAST, head_first=True)


@pytest.mark.parametrize(
    ("code", "verdict"), [(404, Verdict.DEAD), (410, Verdict.DEAD), (403, Verdict.BLOCKED)]
)
def test_head_first_confirms_a_refusal_with_get(
    linkserver: LinkServer, code: int, verdict: Verdict
) -> None:
    target = f"/status/{code}"
    result = one(linkserver.url(target), HEAD_FIRST)
    assert (result.verdict, result.http_status) == (verdict, code)
    # HEAD is trusted only when it says "alive": a refusal is confirmed with one GET.
    assert linkserver.methods(target) == ["HEAD", "GET"]
    assert result.attempts == 2


def test_head_first_trusts_a_head_that_says_alive(linkserver: LinkServer) -> None:
    assert one(linkserver.url("/ok"), HEAD_FIRST).verdict is Verdict.OK
    assert linkserver.methods("/ok") == ["HEAD"]


def test_head_refused_is_confirmed_with_get(linkserver: LinkServer) -> None:
    result = one(linkserver.url("/head-refused"), HEAD_FIRST)
    assert result.verdict is Verdict.OK
    assert linkserver.methods("/head-refused") == ["HEAD", "GET"]


def test_a_get_first_check_never_sends_head(linkserver: LinkServer) -> None:
    assert one(linkserver.url("/head-404")).verdict is Verdict.OK
    assert linkserver.methods("/head-404") == ["GET"]


def test_host_that_mishandles_head_gets_get_from_then_on(linkserver: LinkServer) -> None:
    urls = [linkserver.url(f"/head-404?id={i}") for i in range(3)]
    results = check(urls, replace(HEAD_FIRST, per_host=1))
    assert all(r.verdict is Verdict.OK for r in results.values())
    assert linkserver.methods("/head-404?id=0") == ["HEAD", "GET"]
    assert linkserver.methods("/head-404?id=1") == ["GET"]
    assert linkserver.methods("/head-404?id=2") == ["GET"]


# -- redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_is_moved_with_the_new_url(linkserver: LinkServer, code: int) -> None:
    result = one(linkserver.url(f"/redirect/{code}?to=/ok"))
    assert result.verdict is Verdict.MOVED
    assert result.moved_to == result.final_url == linkserver.url("/ok")
    assert result.http_status == 200
    assert result.attempts == 2


def test_temporary_redirect_chain_is_ok(linkserver: LinkServer) -> None:
    result = one(linkserver.url("/chain/3"))
    assert result.verdict is Verdict.OK
    assert result.final_url == linkserver.url("/chain/0")
    assert result.moved_to is None
    assert result.attempts == 4


def test_one_permanent_hop_in_a_chain_makes_it_moved(linkserver: LinkServer) -> None:
    # 302 → 301 → 307 → 200: the catalogue should point at the 301's target.
    inner = "/redirect/301?to=/redirect/307%3Fto%3D/ok"
    result = one(
        linkserver.url("/redirect/302?to=" + inner.replace("?", "%3F").replace("=", "%3D"))
    )
    assert result.verdict is Verdict.MOVED
    assert result.moved_to == linkserver.url("/redirect/307?to=/ok")
    assert result.final_url == linkserver.url("/ok")


def test_redirect_loop_is_dead(linkserver: LinkServer) -> None:
    result = one(linkserver.url("/loop/a"))
    assert (result.verdict, result.reason) == (Verdict.DEAD, "redirect loop")
    assert result.attempts <= 4


def test_too_many_redirects_is_dead(linkserver: LinkServer) -> None:
    result = one(linkserver.url("/chain/5"), replace(FAST, max_redirects=3))
    assert (result.verdict, result.reason) == (Verdict.DEAD, "too many redirects (>3)")
    assert result.attempts == 4


def cookie_dance(server: LinkServer) -> None:
    """/dance: 302 to /dance/set without a cookie, which sets one and 302s back; then 200."""

    def dance(request: Request) -> Reply:
        if "seen=1" in request.headers.get("cookie", ""):
            return Reply(200, "<html><body>welcome back</body></html>")
        return Reply(302, headers={"Location": "/dance/set?" + request.query.get("id", "")})

    def set_cookie(request: Request) -> Reply:
        back = "/dance?id=" + request.target.split("?", 1)[1]
        return Reply(302, headers={"Location": back, "Set-Cookie": "seen=1; Path=/"})

    server.route("/dance", dance)
    server.route("/dance/set", set_cookie)


def test_a_cookie_setting_redirect_dance_ends_ok(linkserver: LinkServer) -> None:
    cookie_dance(linkserver)
    result = one(linkserver.url("/dance?id=1"))
    assert (result.verdict, result.attempts) == (Verdict.OK, 3)
    assert result.final_url == linkserver.url("/dance?id=1")


def test_cookies_do_not_travel_from_one_url_to_the_next(linkserver: LinkServer) -> None:
    cookie_dance(linkserver)
    urls = [linkserver.url(f"/dance?id={i}") for i in range(3)]
    results = check(urls, replace(FAST, per_host=1))
    # Each URL dances on its own: a cookie set for one check is not sent with another.
    assert [results[u].attempts for u in urls] == [3, 3, 3]
    assert all(results[u].verdict is Verdict.OK for u in urls)


def test_redirect_to_a_refused_port_reports_where_it_broke(linkserver: LinkServer) -> None:
    dead_end = f"http://127.0.0.1:{free_port()}/gone"
    url = linkserver.url(f"/redirect/302?to={dead_end}")
    result = check([url, linkserver.url("/ok")])[url]
    assert (result.verdict, result.reason) == (Verdict.DEAD, "connection refused")
    assert result.final_url == dead_end


# -- retries, Retry-After, timeouts --------------------------------------------------------


def test_503_once_then_200_is_ok_after_one_retry(linkserver: LinkServer) -> None:
    target = "/flaky?times=1&status=503"
    result = one(linkserver.url(target))
    assert (result.verdict, result.attempts) == (Verdict.OK, 2)
    assert linkserver.methods(target) == ["GET", "GET"]


def test_the_first_retry_goes_at_once_and_the_second_waits(linkserver: LinkServer) -> None:
    # A backoff this long would be plain to see: the first retry must not wait for it,
    # the second must (at least half of it, the low end of the jitter).
    target = "/flaky?times=2&status=503"
    result = one(linkserver.url(target), replace(FAST, backoff=0.6, backoff_max=5))
    assert (result.verdict, result.attempts) == (Verdict.OK, 3)
    first, second, third = linkserver.arrivals[target]
    assert second - first < 0.3
    assert third - second >= 0.3


def test_a_bare_429_waits_before_its_first_retry(linkserver: LinkServer) -> None:
    target = "/flaky?times=1&status=429"
    result = one(linkserver.url(target), replace(FAST, backoff=0.6, backoff_max=5))
    assert (result.verdict, result.attempts) == (Verdict.OK, 2)
    first, second = linkserver.arrivals[target]
    assert second - first >= 0.3


@pytest.mark.parametrize(
    ("step", "rate_limited", "low", "high"),
    [
        (0, False, 0.0, 0.0),  # a 5xx, timeout or reset: retried at once
        (1, False, 0.5, 1.0),
        (2, False, 1.0, 2.0),
        (5, False, 1.5, 3.0),  # capped at backoff_max
        (0, True, 0.5, 1.0),  # a bare 429 waits from the first retry
        (1, True, 1.0, 2.0),
    ],
)
def test_retry_delay(step: int, rate_limited: bool, low: float, high: float) -> None:
    for _ in range(50):
        delay = retry_delay(step, 1.0, 3.0, rate_limited=rate_limited)
        assert low <= delay <= high


def test_503_to_head_is_retried_with_get(linkserver: LinkServer) -> None:
    target = "/flaky?times=1&status=503"
    result = one(linkserver.url(target), HEAD_FIRST)
    assert (result.verdict, result.attempts) == (Verdict.OK, 2)
    assert linkserver.methods(target) == ["HEAD", "GET"]  # the retry doubles as the GET


@pytest.mark.parametrize("retries", [0, 1, 2])
def test_persistent_500_is_retried_exactly_retries_times(
    linkserver: LinkServer, retries: int
) -> None:
    result = one(linkserver.url("/status/500"), replace(FAST, retries=retries))
    assert (result.verdict, result.reason) == (Verdict.ERROR, "500 Internal Server Error")
    assert result.attempts == retries + 1 == linkserver.hits["/status/500"]


def test_persistent_429_is_blocked(linkserver: LinkServer) -> None:
    linkserver.route("/busy", lambda _: Reply(429, "no"))
    result = one(linkserver.url("/busy"))
    assert (result.verdict, result.http_status) == (Verdict.BLOCKED, 429)
    assert result.attempts == 3


def test_retry_after_pauses_the_whole_host(linkserver: LinkServer) -> None:
    limited = "/retry-after?secs=1"
    # A second worker is busy with a slow URL when the 429 arrives; the next URL it
    # takes must wait for the pause too, not just the URL that got the 429.
    urls = [linkserver.url(limited), linkserver.url("/delay?ms=150"), linkserver.url("/ok?id=next")]
    results = check(urls, replace(FAST, per_host=2))
    assert results[urls[0]].verdict is Verdict.OK
    assert results[urls[0]].attempts == 2
    first_429 = linkserver.arrivals[limited][0]
    assert linkserver.arrivals[limited][1] - first_429 >= 0.95
    assert linkserver.arrivals["/ok?id=next"][0] - first_429 >= 0.95


def test_retry_after_as_http_date(linkserver: LinkServer) -> None:
    target = "/retry-after?secs=1&date=1"
    result = one(linkserver.url(target))
    assert result.verdict is Verdict.OK
    # The retry comes no earlier than the instant the date names (give or take clocks).
    assert linkserver.arrivals[target][1] >= linkserver.notes[target] - 0.05


def test_retry_after_beyond_the_cap_gives_up_at_once(linkserver: LinkServer) -> None:
    linkserver.route("/maintenance", lambda _: Reply(503, headers={"Retry-After": "3600"}))
    start = time.monotonic()
    result = one(linkserver.url("/maintenance"), replace(FAST, retry_after_cap=0.2))
    assert (result.verdict, result.attempts) == (Verdict.ERROR, 1)
    assert time.monotonic() - start < 2


def test_slow_answer_times_out_and_is_retried(linkserver: LinkServer) -> None:
    options = replace(FAST, timeout=0.3, retries=1)
    result = one(linkserver.url("/slow?secs=2"), options)
    assert (result.verdict, result.failure) == (Verdict.ERROR, Failure.TIMEOUT)
    assert result.reason == "timed out after 0.3 s"
    assert result.attempts == 2 == linkserver.hits["/slow?secs=2"]


def test_dropped_connection_is_retried_then_error(linkserver: LinkServer) -> None:
    result = one(linkserver.url("/drop"))
    assert (result.verdict, result.failure) == (Verdict.ERROR, Failure.PROTOCOL)
    assert result.attempts == 3 == linkserver.hits["/drop"]


def test_reset_once_then_ok(linkserver: LinkServer) -> None:
    linkserver.route(
        "/hiccup",
        lambda r: Reply(drop=True) if linkserver.hits[r.target] == 1 else Reply(200, "ok"),
    )
    result = one(linkserver.url("/hiccup"))
    assert (result.verdict, result.attempts) == (Verdict.OK, 2)


# -- bodies and content rules ------------------------------------------------------------


def test_endless_body_is_cut_at_the_cap(linkserver: LinkServer) -> None:
    rules = [ContentRule(host=linkserver.host, dead_if=("never there",))]
    options = replace(FAST, timeout=5, body_cap=64 * 1024)
    start = time.monotonic()
    result = one(linkserver.url("/endless"), options, rules)
    assert result.verdict is Verdict.OK
    assert time.monotonic() - start < 2  # the cap stopped it, not the 5 s timeout
    assert linkserver.methods("/endless") == ["GET"]


def test_endless_body_without_rules_is_never_read(linkserver: LinkServer) -> None:
    linkserver.route(
        "/endless-get", lambda r: Reply(405) if r.method == "HEAD" else Reply(endless=True)
    )
    start = time.monotonic()
    result = one(linkserver.url("/endless-get"), replace(FAST, timeout=5))
    assert result.verdict is Verdict.OK
    assert time.monotonic() - start < 2


def test_trickling_body_is_judged_on_what_arrived_in_time(linkserver: LinkServer) -> None:
    rules = [ContentRule(host=linkserver.host, dead_if=("never there",))]
    start = time.monotonic()
    result = one(linkserver.url("/trickle"), replace(FAST, timeout=0.4), rules)
    assert result.verdict is Verdict.OK
    assert time.monotonic() - start < 1.5


@pytest.mark.parametrize(
    ("target", "verdict", "reason"),
    [
        ("/wechat/deleted", Verdict.DEAD, "soft 404: 该内容已被发布者删除"),
        ("/wechat/verify", Verdict.BLOCKED, "blocked page: 完成验证后即可继续访问"),
        ("/wechat/article", Verdict.OK, "200 OK"),
    ],
)
def test_wechat_rules_on_the_loopback_host(
    linkserver: LinkServer, target: str, verdict: Verdict, reason: str
) -> None:
    result = one(linkserver.url(target), rules=[as_local(WECHAT, linkserver)])
    assert (result.verdict, result.reason, result.http_status) == (verdict, reason, 200)
    assert linkserver.methods(target) == ["GET"]  # a host with rules is read, never HEADed


@pytest.mark.parametrize(
    ("target", "verdict"), [("/zhihu/404", Verdict.DEAD), ("/zhihu/verify", Verdict.BLOCKED)]
)
def test_zhihu_rules_on_the_loopback_host(
    linkserver: LinkServer, target: str, verdict: Verdict
) -> None:
    assert one(linkserver.url(target), rules=[as_local(ZHIHU, linkserver)]).verdict is verdict


def test_curator_rules_from_the_catalogue_model(linkserver: LinkServer) -> None:
    rules = [
        LinkRule(host="127.0.0.1", dead_if=["Gone Fishing"], blocked_if=["prove you are human"])
    ]
    dead = page_url(linkserver, "We have gone fishing, sorry")
    blocked = page_url(linkserver, "Please PROVE YOU ARE HUMAN")
    alive = page_url(linkserver, "a normal page")
    results = check([dead, blocked, alive], rules=rules)
    assert results[dead].verdict is Verdict.DEAD
    assert results[dead].reason == "soft 404: Gone Fishing"
    assert results[blocked].verdict is Verdict.BLOCKED
    assert results[alive].verdict is Verdict.OK


def test_curator_rules_as_plain_mappings(linkserver: LinkServer) -> None:
    url = page_url(linkserver, "This page was removed")
    rules = RuleSet([{"host": "127.0.0.1", "dead_if": ["was removed"]}], builtins=False)
    assert one(url, rules=rules).verdict is Verdict.DEAD


@pytest.mark.parametrize(
    ("charset", "declare"), [("gbk", "header"), ("gb2312", "meta"), ("utf-8", "meta")]
)
def test_rules_see_the_page_in_its_own_charset(
    linkserver: LinkServer, charset: str, declare: str
) -> None:
    url = page_url(linkserver, "该内容已被发布者删除", charset=charset, declare=declare)
    result = one(url, rules=[as_local(WECHAT, linkserver)])
    assert result.verdict is Verdict.DEAD


def test_rules_apply_only_to_a_200_page(linkserver: LinkServer) -> None:
    url = page_url(linkserver, "该内容已被发布者删除", status="500")
    result = one(url, replace(FAST, retries=0), rules=[as_local(WECHAT, linkserver)])
    assert (result.verdict, result.http_status) == (Verdict.ERROR, 500)


# -- connection-level failures --------------------------------------------------------------


def test_connection_refused_is_dead_and_not_retried(linkserver: LinkServer) -> None:
    refused = f"http://127.0.0.1:{free_port()}/"
    result = check([refused, linkserver.url("/ok")])[refused]
    assert (result.verdict, result.reason, result.failure) == (
        Verdict.DEAD,
        "connection refused",
        Failure.REFUSED,
    )
    assert (result.http_status, result.final_url, result.attempts) == (None, None, 1)


# Names under .invalid never resolve; conftest answers every lookup locally (no DNS
# server is asked), so these tests see NXDOMAIN on any machine.


def test_unknown_host_among_good_ones_is_dead(linkserver: LinkServer) -> None:
    unknown = "http://nonexistent.invalid/"
    good = [linkserver.url(f"/ok?id={i}") for i in range(5)]
    results = check([unknown, *good])
    assert (results[unknown].verdict, results[unknown].reason) == (Verdict.DEAD, "host not found")
    assert results[unknown].failure is Failure.DNS_NOT_FOUND
    assert all(results[u].verdict is Verdict.OK for u in good)


def test_no_network_raises_and_reports_nothing_dead(no_proxy_env: None) -> None:
    urls = [f"http://host{i}.invalid/page" for i in range(6)]
    urls += [f"http://127.0.0.1:{free_port()}/x" for _ in range(4)]
    seen: list[LinkResult[str]] = []
    with pytest.raises(NetworkUnreachable) as caught:
        check_links([(u, u) for u in urls], options=FAST, on_result=seen.append)
    assert seen == []
    assert caught.value.exit_code == 4
    assert "of 10 hosts" in caught.value.message


def test_one_or_two_dead_hosts_alone_are_not_an_offline_machine(no_proxy_env: None) -> None:
    urls = ["http://nonexistent.invalid/a", "http://nonexistent.invalid/b"]
    urls.append(f"http://127.0.0.1:{free_port()}/")
    results = check(urls)
    assert [r.verdict for r in results.values()] == [Verdict.DEAD] * 3


def test_dead_hosts_are_held_until_some_server_answers(linkserver: LinkServer) -> None:
    # Four refused ports answer instantly; the live server is slower. They must still
    # come out as dead, once the live host proves the network is up.
    refused = [f"http://127.0.0.1:{free_port()}/" for _ in range(4)]
    live = linkserver.url("/delay?ms=200")
    order: list[str] = []
    results = check_links(
        [(u, u) for u in [*refused, live]], options=FAST, on_result=lambda r: order.append(r.key)
    )
    assert {r.key: r.verdict for r in results} == {
        **dict.fromkeys(refused, Verdict.DEAD),
        live: Verdict.OK,
    }
    assert set(order[:4]) == set(refused) and order[4] == live


def test_tls_failure_is_error_and_not_a_network_failure(linkserver: LinkServer) -> None:
    url = linkserver.url("/ok").replace("http://", "https://")
    result = one(url)
    assert (result.verdict, result.failure) == (Verdict.ERROR, Failure.TLS)
    assert result.reason.startswith("TLS failure")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (made with openssl; skip without it)."""
    made = self_signed_certificate(str(tmp_path_factory.mktemp("tls")))
    if made is None:
        pytest.skip("the openssl tool is needed to make a test certificate")
    return made


def test_https_with_a_trusted_certificate(
    certificate: tuple[str, str], monkeypatch: pytest.MonkeyPatch, no_proxy_env: None
) -> None:
    # SSL_CERT_FILE is honoured like the proxy variables: the CA store comes from the env.
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])
    with LinkServer(tls=certificate) as server:
        urls = [server.url("/ok"), server.url("/status/404"), server.url("/redirect/301?to=/ok")]
        results = check(urls, replace(FAST, per_host=1))
        assert [results[u].verdict for u in urls] == [Verdict.OK, Verdict.DEAD, Verdict.MOVED]
        assert results[urls[2]].moved_to == server.url("/ok")
        assert server.connections == 1  # one TLS handshake, then keep-alive


def test_https_with_an_untrusted_certificate_is_a_tls_error(
    certificate: tuple[str, str], monkeypatch: pytest.MonkeyPatch, no_proxy_env: None
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with LinkServer(tls=certificate) as server:
        result = one(server.url("/ok"))
    assert (result.verdict, result.failure) == (Verdict.ERROR, Failure.TLS)
    assert "self-signed" in result.reason or "self signed" in result.reason
    assert result.attempts == 1  # a certificate problem is not retried


def test_repeated_host_failures_skip_the_rest_of_the_host(linkserver: LinkServer) -> None:
    port = free_port()
    refused = [f"http://127.0.0.1:{port}/{i}" for i in range(8)]
    results = check([linkserver.url("/ok"), *refused], replace(FAST, per_host=1, host_give_up=3))
    attempts = sorted(results[u].attempts for u in refused)
    assert attempts == [0] * 5 + [1] * 3
    assert all(results[u].verdict is Verdict.DEAD for u in refused)
    skipped = [results[u] for u in refused if results[u].attempts == 0]
    assert all("not requested" in r.reason for r in skipped)


def test_invalid_urls_are_errors_without_requests(no_proxy_env: None) -> None:
    # httpx itself takes port 99999; connecting to it would raise OverflowError. No
    # resolver takes the last three names; asked anyway, they would come back unknown
    # (dead), not invalid.
    urls = ["ftp://example.org/file", "not a url", "http://127.0.0.1:99999/", "http://[::1/"]
    urls += ["http://xn--zz/", "http://a..b/page", "http://-x.test/"]
    results = check(urls)
    assert len(results) == len(urls)
    for result in results.values():
        assert (result.verdict, result.failure, result.attempts) == (
            Verdict.ERROR,
            Failure.INVALID_URL,
            0,
        )


# -- scheduling ----------------------------------------------------------------------------


def test_per_host_cap_is_respected(linkserver: LinkServer) -> None:
    urls = [linkserver.url(f"/delay?ms=60&id={i}") for i in range(24)]
    results = check(urls, replace(FAST, per_host=3, concurrency=64))
    assert all(r.verdict is Verdict.OK for r in results.values())
    assert linkserver.peak == 3


def test_global_cap_is_respected_across_hosts(linkserver: LinkServer) -> None:
    with extra_servers(3) as others:
        servers = [linkserver, *others]
        urls = [s.url(f"/delay?ms=50&id={i}") for s in servers for i in range(8)]
        results = check(urls, replace(FAST, per_host=4, concurrency=5))
        assert all(r.verdict is Verdict.OK for r in results.values())
        assert peak_overlap([span for s in servers for span in s.spans]) == 5
        assert all(s.peak <= 4 for s in servers)


def test_a_slow_host_does_not_starve_the_others(linkserver: LinkServer) -> None:
    with extra_servers(1) as (fast,):
        slow_urls = [linkserver.url(f"/delay?ms=600&id={i}") for i in range(3)]
        fast_urls = [fast.url(f"/delay?ms=5&id={i}") for i in range(20)]
        finished: dict[str, float] = {}
        check_links(
            [(u, u) for u in slow_urls + fast_urls],
            options=replace(FAST, timeout=2, per_host=3, concurrency=4),
            on_result=lambda r: finished.setdefault(r.key, time.monotonic()),
        )
        # 6 workers share 4 global slots: the slow host can hold at most its 3, so the
        # fast host keeps going and finishes while the slow answers are still pending.
        assert max(finished[u] for u in fast_urls) < min(finished[u] for u in slow_urls)


def test_min_interval_spaces_request_starts(linkserver: LinkServer) -> None:
    urls = [linkserver.url(f"/ok?id={i}") for i in range(5)]
    check(urls, replace(FAST, min_interval=0.1))
    starts = sorted(t for target, times in linkserver.arrivals.items() for t in times)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 5 and min(gaps) >= 0.08  # starts are 0.1 s apart; arrivals jitter


def test_connections_are_reused(linkserver: LinkServer) -> None:
    urls = [linkserver.url(f"/ok?id={i}") for i in range(40)]
    check(urls, replace(FAST, per_host=4))
    assert linkserver.connections <= 4


# -- the API around the engine ---------------------------------------------------------------


def test_duplicate_urls_are_checked_once_and_reported_per_key(linkserver: LinkServer) -> None:
    url = linkserver.url("/ok")
    results = check_links([(1, url), (2, url), (3, linkserver.url("/status/404"))], options=FAST)
    assert sorted(r.key for r in results) == [1, 2, 3]
    assert linkserver.hits["/ok"] == 1


def test_results_stream_as_they_complete(linkserver: LinkServer) -> None:
    async def main() -> list[str]:
        jobs = [("slow", linkserver.url("/delay?ms=300")), ("fast", linkserver.url("/ok"))]
        async with LinkChecker(FAST) as checker:
            return [r.key async for r in checker.results(jobs)]

    assert asyncio.run(main()) == ["fast", "slow"]


def test_stopping_early_cancels_the_work_in_flight(linkserver: LinkServer) -> None:
    async def main() -> list[LinkResult[int]]:
        jobs = [(0, linkserver.url("/ok"))]
        jobs += [(i, linkserver.url(f"/slow?secs=5&id={i}")) for i in range(1, 6)]
        got: list[LinkResult[int]] = []
        async with (
            LinkChecker(replace(FAST, timeout=10)) as checker,
            contextlib.aclosing(checker.results(jobs)) as stream,
        ):
            async for result in stream:
                got.append(result)
                break
        return got

    start = time.monotonic()
    got = asyncio.run(main())
    assert [r.key for r in got] == [0]
    assert time.monotonic() - start < 2


def test_cancellation_keeps_what_was_already_reported(linkserver: LinkServer) -> None:
    stored: list[str] = []

    async def main() -> None:
        jobs = [("fast", linkserver.url("/ok")), ("slow", linkserver.url("/slow?secs=5"))]
        task = asyncio.create_task(
            check_links_async(
                jobs, options=replace(FAST, timeout=10), on_result=lambda r: stored.append(r.key)
            )
        )
        while not stored:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    start = time.monotonic()
    asyncio.run(main())
    assert stored == ["fast"]
    assert time.monotonic() - start < 2


def test_single_check_and_reuse_of_a_checker(linkserver: LinkServer) -> None:
    async def main() -> tuple[LinkResult[str], list[LinkResult[str]]]:
        checker = LinkChecker(FAST)
        single = await checker.check(linkserver.url("/ok"))  # opens and closes its own client
        async with checker:
            batch = await checker.run([("x", linkserver.url("/status/410"))])
        return single, batch

    single, batch = asyncio.run(main())
    assert (single.key, single.verdict) == (linkserver.url("/ok"), Verdict.OK)
    assert [(r.key, r.verdict) for r in batch] == [("x", Verdict.DEAD)]


def test_user_agent_and_language_are_sent(linkserver: LinkServer) -> None:
    seen: list[Request] = []

    def record(request: Request) -> Reply:
        seen.append(request)
        return Reply(200, "ok")

    linkserver.route("/who", record)
    one(linkserver.url("/who"), replace(FAST, user_agent="TestBrowser/1.0"))
    assert seen[0].headers["user-agent"] == "TestBrowser/1.0"
    assert seen[0].headers["accept-language"].startswith("zh-CN")


def test_options_are_validated() -> None:
    with pytest.raises(ValueError):
        CheckOptions(per_host=0)
    with pytest.raises(ValueError):
        CheckOptions(retries=-1)
    with pytest.raises(ValueError):
        CheckOptions(unreachable_ratio=1.5)
    with pytest.raises(ValueError):
        CheckOptions(user_agent="Navigateur/1.0 (é)")


# -- the network layer ------------------------------------------------------------------------


def fake_dns(monkeypatch: pytest.MonkeyPatch, names: dict[str, list[str]]) -> None:
    """Resolve the given names to the given loopback addresses, the rest as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> object:
        if host in names:
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))  # type: ignore[call-overload]
                for address in names[host]
            ]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_dead_first_address_falls_through_to_the_next(
    linkserver: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on 127.0.0.9 at the server's port: refused, then 127.0.0.1 works.
    fake_dns(monkeypatch, {"twoaddr.test": ["127.0.0.9", "127.0.0.1"]})
    url = f"http://twoaddr.test:{linkserver.port}/ok"
    assert one(url).verdict is Verdict.OK


def test_every_address_refused_is_still_connection_refused(
    linkserver: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dns(monkeypatch, {"nobody.test": ["127.0.0.9", "127.0.0.10"]})
    url = f"http://nobody.test:{free_port()}/"
    result = check([url, linkserver.url("/ok")])[url]
    assert (result.verdict, result.reason) == (Verdict.DEAD, "connection refused")


def test_http_proxy_from_the_environment(
    linkserver: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loopback server doubles as a forward proxy: it answers absolute-form targets.
    monkeypatch.setenv("HTTP_PROXY", linkserver.base_url)
    monkeypatch.setenv("NO_PROXY", "direct.invalid")
    via_proxy = "http://through-proxy.invalid/ok"
    assert one(via_proxy).verdict is Verdict.OK
    assert ("GET", via_proxy) in linkserver.log
    monkeypatch.setenv("NO_PROXY", "through-proxy.invalid")
    linkserver.reset_stats()
    assert one(via_proxy).failure in (Failure.DNS_NOT_FOUND, Failure.DNS_FAILED)
    assert linkserver.log == []


def test_proxies_are_ignored_without_trust_env(
    linkserver: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
    assert one(linkserver.url("/ok"), replace(FAST, trust_env=False)).verdict is Verdict.OK


def test_idle_pools_are_closed_beyond_the_limit(linkserver: LinkServer) -> None:
    async def main() -> int:
        pools = OriginPools(per_origin=2, max_pools=2, proxy_connections=2, trust_env=False)
        async with httpx.AsyncClient(transport=pools) as client:
            with extra_servers(3) as others:
                for server in [linkserver, *others]:
                    response = await client.get(server.url("/ok"))
                    assert response.status_code == 200
                return pools.open_pools

    assert asyncio.run(main()) == 2
