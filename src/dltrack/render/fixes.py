"""What `dltrack fix-links` prints: the changes as text, JSON, or a pull-request body.

The text speaks the curator's language; the pull-request body is English, whoever
writes it, as the repository's other pages are.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING

from dltrack.lang import english, tr
from dltrack.text import json_safe, safe

if TYPE_CHECKING:  # check-links imports FixFormat; the catalogue model (pydantic) is not
    # needed for that, and costs a run a tenth of a second and 10 MB.
    from dltrack.links.fixes import FixReport, LinkFix


class FixFormat(StrEnum):
    """The formats of fix-links' report."""

    TEXT = "text"
    MARKDOWN = "markdown"  # a pull-request body
    JSON = "json"


def _line(fix: LinkFix) -> str:
    if fix.change == "moved":
        return f"{fix.id}  {fix.title}: {fix.old} → {fix.new}"
    return tr("{id}  {title}: archived copy {url}").format(id=fix.id, title=fix.title, url=fix.new)


def as_text(report: FixReport) -> str:
    """One line per change, then what was done."""
    lines = [safe(_line(fix)) for fix in report.fixes]
    moved = sum(1 for f in report.fixes if f.change == "moved")
    archived = len(report.fixes) - moved
    if not report.fixes:
        said = tr("Nothing to fix in {catalogue}: no moved link, no dead link with a copy.")
    elif report.applied:
        said = tr("Wrote {catalogue}: {moved} moved, {archived} archived.")
    else:
        said = tr(
            "Would change {moved} moved and {archived} archived in {catalogue} "
            "(--apply writes them)."
        )
    lines.append(said.format(catalogue=report.catalogue, moved=moved, archived=archived))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return safe(text).replace("|", "\\|")


def as_markdown(report: FixReport) -> str:
    """A pull-request body: what changed and why, with the evidence of each check."""
    with english():
        return _markdown(report)


def _markdown(report: FixReport) -> str:
    moved = [f for f in report.fixes if f.change == "moved"]
    archived = [f for f in report.fixes if f.change == "archive"]
    lines = [
        "## Link fixes from the link check",
        "",
        f"`dltrack fix-links` changed {len(moved)} moved and {len(archived)} dead links in "
        f"`{report.catalogue}`. Ids and titles are kept and nothing is removed; each "
        "moved item keeps its old URL in `old_urls`.",
    ]
    if moved:
        lines += ["", f"### Moved ({len(moved)})", "", "| id | title | was | now | evidence |"]
        lines.append("| ---: | --- | --- | --- | --- |")
        for f in moved:
            evidence = f"{f.reason}, checked {f.checked_at[:16].replace('T', ' ')}"
            lines.append(
                f"| {f.id} | {_md(f.title)} | {_md(f.old or '')} | {_md(f.new)} | {_md(evidence)} |"
            )
    if archived:
        lines += ["", f"### Dead, with an archived copy ({len(archived)})", ""]
        lines += ["| id | title | archived copy | evidence |", "| ---: | --- | --- | --- |"]
        for f in archived:
            evidence = f"{f.reason}, checked {f.checked_at[:16].replace('T', ' ')}"
            lines.append(f"| {f.id} | {_md(f.title)} | {_md(f.new)} | {_md(evidence)} |")
    if not report.fixes:
        lines += ["", "Nothing to fix."]
    return "\n".join(lines) + "\n"


def as_json(report: FixReport) -> str:
    """{"catalogue", "applied", "fixes": [{id, title, change, old, new, reason, checked_at}]}."""
    data = {
        "catalogue": report.catalogue,
        "applied": report.applied,
        "fixes": [fix._asdict() for fix in report.fixes],
    }
    return json_safe(json.dumps(data, ensure_ascii=False, indent=1)) + "\n"


def formatted(report: FixReport, fmt: FixFormat) -> str:
    """The report in one format; text after --apply ends with the pull-request body."""
    if fmt is FixFormat.JSON:
        return as_json(report)
    if fmt is FixFormat.MARKDOWN:
        return as_markdown(report)
    if report.applied:
        return as_text(report) + "\n" + as_markdown(report)
    return as_text(report)
