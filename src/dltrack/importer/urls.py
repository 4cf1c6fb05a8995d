"""URL clean-up for imported links: unwrap redirectors, strip tracking, compare.

Three views of one link:

* ``unwrap(url)``: the real destination behind redirector links (Zhihu, Baidu Scholar, ...).
* ``clean(url)``: what dltrack stores: unwrapped, junk fragments and tracking parameters
  removed, otherwise exactly as written (scheme, host case, parameter order kept).
* ``canonical(url)``: a comparison key, so that the same article found in two places is
  recognised as one; it is never stored or shown.

None of these functions raises: a string that cannot be parsed as a URL is returned as is
(stripped), because an importer must survive whatever a web page contains.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

from dltrack.hosts import plain_url
from dltrack.importer.scholarly import SCHOLARLY_HOSTS, scholarly

__all__ = ["canonical", "clean", "host_and_path", "host_of", "unwrap"]

# Redirector host -> query parameters that carry the destination, tried in order.
# A host key starting with "." matches that domain and all its sub-domains.
_REDIRECTORS: dict[str, tuple[str, ...]] = {
    "link.zhihu.com": ("target",),
    "xueshu.baidu.com": ("sc_vurl",),
    "link.juejin.cn": ("target",),
    "link.csdn.net": ("target",),
    "links.jianshu.com": ("to",),
    "www.jianshu.com": ("url",),  # only /go-wild, see _redirect_target
    "c.pc.qq.com": ("pfurl", "url"),
    "weibo.cn": ("u",),
    "www.douban.com": ("url",),  # only /link2/
    "www.google.com": ("q", "url"),  # only /url
    "l.facebook.com": ("u",),
    "lm.facebook.com": ("u",),
    "www.youtube.com": ("q",),  # only /redirect
    "out.reddit.com": ("url",),
    "href.li": ("",),  # href.li/?https://... : the whole query is the target
    "t.umblr.com": ("z",),
    "www.oschina.net": ("url",),  # only /action/GoToLink
    "gitee.com": ("target",),  # only /link
    "steamcommunity.com": ("url",),  # only /linkfilter/
}

# Some redirector hosts also serve ordinary pages; only these paths redirect.
_REDIRECT_PATHS: dict[str, tuple[str, ...]] = {
    "www.jianshu.com": ("/go-wild",),
    "www.douban.com": ("/link2",),
    "www.google.com": ("/url",),
    "www.youtube.com": ("/redirect",),
    "www.oschina.net": ("/action/GoToLink",),
    "gitee.com": ("/link",),
    "steamcommunity.com": ("/linkfilter",),
}

# Tracking parameters dropped on every host.
_TRACKING_ANY = re.compile(
    r"^(utm_\w*|spm|spm_id_from|fbclid|gclid|mc_cid|mc_eid|from_source|_trace_\w*)$", re.I
)

# WeChat adds share/session noise to article links; the article itself is named by
# __biz/mid/idx/sn. These names are only dropped on WeChat hosts, because words like
# "version", "from" or "token" are meaningful query parameters elsewhere.
_TRACKING_WECHAT = frozenset(
    {
        "chksm",
        "scene",
        "srcid",
        "mpshare",
        "pass_ticket",
        "token",
        "lang",
        "from",
        "isappinstalled",
        "clicktime",
        "enterid",
        "ascene",
        "devicetype",
        "version",
        "nettype",
        "abtest_cookie",
        "exportkey",
        "wx_header",
        "subscene",
        "sessionid",
        "key",
        "uin",
        "poc_token",
        "rd2werd",
        "share_token",
        "xtrack",
        "nwr_flag",
        "forceh5",
    }
)
_WECHAT_PREFIXES = ("sharer_",)

# Zhihu appends where a reader came from.
_TRACKING_ZHIHU = frozenset({"rf", "refer", "group_id", "utm_psn", "utm_oi", "share_code"})

# Bilibili marks the page, search or share a visitor came from; "p" (the part) and "t"
# (a moment in the video) are kept: they name what to watch.
_TRACKING_BILIBILI = frozenset(
    {
        "from",
        "seid",
        "vd_source",
        "share_source",
        "share_medium",
        "share_plat",
        "share_session_id",
        "share_tag",
        "share_from",
        "from_spmid",
        "bbid",
        "ts",
        "timestamp",
        "unique_k",
        "buvid",
        "up_id",
        "plat_id",
        "is_story_h5",
    }
)
_BILIBILI_DOMAINS = ("bilibili.com", "b23.tv")

# HTML pages and Markdown converted from them leave '&' escaped in addresses.
_AMPERSAND_ENTITY = re.compile(r"&(?:amp|#0*38|#x0*26);", re.I)

# Fragments that are routing noise rather than a place in the page.
_JUNK_FRAGMENTS = frozenset({"wechat_redirect", "rd", ""})

_WECHAT_HOSTS = frozenset({"mp.weixin.qq.com", "weixin.qq.com"})

_DEFAULT_PORTS = {"http": "80", "https": "443"}

# Characters left alone when normalising a path for comparison (RFC 3986 reserved + '%').
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_ESCAPED_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*%3A", re.I)
_TABS_AND_BREAKS = re.compile(r"[\t\r\n]")
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]")
# A path quote() would return as it is (ASCII letters, digits and _PATH_SAFE).
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.~/:@!$&'()*+,;=%-]*")

# A plain link (dltrack.hosts.plain_url), the most common kind, is read without being
# parsed: it is no redirector (they all need a query) and has nothing to clean or
# normalise, so clean() returns it as it is and canonical() is its https form ("/" for
# an empty path), which is what the general code works out for it.


# Asked of the same URL by clean, the extractor and guess_kind in turn: a small cache
# spares the parse.
@lru_cache(maxsize=1024)
def host_of(url: str) -> str:
    """The lower-case host name of url, or '' when it has none or cannot be parsed."""
    if plain := plain_url(url):
        return plain[0]
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def host_and_path(url: str) -> tuple[str, str] | None:
    """The lower-case host name ('' for none) and the path of url; None if it cannot be parsed."""
    if plain := plain_url(url):
        return plain
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return (parts.hostname or "").lower(), parts.path


def _is_wechat(host: str) -> bool:
    return host in _WECHAT_HOSTS


def _is_zhihu(host: str) -> bool:
    return host == "zhihu.com" or host.endswith(".zhihu.com")


def _is_bilibili(host: str) -> bool:
    return host.endswith(_BILIBILI_DOMAINS) and (
        host in _BILIBILI_DOMAINS or host.endswith(tuple("." + d for d in _BILIBILI_DOMAINS))
    )


def _is_tracking(name: str, host: str) -> bool:
    if _TRACKING_ANY.match(name):
        return True
    lowered = name.lower()
    if _is_wechat(host):
        return lowered in _TRACKING_WECHAT or lowered.startswith(_WECHAT_PREFIXES)
    if _is_zhihu(host):
        return lowered in _TRACKING_ZHIHU
    if _is_bilibili(host):
        return lowered in _TRACKING_BILIBILI
    return False


def decode_entities(url: str) -> str:
    """url with HTML-escaped ampersands ('&amp;', '&#38;') read back as '&'."""
    # Only the ampersand: html.unescape would also read "&para=1" as "¶=1".
    for _ in range(3):  # "&amp;amp;" was escaped twice
        if "&" not in url or _AMPERSAND_ENTITY.search(url) is None:
            break
        url = _AMPERSAND_ENTITY.sub("&", url)
    return url


def _decode_target(value: str) -> str:
    """A redirect target, percent-decoded until it reads as an absolute URL."""
    target = value.strip()
    # Some redirectors encode the target twice (https%253A%252F%252F...): keep decoding
    # while the scheme separator is still escaped, but never more than a few rounds.
    for _ in range(3):
        if _ESCAPED_SCHEME.match(target):
            target = unquote(target)
        else:
            break
    if target.startswith("//"):
        target = "https:" + target
    return target


def _redirect_target(url: str) -> str | None:
    """The destination when url is a known redirector link, else None."""
    # A URL whose text does not hold a redirector's host name is not a redirector link:
    # a few substring tests instead of parsing every URL (clean and canonical both unwrap).
    lowered = url.lower()
    if not any(map(lowered.__contains__, _REDIRECTORS)):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    params = _REDIRECTORS.get(host)
    if params is None:
        return None
    paths = _REDIRECT_PATHS.get(host)
    if paths is not None and not parts.path.startswith(paths):
        return None
    if params == ("",):
        target = unquote(parts.query)
        return target if _SCHEME.match(target) else None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    for name in params:
        for key, value in pairs:
            if key != name or not value:
                continue
            target = _decode_target(value)
            if target.lower().startswith(("http://", "https://")) and host_of(target):
                return target
    return None


def _trim(url: str) -> str:
    """url without what urlsplit would silently drop: edge whitespace/controls, tabs, newlines."""
    if "\t" in url or "\r" in url or "\n" in url:
        url = _TABS_AND_BREAKS.sub("", url)
    return url.strip().strip(_C0_AND_SPACE).strip()


def unwrap(url: str) -> str:
    """The real destination of url, following redirector links repeatedly."""
    current = decode_entities(_trim(url))
    # A bounded loop: a redirector pointing at itself must not hang the importer.
    for _ in range(10):
        target = _redirect_target(current)
        if target is None or target == current:
            break
        current = target
    return current


def _split(url: str) -> tuple[str, str, str, str, str] | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return parts.scheme, parts.netloc, parts.path, parts.query, parts.fragment


def _filter_query(query: str, host: str) -> str:
    """The query without tracking parameters, other pairs kept byte for byte and in order."""
    if not query:
        return ""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = unquote(pair.split("=", 1)[0])
        if not _is_tracking(name, host):
            kept.append(pair)
    return "&".join(kept)


def _encode_spaces(text: str) -> str:
    # Whitespace and control characters cannot appear in a stored URL; everything else
    # is kept as written.
    return _UNSAFE.sub(lambda m: quote(m.group(0)), _trim(text))


# A second copy of the address glued on in brackets: "….pdf%20(http://….pdf)".
_DOUBLED = re.compile(r"(?:%20|\s)*\((?:https?:|www\.).*", re.I)


def clean(url: str) -> str:
    """The URL to store: unwrapped, tracking parameters and junk fragments removed."""
    if "(" in url and (doubled := _DOUBLED.search(url, url.find("://") + 3)) is not None:
        url = url[: doubled.start()]
    if (plain := plain_url(url)) and plain[0] not in SCHOLARLY_HOSTS and "&" not in url:
        return url
    target = unwrap(url)
    parts = _split(target)
    if parts is None:
        return target
    scheme, netloc, path, query, fragment = parts
    host = host_of(target)
    if host in SCHOLARLY_HOSTS and (paper := scholarly(host, path)):
        return paper[0]
    query = _filter_query(query, host)
    if fragment in _JUNK_FRAGMENTS or _is_wechat(host):
        fragment = ""
    return _encode_spaces(urlunsplit((scheme, netloc, path, query, fragment)))


def _normalise_escapes(text: str) -> str:
    """Percent-escapes in one spelling: upper-case hex, unreserved characters decoded."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE.sub(fix, text)


def _normalise_path(path: str) -> str:
    plain = _PLAIN_PATH.fullmatch(path) is not None
    encoded = path if plain else quote(path, safe=_PATH_SAFE)  # non-ASCII and spaces to %XX
    return (_normalise_escapes(encoded) if "%" in encoded else encoded) or "/"


def _normalise_netloc(scheme: str, netloc: str) -> str:
    userinfo, _, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if hostport.startswith("["):  # IPv6 literal: [::1]:8080
        end = hostport.find("]")
        if end != -1:
            host, rest = hostport[: end + 1], hostport[end + 1 :]
            port = rest[1:] if rest.startswith(":") else ""
    elif hostport.count(":") == 1:
        host, port = hostport.split(":")
    # (Two or more colons without brackets is no valid host: it is compared as written.)
    host = host.lower().rstrip(".")
    if port == _DEFAULT_PORTS.get(scheme) or (
        # http and https compare equal, so either default port is no port at all
        scheme in _DEFAULT_PORTS and port in _DEFAULT_PORTS.values()
    ):
        port = ""
    out = host + (":" + port if port else "")
    return (userinfo + "@" + out) if userinfo else out


def _wechat_key(path: str, query: str) -> str | None:
    """For a long WeChat article link, the query naming the article: __biz, mid, idx."""
    fields = dict(parse_qsl(query, keep_blank_values=True))
    if path.rstrip("/") in ("/s", "") and {"__biz", "mid"} <= fields.keys():
        biz, mid, idx = fields["__biz"], fields["mid"], fields.get("idx", "1")
    elif path.startswith("/mp/appmsg/show") and {"__biz", "appmsgid"} <= fields.keys():
        # The pre-2014 form of the same address.
        biz, mid, idx = fields["__biz"], fields["appmsgid"], fields.get("itemidx", "1")
    else:
        return None
    return "&".join(
        f"{k}={quote(v, safe='')}" for k, v in (("__biz", biz), ("mid", mid), ("idx", idx))
    )


# Callers ask for the same key several times in a row (the catalogue's import looks an
# item up by key twice); a small cache answers the repeats.
@lru_cache(maxsize=4096)
def canonical(url: str) -> str:
    """A comparison key for url: equal keys mean the same page."""
    if (plain := plain_url(url)) and plain[0] not in SCHOLARLY_HOSTS and "&" not in url:
        # www.example.org and example.org serve the same pages.
        return "https://" + plain[0].removeprefix("www.") + (plain[1] or "/")
    target = unwrap(url)
    parts = _split(target)
    if parts is None:
        return target
    scheme, netloc, path, query, _fragment = parts
    scheme = scheme.lower()
    netloc = _normalise_netloc(scheme, netloc)  # before the scheme changes: :80 is http's
    if scheme == "http":
        # http and https versions of a page are the same reading item.
        scheme = "https"
    host = netloc.rpartition("@")[2].split(":")[0]
    if host in SCHOLARLY_HOSTS and (paper := scholarly(host, path)):
        return paper[1]
    if host.startswith("www.") and netloc == host:
        netloc = host = host.removeprefix("www.")
    if _is_wechat(host):
        key = _wechat_key(path, query)
        if key is not None:
            return f"{scheme}://{host}/s?{key}"
    path = _normalise_path(path) if netloc else path
    pairs = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if not _is_tracking(name, host)
    ]
    pairs.sort()
    query = "&".join(quote(name, safe="") + "=" + quote(value, safe="") for name, value in pairs)
    # Dropping a fragment can expose trailing spaces ("x #y"): trim them too.
    return _trim(urlunsplit((scheme, netloc, path, query, "")))
