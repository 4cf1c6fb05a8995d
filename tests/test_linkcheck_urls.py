"""The link checker's URLs are httpx's URLs: the same parts, whoever parsed them.

dltrack parses URLs already in normal form itself and hands the rest to httpx; a
request, a Host header, a redirect's target and a reported URL must come out as
httpx.URL would make them, for any input. Checked against httpx itself, on chosen
cases and on many generated ones (a fixed seed: a failure can be replayed).
"""

from __future__ import annotations

import pickle
import random

import httpx
import pytest

from dltrack.hosts import valid_hostname
from dltrack.linkcheck.http.urls import Url, _plain, join, parse_url


def _usable(url: httpx.URL) -> httpx.URL | None:
    """What the checker accepts of httpx's URLs: http(s), a host DNS takes, a real port."""
    if url.scheme not in ("http", "https") or not url.raw_host:
        return None
    if url.port is not None and not 0 < url.port < 65536:
        return None
    return url if valid_hostname(url.raw_host.decode("ascii", "replace")) else None


def httpx_parse(text: str) -> httpx.URL | None:
    try:
        return _usable(httpx.URL(text))
    except (httpx.InvalidURL, ValueError, TypeError):
        return None


def httpx_join(base: httpx.URL, location: str) -> httpx.URL | None:
    try:
        return _usable(base.join(location))
    except (httpx.InvalidURL, ValueError):
        return None


def parts(url: Url | httpx.URL | None) -> tuple[object, ...] | None:
    if url is None:
        return None
    try:
        return (url.scheme, url.host, url.raw_host, url.port, url.raw_path, url.netloc, str(url))
    except UnicodeError:  # httpx's .host of Punycode IDNA refuses: unusable either way
        return None


PLAIN = [
    "http://127.0.0.2:8080/page/1?x=1",
    "https://example.org",
    "https://example.org/",
    "https://example.org?q=1",
    "https://mp.weixin.qq.com/s/AbC-dEf_123?__biz=MzA&mid=1#rd",
    "http://a.b-c.com:65535/x;y=1/z?a[]=1&b={2}|~#frag?x",
    "https://arxiv.org/abs/1706.03762v7",
    "https://zhuanlan.zhihu.com/p/123%E4%B8%AD",
]
HANDED_TO_HTTPX = [
    "HTTP://Example.ORG/A",  # case
    "https://例子.中国/路径?q=深度",  # IDNA, characters to escape
    "https://xn--fsqu00a.xn--fiqs8s/",  # shown decoded
    "http://[::1]:8080/",  # IPv6
    "http://example.org:80/",  # the default port, said
    "http://example.org/a/../b/./c",  # dot segments
    "http://user:pw@example.org/",  # user info
    "http://example.org/a b",  # a space
    "http://1.2.3/",  # dotted numbers that are not an IPv4 address
]
UNUSABLE = [
    "ftp://example.org/",
    "http://01.2.3.4/",
    "http://a..b/",
    "http:///x",
    "http://xn--zz/",
    "http://x:0/",
]


@pytest.mark.parametrize("text", PLAIN)
def test_a_url_in_normal_form_is_parsed_without_httpx_to_the_same_parts(text: str) -> None:
    assert _plain(text) is not None
    assert parts(parse_url(text)) == parts(httpx_parse(text))


@pytest.mark.parametrize("text", HANDED_TO_HTTPX)
def test_any_other_url_is_httpx_s(text: str) -> None:
    assert _plain(text) is None
    assert parts(parse_url(text)) == parts(httpx_parse(text)) is not None


@pytest.mark.parametrize("text", UNUSABLE)
def test_unusable_urls_are_refused(text: str) -> None:
    assert parse_url(text) is None


@pytest.mark.parametrize(
    ("base", "location"),
    [
        ("http://127.0.0.2:8080/a/b?x=1", "/ok"),
        ("http://127.0.0.2:8080/a/b", "/ok?to=http://x.org/&y=1#f"),
        ("https://example.org/", "https://www.example.org/new"),
        ("http://example.org/", "https://example.org:8443/"),
        ("http://example.org/", "/a//b"),  # urljoin merges the slashes
        ("http://example.org/", "/p?"),  # and drops an empty query
        ("http://example.org/", "/p;"),  # and an empty parameter
        ("http://user@example.org/", "/p"),  # the user info stays
        ("http://user@example.org/", "relative/path"),
        ("http://example.org/a/b", "../c"),
        ("http://example.org/", "//other.org/x"),
        ("https://例子.中国/", "/路径"),
        ("http://example.org/", "http://"),
        ("http://example.org/", "/%zz"),
        ("http://example.org/", "/" + "a" * 70_000),  # longer than httpx takes
        ("http://example.org/", "http://example.org/" + "a" * 70_000),
    ],
)
def test_a_redirect_resolves_as_httpx_resolves_it(base: str, location: str) -> None:
    ours, theirs = parse_url(base), httpx_parse(base)
    assert ours is not None and theirs is not None
    assert parts(join(ours, location)) == parts(httpx_join(theirs, location))


_HOSTS = ["example.org", "a.b-c.com", "127.0.0.2", "1.2.3", "01.2.3.4", "256.1.1.1", "Ex.ORG",
          "xn--fsqu00a.xn--fiqs8s", "例子.中国", "[::1]", "a..b", "-a.com", "a_b.com", "a.com.", "",
          "u:p@a.com", "x1.io:443,a&.@x", "x" * 64 + ".com"]  # fmt: skip
_PORTS = ["", ":80", ":443", ":8080", ":0", ":65535", ":65536", ":080", ":", ":x"]
# Plain pieces, and the ones that make a URL httpx's business.
_PLAIN_PIECES = [*"abcxyz019-._~!$&'()*+,;=:@/?#%", "%20", "/", "?", "&", "=", ".."]
_ODD_PIECES = [*'AZ[]\\^|`{}"<> ', "%zz", ".", "//", "例", "xn--", "é", "\t"]
_PLAIN_HOSTS = ["example.org", "a.b-c.com", "127.0.0.2", "x1.io", "1.2.3.4"]


def _url(rng: random.Random, pieces: list[str], plain: bool) -> str:
    if plain:
        scheme, host = rng.choice(["http", "https"]), rng.choice(_PLAIN_HOSTS)
        port = rng.choice(["", "", ":8080", ":443", ":80"])
    else:
        scheme = rng.choice(["http", "https", "http", "https", "HTTP", "ftp"])
        host, port = rng.choice(_HOSTS), rng.choice(_PORTS)
    path = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
    return f"{scheme}://{host}{port}{rng.choice(['', '/'])}{path}"


@pytest.mark.parametrize("seed", range(4))
def test_generated_urls_and_redirects_come_out_as_httpx_makes_them(seed: int) -> None:
    rng = random.Random(seed)
    plain_parsed = 0
    for n in range(5000):
        pieces = _PLAIN_PIECES if n % 2 else _PLAIN_PIECES + _ODD_PIECES
        text = _url(rng, pieces, plain=n % 2 == 1)
        ours, theirs = parse_url(text), httpx_parse(text)
        assert parts(ours) == parts(theirs), text
        plain_parsed += _plain(text) is not None
        if ours is None or theirs is None:
            continue
        start = rng.choice(["/", "/a/", "", "?", "#", "../", "//", "http://", "https://x1.io/"])
        location = start + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert parts(join(ours, location)) == parts(httpx_join(theirs, location)), (text, location)
    assert plain_parsed > 1000  # the generator reaches dltrack's own parser, not only httpx's


def test_a_url_pickles_to_itself() -> None:
    url = parse_url("https://例子.中国/路径?q=1")
    assert url is not None
    again = pickle.loads(pickle.dumps(url))
    assert parts(again) == parts(url) and again == url and hash(again) == hash(url)
