"""Which host names a URL may carry, and which addresses are private: pure checks."""

from __future__ import annotations

import pytest

from dltrack.hosts import Scope, address_scope, is_private, valid_hostname


@pytest.mark.parametrize(
    "host",
    [
        "example.org",
        "例子.中国",
        "xn--fsqu00a.xn--fiqs8s",
        "a_b.example",
        "127.0.0.1",
        "[::1]",
        "x.",
    ],
)
def test_valid_host_names(host: str) -> None:
    assert valid_hostname(host)


@pytest.mark.parametrize(
    "host",
    ["", "xn--zz", "xn--", "a..b", "a" * 64 + ".com", "-a.com", "a-.com", "a b.com", "x" * 254],
)
def test_invalid_host_names(host: str) -> None:
    assert not valid_hostname(host)


@pytest.mark.parametrize(
    ("host", "scope"),
    [
        ("127.0.0.1", Scope.LOOPBACK),
        ("127.8.9.10", Scope.LOOPBACK),
        ("::1", Scope.LOOPBACK),
        ("::ffff:127.0.0.1", Scope.LOOPBACK),
        ("localhost", Scope.LOOPBACK),
        ("app.localhost", Scope.LOOPBACK),
        ("10.0.0.1", Scope.PRIVATE),
        ("172.16.5.4", Scope.PRIVATE),
        ("192.168.1.1", Scope.PRIVATE),
        ("fd00::1", Scope.PRIVATE),
        ("100.64.0.1", Scope.PRIVATE),
        ("printer.local", Scope.PRIVATE),
        ("169.254.169.254", Scope.LINK_LOCAL),
        ("fe80::1", Scope.LINK_LOCAL),
        ("8.8.8.8", Scope.PUBLIC),
        ("2001:4860:4860::8888", Scope.PUBLIC),
        ("example.org", None),
    ],
)
def test_address_scopes(host: str, scope: Scope | None) -> None:
    assert address_scope(host) == scope
    assert is_private(host) == (scope is not None and scope is not Scope.PUBLIC)
