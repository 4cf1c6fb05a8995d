"""check-links --format junit and --format shields."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

from dltrack.linkcheck.verdicts import Verdict
from dltrack.links.results import CheckedLink, LinkReport
from dltrack.render.link_formats import as_shields
from linkserver import LinkServer
from test_check_links import FAST, write_catalogue


def test_junit_has_a_case_per_link_and_fails_the_dead(
    run, linkserver: LinkServer, catalogue_path: Path, tmp_path: Path
) -> None:
    urls = {
        1: linkserver.url("/ok?id=1"),
        2: linkserver.url("/status/404?id=2"),
        3: linkserver.url("/status/403?id=3"),
        4: linkserver.url("/redirect/301?id=4&to=/ok"),
    }
    write_catalogue(catalogue_path, urls)
    out = tmp_path / "links.xml"
    result = run("check-links", "--format", "junit", "--output", str(out), *FAST)
    assert result.code == 1
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == ["item 1: 文章 1", "item 2: 文章 2", "item 3: 文章 3", "item 4: 文章 4"]
    failure = cases["item 2: 文章 2"].find("failure")
    assert failure is not None and "404 Not Found" in failure.get("message", "")
    assert cases["item 3: 文章 3"].find("skipped") is not None
    assert cases["item 1: 文章 1"].find("failure") is None
    moved = cases["item 4: 文章 4"].findtext("system-out") or ""
    assert "moved permanently → " in moved


def test_junit_escapes_what_xml_cannot_hold(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    write_catalogue(catalogue_path, {1: linkserver.url('/status/404?id=1&a=<b>&c="d"')})
    data = json.loads(catalogue_path.read_text())
    data["tracks"][0]["stages"][0]["items"][0]["title"] = 'A & B <script> "x" \u202e'
    catalogue_path.write_text(json.dumps(data))
    xml = run("check-links", "--format", "junit", *FAST).out
    case = ET.fromstring(xml).find("testsuite/testcase")  # parses: well-formed
    assert case is not None and "<script>" in (case.get("name") or "")
    assert "\u202e" not in xml


def test_shields_gives_the_badge_json(run, linkserver: LinkServer, catalogue_path: Path) -> None:
    urls = {n: linkserver.url(f"/ok?id={n}") for n in range(1, 20)}
    urls[20] = linkserver.url("/status/404?id=20")
    write_catalogue(catalogue_path, urls)
    badge = json.loads(run("check-links", "--format", "shields", *FAST).out)
    assert badge == {
        "schemaVersion": 1,
        "label": "links",
        "message": "95% alive · 1 dead · checked today",
        "color": "brightgreen",
    }


def _link(n: int, verdict: Verdict, checked: datetime) -> CheckedLink:
    return CheckedLink(
        n, "t", "https://a.example/", verdict, 200, None, None, "", 1, checked.isoformat(), True
    )


def test_shields_counts_the_age_of_the_oldest_result_and_colours_by_share() -> None:
    now = datetime(2026, 1, 10, tzinfo=UTC)
    results = [_link(1, Verdict.OK, now - timedelta(days=2)), _link(2, Verdict.DEAD, now)]
    report = LinkReport(results, 1, 1, 0.1, False, "seed.json")
    badge = json.loads(as_shields(report, now=now))
    assert badge["message"] == "50% alive · 1 dead · checked 2 days ago" and badge["color"] == "red"
    offline = json.loads(as_shields(report._replace(offline="network unreachable"), now=now))
    assert offline["color"] == "lightgrey" and "offline" in offline["message"]


def test_tracks_show_each_tracks_link_health(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    urls = {1: linkserver.url("/ok?id=1"), 2: linkserver.url("/ok?id=2")}
    urls |= {3: linkserver.url("/ok?id=3"), 4: linkserver.url("/status/404?id=4")}
    write_catalogue(catalogue_path, urls)
    before = json.loads(run("tracks", "--json").out)["tracks"]
    assert [t["links"] for t in before] == [None]  # never checked: nothing claimed
    assert "alive" not in run("tracks").out
    run("check-links", *FAST)
    after = json.loads(run("tracks", "--json").out)["tracks"]
    assert [t["links"] for t in after] == [{"checked": 4, "dead": 1}]
    assert "75% alive · 1 dead" in run("tracks").out
