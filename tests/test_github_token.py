"""The GitHub token: to GitHub's own hosts over https only, never after a redirect leaves them.

A transport-level test: the checker's requests go to an httpx.MockTransport that
records each request's headers, so nothing can leave this process whatever the code
under test does.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from dltrack.linkcheck.engine import LinkChecker
from dltrack.linkcheck.http11.errors import ConnectFailed
from dltrack.linkcheck.http11.pool import OriginPool
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.verdicts import Verdict

TOKEN = "ghp_secret123"
REDIRECTS = {
    "https://github.com/leaves": "https://example.org/landing",
    "https://github.com/round-trip": "https://evil.example/bounce",
    "https://evil.example/bounce": "https://api.github.com/repos/x",
    "https://github.com/stays": "https://raw.githubusercontent.com/x/y/main/README.md",
    "http://github.com/plain": "https://github.com/plain",
}


def check(urls: list[str], token: str | None = TOKEN, status: int = 200) -> tuple[dict, dict]:
    seen: dict[str, str | None] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        seen[url] = request.headers.get("authorization")
        if url in REDIRECTS:
            return httpx.Response(301, headers={"Location": REDIRECTS[url]})
        return httpx.Response(status, text="<title>x</title>")

    options = CheckOptions(github_token=token, retries=0)

    async def main() -> dict:
        checker = LinkChecker(options, transport=httpx.MockTransport(answer))
        results = await checker.run([(u, u) for u in urls])
        return {r.key: r.verdict for r in results}

    return seen, asyncio.run(main())


def test_the_token_goes_to_githubs_hosts_over_https() -> None:
    urls = [
        "https://github.com/a/b",
        "https://api.github.com/repos/a/b",
        "https://raw.githubusercontent.com/a/b/main/x.md",
    ]
    seen, _ = check(urls)
    assert seen == dict.fromkeys(urls, f"Bearer {TOKEN}")


@pytest.mark.parametrize(
    "url",
    [
        "http://api.github.com/repos/a/b",  # not over http
        "https://gist.github.com/a",  # not a subdomain
        "https://github.com.evil.example/a",
        "https://notgithub.com/a",
        "https://github.com:8443/a",  # not another port
        "https://example.org/github.com",
    ],
)
def test_never_anywhere_else(url: str) -> None:
    seen, _ = check([url])
    assert seen == {url: None}


def test_never_after_a_redirect_leaves_github() -> None:
    seen, _ = check(["https://github.com/leaves", "https://github.com/round-trip"])
    assert seen["https://github.com/leaves"] == f"Bearer {TOKEN}"
    assert seen["https://example.org/landing"] is None
    assert seen["https://evil.example/bounce"] is None
    # Back on GitHub after another site: that site chose the request, so no token.
    assert seen["https://api.github.com/repos/x"] is None


def test_a_redirect_within_github_keeps_it_and_http_never_has_it() -> None:
    seen, _ = check(["https://github.com/stays", "http://github.com/plain"])
    assert seen["https://raw.githubusercontent.com/x/y/main/README.md"] == f"Bearer {TOKEN}"
    assert seen["http://github.com/plain"] is None
    assert seen["https://github.com/plain"] is None  # the chain went over http first


def test_without_a_token_nothing_is_sent_and_a_429_is_blocked() -> None:
    seen, verdicts = check(["https://github.com/a/b"], token=None, status=429)
    assert seen == {"https://github.com/a/b": None}
    assert verdicts == {"https://github.com/a/b": Verdict.BLOCKED}


def test_the_token_is_not_in_the_options_repr() -> None:
    assert TOKEN not in repr(CheckOptions(github_token=TOKEN))


def test_a_bad_token_is_a_usage_error_that_does_not_echo_it(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GITHUB_TOKEN", "bad\x01secret")
    result = run("check-links", "--timeout", "1")
    assert result.code == 2 and "secret" not in result.err and "--github-token" in result.err


def test_our_own_pools_get_the_same_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without a MockTransport the checker hands requests straight to its per-origin
    # pools. Each pool's request is caught here before it connects, so nothing leaves
    # the process, and fails as a refused connection would.
    sent: dict[str, str | None] = {}

    async def request(self, method, target, headers, timeouts, *, public_only=False):  # type: ignore[no-untyped-def]
        names = {name.lower(): value.decode() for name, value in headers}
        sent[f"{self._host}:{self._port}{target.decode()}"] = names.get(b"authorization")
        raise ConnectFailed("caught before connecting")

    monkeypatch.setattr(OriginPool, "request", request)
    urls = [
        "https://github.com/a/b",  # first, so a header cached for the netloc is tried next
        "http://github.com/a/b",
        "https://github.com:8443/a",
        "https://gist.github.com/a",
        "https://api.github.com/repos/a/b",
    ]

    async def main() -> None:
        # (More hosts than here must fail before the run calls the network down.)
        opts = CheckOptions(github_token=TOKEN, retries=0, per_host=1, unreachable_min_hosts=99)
        checker = LinkChecker(opts)
        await checker.run([(u, u) for u in urls])

    asyncio.run(main())
    assert sent == {
        "github.com:443/a/b": f"Bearer {TOKEN}",
        "github.com:80/a/b": None,
        "github.com:8443/a": None,
        "gist.github.com:443/a": None,
        "api.github.com:443/repos/a/b": f"Bearer {TOKEN}",
    }
