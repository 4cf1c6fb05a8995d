"""Per-host politeness from link_rules: in flight, spacing, accepted statuses, exclusions."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from dltrack.catalogue.model import parse_catalogue
from dltrack.errors import CatalogueError
from dltrack.linkcheck.hostpolicy import Policies
from linkserver import LinkServer
from test_check_links import FAST, write_catalogue


def gaps(server: LinkServer) -> list[float]:
    starts = sorted(start for start, _ in server.spans)
    return [b - a for a, b in pairwise(starts)]


def test_a_host_rule_caps_requests_in_flight_and_spaces_them(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    urls = {n: linkserver.url(f"/delay?ms=300&id={n}") for n in range(1, 7)}
    rules = [{"host": "127.0.0.1", "per_host": 2, "min_interval": 0.25}]
    write_catalogue(catalogue_path, urls, rules)
    result = run("check-links", "--per-host", "8", "--format", "json", *FAST)
    assert result.code == 0, result.err
    assert linkserver.peak == 2  # not the run's 8
    assert min(gaps(linkserver)) >= 0.24  # request starts at least min_interval apart


def test_without_a_rule_the_run_settings_hold(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    urls = {n: linkserver.url(f"/delay?ms=300&id={n}") for n in range(1, 7)}
    write_catalogue(catalogue_path, urls)
    assert run("check-links", "--per-host", "6", *FAST).code == 0
    assert linkserver.peak == 6


def test_accepted_statuses_are_ok_and_excluded_urls_are_not_asked(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    urls = {
        1: linkserver.url("/status/403?id=1"),
        2: linkserver.url("/skip/this?id=2"),
        3: linkserver.url("/status/404?id=3"),
    }
    rules = [{"host": "127.0.0.1", "accept": [403], "exclude": ["*/skip/*"]}]
    write_catalogue(catalogue_path, urls, rules)
    result = run("check-links", "--format", "json", *FAST)
    data = json.loads(result.out)
    got = {r["id"]: (r["verdict"], r["reason"]) for r in data["results"]}
    assert got == {
        1: ("ok", "403 Forbidden (accepted for this host)"),
        3: ("dead", "404 Not Found"),
    }
    assert data["summary"]["excluded"] == 1
    assert not [t for t in linkserver.hits if t.startswith("/skip/")]
    assert "1 excluded by host rules" in run("check-links", *FAST).out


def test_a_politeness_rule_does_not_make_pages_be_read(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    # A rule with no text must not turn its host's checks into full page reads:
    # HEAD stays HEAD with --head-first.
    write_catalogue(
        catalogue_path, {1: linkserver.url("/ok?id=1")}, [{"host": "127.0.0.1", "per_host": 3}]
    )
    run("check-links", "--head-first", *FAST)
    assert linkserver.methods("/ok?id=1") == ["HEAD"]


def test_wechat_and_zhihu_are_gentle_by_default() -> None:
    hosts = Policies()
    for host in ("mp.weixin.qq.com", "zhuanlan.zhihu.com", "www.zhihu.com"):
        policy = hosts.for_host(host, 8, 0.0)
        assert (policy.per_host, policy.min_interval) == (2, 1.0), host
    assert (
        hosts.for_host("example.org", 8, 0.0).per_host,
        hosts.for_host("example.org", 8, 0.0).min_interval,
    ) == (8, 0.0)
    # The catalogue's own rule for the host decides over the built-in one.
    own = Policies([{"host": "mp.weixin.qq.com", "per_host": 1, "min_interval": 3}])
    assert own.for_host("mp.weixin.qq.com", 8, 0.0).per_host == 1
    assert own.for_host("mp.weixin.qq.com", 8, 0.0).min_interval == 3
    # --min-interval is a floor under every host's.
    assert hosts.for_host("mp.weixin.qq.com", 8, 2.0).min_interval == 2.0


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ({"per_host": 0}, "link_rules[0].per_host"),
        ({"per_host": "2"}, "link_rules[0].per_host"),
        ({"min_interval": -1}, "link_rules[0].min_interval"),
        ({"min_interval": float("inf")}, "link_rules[0].min_interval"),
        ({"accept": [99]}, "link_rules[0].accept[0]"),
        ({"accept": [200, 700]}, "link_rules[0].accept[1]"),
        ({"exclude": [" "]}, "link_rules[0].exclude[0]"),
        ({"per_hots": 2}, "link_rules[0].per_hots"),
    ],
)
def test_bad_host_rules_are_named_by_their_path(rule: dict, path: str) -> None:
    data = {"schema": 1, "tracks": [], "link_rules": [{"host": "example.org", **rule}]}
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(data, source="seed.json")
    assert any(p.startswith(path) for p in info.value.problems), info.value.problems
