"""The URLs the link checker asks for: parsed as httpx parses them, mostly without httpx.

A check's first request waits for every URL to be parsed, and for the parser to be
imported: httpx (with http.cookiejar, urllib.request and email behind it) is a fifth
of check-links' start-up, and its URL class takes three times as long as this one
(bench/README.md). Nearly every catalogue URL is already in httpx's normal form:
lowercase http(s), an ASCII host name or IPv4 address, a path and query of printable
characters that need no escaping, no dot segments, no user info. Such a URL is
parsed here, to exactly what httpx.URL would give (a test compares the two on many
thousands of URLs). Anything else (IDNA, IPv6, characters to escape, ``..``, an
explicit default port) goes to httpx.URL itself, which is imported for it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from dltrack.hosts import valid_hostname

if TYPE_CHECKING:
    import httpx

# httpx refuses longer URLs outright.
_MAX_LENGTH: Final = 65536
_DEFAULT_PORT: Final = {"http": 80, "https": 443}

# Characters httpx leaves as they are (WHATWG's percent-encode sets, less the
# characters each part must escape); a URL with any other goes to httpx.
_PATH = r"[!$%&'()*+,\-./0-9:;=@A-Z\[\\\]^_a-z|~]*"
_QUERY = r"[!$%&'()*+,\-./0-9:;=?@A-Z\[\\\]^_`a-z{|}~]*"
_FRAGMENT = r"[!#$%&'()*+,\-./0-9:;=?@A-Z\[\\\]^_a-z{|}~]*"
_PLAIN = re.compile(
    r"(https?)://"
    r"([a-z0-9-]+(?:\.[a-z0-9-]+)*)"  # a lowercase ASCII name or dotted numbers
    r"(?::([1-9][0-9]{0,4}))?"
    rf"(/{_PATH})?"
    rf"(?:\?({_QUERY}))?"
    rf"(?:#({_FRAGMENT}))?"
)
_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
                   r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")  # fmt: skip
_DOT_SEGMENT = re.compile(r"/\.\.?(?:/|$)")
_JOIN_CHANGES = re.compile(r"^[^?#]*;|^[^?#]*//|[?#]$|\?#")
_AUTHORITY = re.compile(r"[^/?#]*")


class Url:
    """A parsed http(s) URL: the parts a request and a verdict need, in httpx's form.

    scheme and host are lowercase (host in Unicode for an IDNA name, raw_host
    IDNA-encoded); port is None for the scheme's default; raw_path is the request
    target (path and query, escaped); netloc the Host header; str() the whole URL.
    """

    __slots__ = ("_text", "host", "netloc", "port", "raw_host", "raw_path", "scheme")

    def __init__(
        self,
        scheme: str,
        host: str,
        raw_host: bytes,
        port: int | None,
        raw_path: bytes,
        netloc: bytes,
        text: str,
    ) -> None:
        self.scheme = scheme
        self.host = host
        self.raw_host = raw_host
        self.port = port
        self.raw_path = raw_path
        self.netloc = netloc
        self._text = text

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Url({self._text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Url) and other._text == self._text

    def __hash__(self) -> int:
        return hash(self._text)

    def __reduce__(self) -> tuple[object, ...]:
        return (Url, (self.scheme, self.host, self.raw_host, self.port, self.raw_path,
                      self.netloc, self._text))  # fmt: skip


def _plain(text: str) -> Url | None:
    """text as a Url when it is in httpx's normal form already; None when it may not be."""
    if len(text) > _MAX_LENGTH:
        return None  # httpx's to refuse
    found = _PLAIN.fullmatch(text)
    if found is None:
        return None
    scheme, host, port_text, path, _query, _fragment = found.groups()
    if "xn--" in host or (path and _DOT_SEGMENT.search(path)):
        return None  # httpx shows an IDNA name decoded, and drops dot segments
    if host[-1].isdigit() and not _IPV4.fullmatch(host):
        return None  # "1.2.3", "01.2.3.4": how httpx reads these is its own business
    port = int(port_text) if port_text else None
    if port is not None and (port > 65535 or port == _DEFAULT_PORT[scheme]):
        return None
    raw_host = host.encode("ascii")
    netloc = raw_host if port is None else b"%s:%d" % (raw_host, port)
    target_end = found.start(6) - 1 if _fragment is not None else len(text)
    target_start = found.start(4) if path else found.end(3) if port_text else found.end(2)
    target = text[target_start:target_end]
    raw_path = (target if target.startswith("/") else "/" + target).encode("ascii")
    return Url(scheme, host, raw_host, port, raw_path, netloc, text)


def from_httpx(url: httpx.URL) -> Url:
    """An httpx.URL's parts as a Url."""
    return Url(url.scheme, url.host, url.raw_host, url.port, url.raw_path, url.netloc, str(url))


def parse_url(text: str) -> Url | None:
    """text as an http(s) URL with a host, or None when it is not one."""
    if (url := _plain(text)) is not None:
        return url if valid_hostname(url.host) else None
    import httpx  # for the URLs this module does not parse itself

    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, ValueError, TypeError):
        return None
    return _usable(parsed)


def _usable(parsed: httpx.URL) -> Url | None:
    """An httpx.URL as a Url when it is http(s) with a host DNS can be asked about."""
    if parsed.scheme not in ("http", "https") or not parsed.raw_host:
        return None
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return None  # httpx takes any number; connect() would raise OverflowError
    # httpx accepts empty and 64-letter labels ("a..b"), which the resolver refuses
    # with a UnicodeError instead of an answer, and undecodable xn-- labels, for
    # which its own .host raises.
    if not valid_hostname(parsed.raw_host.decode("ascii", "replace")):
        return None
    try:
        return from_httpx(parsed)
    except UnicodeError:  # Punycode that decodes, to code points IDNA does not allow
        return None


def join(url: Url, location: str) -> Url | None:
    """A redirect's target, resolved against the URL that sent it; None when unusable."""
    joined = None
    if location.startswith(("http://", "https://")):
        # Another URL: parsed here when its path resolves to itself (below).
        rest = location.partition("://")[2]
        authority = _AUTHORITY.match(rest)
        if authority and authority.end() and _resolves_as_written(rest[authority.end() :]):
            joined = _plain(location)
    elif location.startswith("/") and not location.startswith("//"):
        # The usual Location: a path on the same host.
        prefix = f"{url.scheme}://{url.netloc.decode('ascii')}"
        text = str(url)
        # Not where the URL has user info before its host, which the join keeps.
        same = text.startswith(prefix) and text[len(prefix) :][:1] in ("", "/", "?", "#")
        if same and _resolves_as_written(location):
            joined = _plain(prefix + location)
    if joined is not None:
        return joined if valid_hostname(joined.host) else None
    import httpx

    try:
        target = httpx.URL(str(url)).join(location)
    except (httpx.InvalidURL, ValueError):
        return None
    return _usable(target)


def _resolves_as_written(target: str) -> bool:
    """Whether urllib's urljoin, which httpx resolves with, leaves this path and query be.

    It drops an empty query, fragment or path parameter (";") and merges "//".
    """
    return not _JOIN_CHANGES.search(target)
