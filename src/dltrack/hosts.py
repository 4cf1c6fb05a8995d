"""Host names and addresses: which names a URL may carry, which addresses are private.

Standard library only. Shared by the link checker, the catalogue's validation and
lint, so that all three refuse the same host names and call the same addresses
private; and by the importer and the catalogue's validation, which read plain links
without parsing them.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from functools import lru_cache

_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")
# Names that stand for this machine or the local network whatever DNS says.
_LOCAL_NAMES = ("localhost", "localhost.localdomain")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")


# Most links in a reading list are plain: http(s), a lower-case host name, maybe a path
# of characters that need no escape, and nothing else (no port, user, query, fragment,
# escape, space). urlsplit() would read such a link as exactly that host and path.
_PLAIN_URL = re.compile(
    r"https?://([a-z0-9-]++(?:\.[a-z0-9-]++)*+)"  # the host
    r"(/[A-Za-z0-9_.~/:@!$&'()*+,;=-]*+)?"  # the path
)


def plain_url(url: str) -> tuple[str, str] | None:
    """(host, path) of a plain http(s) link (see above), path '' when it has none; else None."""
    plain = _PLAIN_URL.fullmatch(url)
    return (plain.group(1), plain.group(2) or "") if plain else None


class Scope(StrEnum):
    """Where an address is: only a public one is anyone's business on the internet."""

    PUBLIC = "public"
    LOOPBACK = "loopback"  # this machine
    PRIVATE = "private"  # a private network (RFC 1918, unique local, shared address space)
    LINK_LOCAL = "link-local"  # this link only: 169.254.0.0/16 holds cloud metadata services
    OTHER = "reserved"  # unspecified, multicast, reserved, documentation ranges


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip


def address_scope(host: str) -> Scope | None:
    """The scope of an IP address or a local name; None for other names (ask DNS)."""
    ip = _ip(host)
    if ip is None:
        name = host.lower().rstrip(".")
        if name in _LOCAL_NAMES or name.endswith(_LOCAL_SUFFIXES):
            return Scope.LOOPBACK if "localhost" in name else Scope.PRIVATE
        return None
    if ip.is_loopback:
        return Scope.LOOPBACK
    if ip.is_link_local:
        return Scope.LINK_LOCAL
    if ip.is_global:
        return Scope.PUBLIC
    if ip.is_private or ip in ipaddress.ip_network("100.64.0.0/10"):
        return Scope.PRIVATE
    return Scope.OTHER


def is_private(host: str) -> bool:
    """True when host is an address (or a local name) that is not on the public internet."""
    scope = address_scope(host)
    return scope is not None and scope is not Scope.PUBLIC


# A catalogue or a page names the same few hundred hosts thousands of times.
@lru_cache(maxsize=4096)
def valid_hostname(host: str) -> bool:
    """True for a host a URL may name: an IP address, or a DNS name with valid labels.

    A name is checked as it goes to DNS: IDNA-encoded, at most 253 characters, each
    label 1 to 63 letters, digits, hyphens or underscores, and every ``xn--`` label
    decodable Punycode. Anything else would fail deep in a resolver, or worse.
    """
    if not host:
        return False
    if _ip(host) is not None:
        return True
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    name = host[:-1] if host.endswith(".") else host
    if not name or len(name) > 253:
        return False
    for label in name.split("."):
        if not _LABEL.match(label):
            return False
        if label[:4].lower() == "xn--":
            try:
                decoded = label[4:].encode("ascii").decode("punycode")
            except UnicodeError:
                return False
            if not decoded or decoded.isascii():
                return False
    return True
