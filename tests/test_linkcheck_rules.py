"""The pure parts of link checking: classify, exception mapping, content rules, Retry-After."""

from __future__ import annotations

import errno
import itertools
import socket
import ssl
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dltrack.catalogue.model import LinkRule
from dltrack.linkcheck import (
    BUILTIN_RULES,
    WECHAT,
    ContentRule,
    Failure,
    Hop,
    RuleSet,
    Verdict,
    classify,
    classify_exception,
    parse_retry_after,
)
from dltrack.linkcheck.decisions import redirect_problem, status_text
from dltrack.linkcheck.http.answers import charset_of
from dltrack.linkcheck.pages import decode_body

A, B, C = "https://a.example/", "https://b.example/", "https://c.example/"

# -- classify -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chain", "verdict", "moved_to"),
    [
        ([Hop(A, 200)], Verdict.OK, None),
        ([Hop(A, 204)], Verdict.OK, None),
        ([Hop(A, 301, B), Hop(B, 200)], Verdict.MOVED, B),
        ([Hop(A, 308, B), Hop(B, 200)], Verdict.MOVED, B),
        ([Hop(A, 302, B), Hop(B, 303, C), Hop(C, 200)], Verdict.OK, None),
        ([Hop(A, 307, B), Hop(B, 301, C), Hop(C, 200)], Verdict.MOVED, C),
        # The new URL is the permanent target, not where later temporary hops lead.
        ([Hop(A, 301, B), Hop(B, 302, C), Hop(C, 200)], Verdict.MOVED, B),
        ([Hop(A, 301, B), Hop(B, 404)], Verdict.DEAD, None),
        ([Hop(A, 404)], Verdict.DEAD, None),
        ([Hop(A, 410)], Verdict.DEAD, None),
        ([Hop(A, 401)], Verdict.BLOCKED, None),
        ([Hop(A, 403)], Verdict.BLOCKED, None),
        ([Hop(A, 429)], Verdict.BLOCKED, None),
        ([Hop(A, 500)], Verdict.ERROR, None),
        ([Hop(A, 503)], Verdict.ERROR, None),
        ([Hop(A, 400)], Verdict.ERROR, None),
        ([Hop(A, 304)], Verdict.ERROR, None),
        ([Hop(A, 302)], Verdict.ERROR, None),  # no Location: nothing to follow
    ],
)
def test_classify_chains(chain: list[Hop], verdict: Verdict, moved_to: str | None) -> None:
    decision = classify(chain)
    assert (decision.verdict, decision.moved_to) == (verdict, moved_to)
    assert decision.http_status == chain[-1].status
    assert decision.final_url == chain[-1].url


def test_classify_reasons() -> None:
    assert classify([Hop(A, 404)]).reason == "404 Not Found"
    assert classify([Hop(A, 599)]).reason == "599"
    moved = classify([Hop(A, 301, B), Hop(B, 200)])
    assert (moved.reason, moved.moved_to) == ("moved permanently", B)
    assert status_text(429) == "429 Too Many Requests"


def test_redirect_loop_and_too_many() -> None:
    loop = [Hop(A, 302, B), Hop(B, 302, A), Hop(A, 302, B)]
    assert redirect_problem(loop, 10) == "redirect loop"
    assert classify(loop).verdict is Verdict.DEAD
    # Coming back once to a URL is a cookie dance, not yet a loop.
    assert redirect_problem(loop[:2], 10) is None
    chain = [Hop(f"{A}{i}", 302, f"{A}{i + 1}") for i in range(4)]
    assert redirect_problem(chain, 3) == "too many redirects (>3)"
    assert redirect_problem(chain, 4) is None


def test_classify_needs_a_response() -> None:
    with pytest.raises(ValueError):
        classify([])


def test_classify_applies_rules_to_2xx_only() -> None:
    rules = RuleSet([ContentRule("a.example", dead_if=("gone",))], builtins=False)
    assert classify([Hop(A, 200)], "it is gone", rules).verdict is Verdict.DEAD
    assert classify([Hop(A, 500)], "it is gone", rules).verdict is Verdict.ERROR
    assert classify([Hop(A, 200)], "all here", rules).verdict is Verdict.OK
    # The final page's host decides which rules apply.
    moved = [Hop(B, 301, A), Hop(A, 200)]
    assert classify(moved, "it is gone", rules).reason == "soft 404: gone"


redirect_codes = st.sampled_from([301, 302, 303, 307, 308])


@given(st.lists(redirect_codes, max_size=8), st.integers(100, 599))
def test_classify_is_total_and_moved_means_a_permanent_hop(hops: list[int], final: int) -> None:
    urls = [f"https://h{i}.example/" for i in range(len(hops) + 1)]
    chain = [Hop(urls[i], code, urls[i + 1]) for i, code in enumerate(hops)]
    chain.append(Hop(urls[-1], final))
    decision = classify(chain)
    assert decision.verdict in Verdict
    alive = 200 <= final < 300
    permanent = any(code in (301, 308) for code in hops)
    assert (decision.verdict is Verdict.MOVED) == (alive and permanent)
    assert (decision.verdict is Verdict.OK) == (alive and not permanent)
    if final in (404, 410):
        assert decision.verdict is Verdict.DEAD


# -- exceptions -----------------------------------------------------------------------------


def wrapped(*chain: BaseException) -> BaseException:
    """chain[0] raised from chain[1] raised from ... (as httpx and httpcore do)."""
    for outer, inner in itertools.pairwise(chain):
        outer.__cause__ = inner
    return chain[0]


def test_unknown_host_is_dead() -> None:
    exc = wrapped(
        httpx.ConnectError("[Errno -2] Name or service not known"),
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
    )
    decision = classify_exception(exc, timeout=10)
    assert (decision.verdict, decision.reason) == (Verdict.DEAD, "host not found")
    assert decision.failure is Failure.DNS_NOT_FOUND and decision.failure.network_level


def test_temporary_dns_failure_is_an_error() -> None:
    exc = wrapped(
        httpx.ConnectError("dns"),
        socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
    )
    decision = classify_exception(exc, timeout=10)
    assert (decision.verdict, decision.failure) == (Verdict.ERROR, Failure.DNS_FAILED)


def test_refused_inside_an_exception_group() -> None:
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed")
    group = OSError("All connection attempts failed")
    group.__cause__ = ExceptionGroup("attempts", [refused])
    exc = wrapped(httpx.ConnectError("All connection attempts failed"), group)
    decision = classify_exception(exc, timeout=10)
    assert (decision.verdict, decision.reason) == (Verdict.DEAD, "connection refused")


@pytest.mark.parametrize(
    ("exc", "verdict", "failure", "reason"),
    [
        (
            httpx.ConnectTimeout("t"),
            Verdict.ERROR,
            Failure.CONNECT_TIMEOUT,
            "connect timed out after 10 s",
        ),
        (httpx.ReadTimeout("t"), Verdict.ERROR, Failure.TIMEOUT, "timed out after 10 s"),
        (TimeoutError(), Verdict.ERROR, Failure.TIMEOUT, "timed out after 10 s"),
        (
            wrapped(httpx.ConnectError("x"), OSError(errno.ENETUNREACH, "Network is unreachable")),
            Verdict.ERROR,
            Failure.UNREACHABLE,
            "network unreachable",
        ),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            Verdict.ERROR,
            Failure.PROTOCOL,
            "server closed the connection without answering",
        ),
        (httpx.ReadError("reset"), Verdict.ERROR, Failure.PROTOCOL, "connection reset"),
    ],
)
def test_exception_mapping(
    exc: BaseException, verdict: Verdict, failure: Failure, reason: str
) -> None:
    decision = classify_exception(exc, timeout=10)
    assert (decision.verdict, decision.failure, decision.reason) == (verdict, failure, reason)


def test_tls_failures_are_errors_not_network_failures() -> None:
    cert = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cert.verify_message = "self-signed certificate"
    decision = classify_exception(wrapped(httpx.ConnectError("x"), cert), timeout=10)
    assert decision.reason == "TLS failure: self-signed certificate"
    assert decision.failure is Failure.TLS and not decision.failure.network_level
    # A handshake that merely timed out is a timeout, whatever the TLS layer said on the way.
    timeout = wrapped(httpx.ConnectTimeout("t"), ssl.SSLWantReadError())
    assert classify_exception(timeout, timeout=1).failure is Failure.CONNECT_TIMEOUT


# -- Retry-After -----------------------------------------------------------------------------


def test_retry_after_forms() -> None:
    now = datetime(2020, 5, 17, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after("Sun, 17 May 2020 11:00:00 GMT", now) == 0.0  # in the past
    for junk in (None, "", "soon", "nan", "inf"):
        assert parse_retry_after(junk) is None


@given(st.text(max_size=40))
def test_retry_after_never_raises(value: str) -> None:
    result = parse_retry_after(value)
    assert result is None or result >= 0


# -- rules ----------------------------------------------------------------------------------


def test_host_patterns() -> None:
    exact = ContentRule("Example.org", dead_if=("x",))
    assert exact.host == "example.org"
    assert exact.applies_to("example.org") and exact.applies_to("EXAMPLE.ORG.")
    assert not exact.applies_to("www.example.org")
    wild = ContentRule("*.example.org")
    # The apex is included: curators mean "this site".
    assert wild.applies_to("example.org")
    assert wild.applies_to("www.example.org") and wild.applies_to("a.b.example.org")
    assert not wild.applies_to("badexample.org") and not wild.applies_to("example.org.evil")
    with pytest.raises(ValueError):
        ContentRule("*")


labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@given(st.lists(labels, min_size=1, max_size=3), st.lists(labels, max_size=3), labels)
def test_wildcard_matches_the_apex_and_subdomains_only(
    apex_labels: list[str], sub_labels: list[str], other: str
) -> None:
    apex = ".".join(apex_labels)
    rule = ContentRule(f"*.{apex}")
    assert rule.applies_to(".".join([*sub_labels, apex]))
    assert not rule.applies_to(other + apex) or other + apex == apex


def verdict_of(rules: RuleSet, url: str, text: str | None) -> Verdict | None:
    """The verdict of the first matching rule, or None."""
    match = rules.match(url, text)
    return match.verdict if match else None


def reason_of(rules: RuleSet, url: str, text: str | None) -> str | None:
    """The reason of the first matching rule, or None."""
    match = rules.match(url, text)
    return match.reason if match else None


def test_builtin_rules_cover_the_documented_pages() -> None:
    rules = RuleSet()
    wechat = "https://mp.weixin.qq.com/s/abc"
    for text in (
        "该内容已被发布者删除",
        "此内容因违规无法查看",
        "此内容被多人投诉，相关的内容无法进行展示",
        "该公众号已迁移",
        "The content has been deleted by the author.",
        "This content has been removed",
        "Unable to view this content because it violates regulation",
    ):
        match = rules.match(wechat, f"<p>{text}</p>")
        assert match is not None and match.verdict is Verdict.DEAD, text
    for text in ("当前环境异常，完成验证后即可继续访问。", "环境异常"):
        match = rules.match(wechat, text)
        assert match is not None and match.verdict is Verdict.BLOCKED
    captcha = "https://mp.weixin.qq.com/mp/wappoc_appmsgcaptcha?poc_token=x"
    assert verdict_of(rules, captcha, "<script></script>") is Verdict.BLOCKED
    for host in ("www.zhihu.com", "zhuanlan.zhihu.com", "zhihu.com"):
        url = f"https://{host}/p/1"
        assert verdict_of(rules, url, "你似乎来到了没有知识存在的荒原") is Verdict.DEAD
        assert verdict_of(rules, url, "<title>404 - 知乎</title>") is Verdict.DEAD
        assert verdict_of(rules, url, "安全验证") is Verdict.BLOCKED
        body = '{"error":{"message":"请求存在异常","code":40362}}'
        assert verdict_of(rules, url, body) is Verdict.BLOCKED
    unhappy = "https://www.zhihu.com/account/unhappy_reason?need_login=false"
    assert verdict_of(rules, unhappy, "") is Verdict.BLOCKED
    assert rules.match("https://github.com/x", "该内容已被发布者删除") is None
    assert rules.match(wechat, "一篇关于反向传播的文章") is None


def test_rule_precedence_and_sources() -> None:
    own = LinkRule(host="mp.weixin.qq.com", dead_if=["custom gone"], blocked_if=["custom wall"])
    rules = RuleSet([own])
    url = "https://mp.weixin.qq.com/s/abc"
    # The curator's rule comes first ...
    assert reason_of(rules, url, "custom gone 环境异常") == "soft 404: custom gone"
    # ... the built-ins still apply after it ...
    assert verdict_of(rules, url, "该内容已被发布者删除") is Verdict.DEAD
    # ... and within one rule "blocked" wins over "dead": inconclusive is the safer mistake.
    both = rules.match(url, "custom gone custom wall")
    assert both is not None and both.verdict is Verdict.BLOCKED
    assert RuleSet([own], builtins=False).match(url, "该内容已被发布者删除") is None
    assert RuleSet(builtins=False).rules == ()
    assert RuleSet().rules == BUILTIN_RULES
    mapping = ContentRule.of({"host": "*.example.org", "dead_if": ["gone"]})
    assert mapping == ContentRule("*.example.org", dead_if=("gone",))
    assert ContentRule.of(WECHAT) is WECHAT


def test_rule_matching_sees_through_entities_and_case() -> None:
    rules = RuleSet([ContentRule("a.example", dead_if=("Page Removed", "该内容"))], builtins=False)
    assert rules.match(A, "this page removed") is not None
    assert rules.match(A, "&#x8be5;&#x5185;&#x5bb9;") is not None
    assert rules.match(A, "") is None and rules.match(A, None) is None
    blanks = ContentRule("a.example", dead_if=("", "  ", "real"))
    assert blanks.dead_if == ("real",)


# -- decoding -------------------------------------------------------------------------------


def test_decode_body_charsets() -> None:
    text = "该内容已被发布者删除"
    assert decode_body(text.encode("gbk"), "gbk") == text
    assert decode_body(text.encode("gb18030"), "gb2312") == text  # read as the superset
    meta = f'<meta charset="gbk"><p>{text}</p>'.encode("gbk")
    assert text in decode_body(meta, None)
    assert decode_body(text.encode(), None) == text
    assert decode_body(text.encode(), "no-such-charset") == text
    assert decode_body(b"abc", "base64") == "abc"  # not a text encoding: UTF-8 instead
    assert decode_body(b"\xff\xfeok", "utf-8").endswith("ok")


@given(st.binary(max_size=200), st.one_of(st.none(), st.text(max_size=12)))
def test_decode_body_never_raises(data: bytes, charset: str | None) -> None:
    assert isinstance(decode_body(data, charset), str)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html; charset=utf-8",
        "text/html;charset=GBK",
        'text/html; charset="gb2312"',
        "text/html; CHARSET = big5 ; q=1",
        "text/html; format=flowed; charset=shift_jis",
        "text/html",
        "text/html; charset=",
        'text/html; charset=""',
        "",
    ],
)
def test_charset_of_reads_a_content_type_as_httpx_does(content_type: str) -> None:
    # The page's charset comes from our own small parser; httpx's is the reference
    # (an empty name declares nothing, either way).
    reference = httpx.Response(200, headers={"content-type": content_type}).charset_encoding
    assert charset_of(content_type) == (reference or None)
