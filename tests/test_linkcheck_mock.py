"""The engine over httpx.MockTransport: built-in rules by their real host names, offline runs.

Nothing here opens a socket: every request is answered by a handler in this file.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest

from dltrack.errors import NetworkUnreachable
from dltrack.linkcheck import (
    CheckOptions,
    ContentRule,
    Failure,
    LinkResult,
    RuleSet,
    Verdict,
    check_links,
)
from dltrack.linkcheck.engine import RulesArg

FAST = CheckOptions(timeout=1, retries=1, backoff=0.001, backoff_max=0.002)
Handler = Callable[[httpx.Request], httpx.Response]


class Site:
    """A MockTransport whose handler records every request it answers."""

    def __init__(self, handler: Handler) -> None:
        self.seen: list[tuple[str, str]] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.seen.append((request.method, str(request.url)))
            return handler(request)

        self.transport = httpx.MockTransport(record)

    def run(
        self, urls: list[str], rules: RulesArg = None, options: CheckOptions = FAST
    ) -> dict[str, LinkResult[str]]:
        results = check_links(
            [(u, u) for u in urls], options=options, rules=rules, transport=self.transport
        )
        return {r.key: r for r in results}


def html(text: str, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        text=f"<html><body>{text}</body></html>",
        headers={"Content-Type": "text/html; charset=utf-8", **headers},
    )


def redirect(code: int, to: str) -> httpx.Response:
    return httpx.Response(code, headers={"Location": to})


WECHAT_PAGES = {
    "/s/deleted": "<h2 class='weui-msg__title'>该内容已被发布者删除</h2>",
    "/s/violation": "此内容因违规无法查看",
    "/s/complaints": "此内容被多人投诉，相关的内容无法进行展示",
    "/s/migrated": "该公众号已迁移",
    "/s/english": "The content has been deleted by the author.",
    "/s/removed": "This content has been removed",
    "/s/verify": "当前环境异常，完成验证后即可继续访问。",
    "/s/alive": "<div id='js_content'>反向传播算法详解</div>",
}


def wechat(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/s/captcha":
        return redirect(302, "https://mp.weixin.qq.com/mp/wappoc_appmsgcaptcha?poc_token=abc")
    if path.startswith("/mp/wappoc_appmsgcaptcha"):
        return html("<script>var cgiData = {};</script>")
    return html(WECHAT_PAGES.get(path, "?"))


@pytest.mark.parametrize(
    ("path", "verdict"),
    [
        ("/s/deleted", Verdict.DEAD),
        ("/s/violation", Verdict.DEAD),
        ("/s/complaints", Verdict.DEAD),
        ("/s/migrated", Verdict.DEAD),
        ("/s/english", Verdict.DEAD),
        ("/s/removed", Verdict.DEAD),
        ("/s/verify", Verdict.BLOCKED),
        ("/s/captcha", Verdict.BLOCKED),
        ("/s/alive", Verdict.OK),
    ],
)
def test_builtin_wechat_rules(path: str, verdict: Verdict) -> None:
    site = Site(wechat)
    url = "https://mp.weixin.qq.com" + path
    result = site.run([url])[url]
    assert result.verdict is verdict
    assert result.http_status == 200
    # A host with content rules is always read with GET: HEAD cannot show a soft 404.
    assert {method for method, _ in site.seen} == {"GET"}


def zhihu(request: httpx.Request) -> httpx.Response:
    url = request.url
    if url.host == "zhihu.com":
        return redirect(301, str(url.copy_with(scheme="https", host="www.zhihu.com")))
    if url.path == "/question/1":
        return html("<title>404 - 知乎</title>你似乎来到了没有知识存在的荒原")
    if url.path == "/question/2":
        return redirect(302, "https://www.zhihu.com/account/unhappy_reason?need_login=false")
    if url.path.startswith("/account/unhappy_reason"):
        return html("<div id='root'></div>")
    if url.path == "/p/3":
        return httpx.Response(403, json={"error": {"message": "请求存在异常", "code": 40362}})
    if url.path == "/p/4":
        return httpx.Response(200, json={"error": {"message": "请求存在异常", "code": 40362}})
    if url.path == "/p/5":
        return html("<title>安全验证 - 知乎</title>系统监测到您的网络环境存在异常")
    if url.path == "/p/6":
        return html("not found", status=404)
    return html("<h1>卷积神经网络</h1>")


@pytest.mark.parametrize(
    ("url", "verdict"),
    [
        ("https://www.zhihu.com/question/1", Verdict.DEAD),
        ("http://zhihu.com/question/1", Verdict.DEAD),  # the apex of *.zhihu.com too
        ("https://www.zhihu.com/question/2", Verdict.BLOCKED),
        ("https://zhuanlan.zhihu.com/p/3", Verdict.BLOCKED),
        ("https://zhuanlan.zhihu.com/p/4", Verdict.BLOCKED),
        ("https://zhuanlan.zhihu.com/p/5", Verdict.BLOCKED),
        ("https://zhuanlan.zhihu.com/p/6", Verdict.DEAD),
        ("https://zhuanlan.zhihu.com/p/7", Verdict.OK),
        ("http://zhihu.com/question/7", Verdict.MOVED),
    ],
)
def test_builtin_zhihu_rules(url: str, verdict: Verdict) -> None:
    result = Site(zhihu).run([url])[url]
    assert result.verdict is verdict, result.reason


def test_moved_zhihu_link_reports_the_https_url() -> None:
    url = "http://zhihu.com/question/7"
    result = Site(zhihu).run([url])[url]
    assert result.moved_to == result.final_url == "https://www.zhihu.com/question/7"


@pytest.mark.parametrize(("head_first", "method"), [(False, "GET"), (True, "HEAD")])
def test_hosts_without_rules_are_not_judged_on_their_text(head_first: bool, method: str) -> None:
    site = Site(lambda request: html("该内容已被发布者删除"))
    urls = ["https://github.com/a/b", "https://evilzhihu.com/x", "https://arxiv.org/abs/1706.03762"]
    results = site.run(urls, options=replace(FAST, head_first=head_first))
    assert all(r.verdict is Verdict.OK for r in results.values())
    assert {m for m, _ in site.seen} == {method}


def test_curator_rule_for_a_builtin_host_and_turning_builtins_off() -> None:
    site = Site(lambda request: html("文章已下架 该内容已被发布者删除"))
    url = "https://mp.weixin.qq.com/s/x"
    own = [ContentRule("mp.weixin.qq.com", dead_if=("文章已下架",))]
    assert site.run([url], rules=own)[url].reason == "soft 404: 文章已下架"
    assert site.run([url], rules=RuleSet(builtins=False))[url].verdict is Verdict.OK


def test_large_page_is_read_only_up_to_the_cap() -> None:
    filler = "x" * 300_000
    site = Site(lambda request: html(filler + "该内容已被发布者删除"))
    url = "https://mp.weixin.qq.com/s/long"
    assert site.run([url])[url].verdict is Verdict.OK  # the text lies beyond 256 KiB
    options = CheckOptions(body_cap=400_000)
    assert site.run([url], options=options)[url].verdict is Verdict.DEAD


# -- offline -------------------------------------------------------------------------------


def dns_failure(code: int, text: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"[Errno {code}] {text}") from socket.gaierror(code, text)

    return handler


CATALOGUE = [
    "https://mp.weixin.qq.com/s/a",
    "https://mp.weixin.qq.com/s/b",
    "https://zhuanlan.zhihu.com/p/1",
    "https://blog.csdn.net/x/article/details/1",
    "https://github.com/a/b",
    "https://arxiv.org/abs/1706.03762",
    "https://www.jianshu.com/p/1",
]


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (socket.EAI_NONAME, "Name or service not known"),
        (socket.EAI_AGAIN, "Temporary failure in name resolution"),
    ],
)
def test_offline_machine_raises_network_unreachable(code: int, text: str) -> None:
    site = Site(dns_failure(code, text))
    seen: list[LinkResult[str]] = []
    with pytest.raises(NetworkUnreachable):
        check_links(
            [(u, u) for u in CATALOGUE],
            options=FAST,
            transport=site.transport,
            on_result=seen.append,
        )
    assert seen == []


def test_offline_detection_counts_hosts_not_urls() -> None:
    # Forty URLs on two dead hosts are two dead hosts, not a dead network.
    site = Site(dns_failure(socket.EAI_NONAME, "Name or service not known"))
    urls = [f"https://gone{i % 2}.example/{i}" for i in range(40)]
    results = site.run(urls)
    assert {r.verdict for r in results.values()} == {Verdict.DEAD}
    # The third identical failure on a host stops requests to it; the rest are inferred.
    assert sum(1 for r in results.values() if r.attempts == 0) >= 30


def test_one_unknown_host_among_many_good_ones_is_dead() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "gone.example":
            return dns_failure(socket.EAI_NONAME, "Name or service not known")(request)
        return html("fine")

    results = Site(handler).run(["https://gone.example/", *CATALOGUE])
    assert results["https://gone.example/"].verdict is Verdict.DEAD
    assert results["https://gone.example/"].failure is Failure.DNS_NOT_FOUND
    assert sum(r.verdict is Verdict.OK for r in results.values()) == len(CATALOGUE)


def test_mostly_unreachable_but_one_host_answers_is_not_offline() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "github.com":
            return html("fine")
        return dns_failure(socket.EAI_NONAME, "Name or service not known")(request)

    results = Site(handler).run(CATALOGUE)
    assert results["https://github.com/a/b"].verdict is Verdict.OK
    assert sum(r.verdict is Verdict.DEAD for r in results.values()) == len(CATALOGUE) - 1


def test_a_bug_below_the_engine_surfaces_instead_of_hanging() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        Site(broken).run(["https://github.com/a/b", "https://arxiv.org/abs/1"])
