"""Two more check-links reports: JUnit XML for CI systems, a Shields.io badge's JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from dltrack.linkcheck.verdicts import Verdict
from dltrack.links.results import LinkReport
from dltrack.text import safe


def as_junit(report: LinkReport) -> str:
    """One test case per link: dead is a failure, blocked and error are skipped
    (inconclusive), the rest pass; an offline run is one error for the suite."""
    from xml.etree import ElementTree as ET  # only this format needs the XML machinery

    counts = report.counts()
    suite = ET.Element(
        "testsuite",
        name="dltrack check-links",
        tests=str(len(report.results)),
        failures=str(counts[Verdict.DEAD]),
        errors="1" if report.offline else "0",
        skipped=str(counts[Verdict.BLOCKED] + counts[Verdict.ERROR]),
        time=f"{report.elapsed_s:.2f}",
    )
    if report.offline is not None:
        case = ET.SubElement(suite, "testcase", classname="network", name="network reachable")
        ET.SubElement(case, "error", message=safe(report.offline))
    for r in report.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=safe(report.catalogue),
            name=safe(f"item {r.id}: {r.title}"),
            time=f"{r.elapsed_ms / 1000:.3f}",
        )
        why = safe(f"{r.url}: {r.reason}" + (f" → {r.moved_to}" if r.moved_to else ""))
        if r.verdict is Verdict.DEAD:
            ET.SubElement(case, "failure", message=why, type="dead")
        elif r.verdict in (Verdict.BLOCKED, Verdict.ERROR):
            ET.SubElement(case, "skipped", message=f"{r.verdict}: {why}")
        elif r.verdict is Verdict.MOVED or r.title_mismatch:
            ET.SubElement(case, "system-out").text = why
    root = ET.Element("testsuites")
    root.append(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _ago(when: datetime, now: datetime) -> str:
    days = (now - when).days
    if days <= 0:
        return "checked today"
    return "checked 1 day ago" if days == 1 else f"checked {days} days ago"


def as_shields(report: LinkReport, now: datetime | None = None) -> str:
    """A Shields.io endpoint badge: "96% alive · 3 dead · checked 2 days ago"."""
    counts = report.counts()
    total = len(report.results)
    alive = counts[Verdict.OK] + counts[Verdict.MOVED]
    if report.offline is not None or not total:
        message, colour = ("not checked: offline" if report.offline else "no links"), "lightgrey"
    else:
        share = alive / total * 100
        # The age of the oldest result: cached ones (--max-age) were checked earlier.
        oldest = min(datetime.fromisoformat(r.checked_at) for r in report.results)
        parts = [f"{share:.0f}% alive", f"{counts[Verdict.DEAD]} dead"]
        message = " · ".join([*parts, _ago(oldest, now or datetime.now(UTC))])
        colour = "brightgreen" if share >= 95 else "yellow" if share >= 80 else "red"
    badge = {"schemaVersion": 1, "label": "links", "message": message, "color": colour}
    return json.dumps(badge, ensure_ascii=False) + "\n"
