"""One formatter per check-links output format: table, json, markdown and github."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from dltrack.links import LinkReport
from dltrack.text import safe

if TYPE_CHECKING:
    from rich.console import RenderableType

FORMATS = ("table", "json", "markdown", "github")
# What each verdict means for the catalogue, in the order reports list them.
PROBLEMS = ("dead", "moved", "blocked", "error")


def summary(report: LinkReport) -> dict[str, object]:
    """The counts block shared by every format."""
    return {
        **report.counts(),
        "checked": report.checked,
        "cached": report.cached,
        "elapsed_s": report.elapsed_s,
        "interrupted": report.interrupted,
    }


def summary_line(report: LinkReport) -> str:
    """One sentence: what was checked and what was found."""
    counts = report.counts()
    found = ", ".join(f"{counts[v]} {v}" for v in ("ok", *PROBLEMS))
    head = "Interrupted after" if report.interrupted else "Checked"
    return (
        f"{head} {report.checked} links ({report.cached} from cache) "
        f"in {report.elapsed_s:.1f} s: {found}"
    )


def as_json(report: LinkReport) -> str:
    """{"summary": {...}, "results": [...]}, one object per item."""
    results = [
        {
            "id": r.id,
            "url": r.url,
            "verdict": r.verdict,
            "http_status": r.http_status,
            "final_url": r.final_url,
            "moved_to": r.moved_to,
            "reason": r.reason,
            "elapsed_ms": r.elapsed_ms,
            "checked_at": r.checked_at,
            "cached": r.cached,
        }
        for r in report.results
    ]
    # One result a line: readable, and json's C encoder does it (indent= would
    # switch to the pure-Python one, 5x slower on 10,000 results).
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in results)
    head = json.dumps(summary(report), ensure_ascii=False)
    return f'{{"summary": {head},\n"results": [\n{lines}\n]}}\n'


def _md(text: str) -> str:
    # Table cells: a pipe or a newline would break the row.
    return safe(text).replace("|", "\\|")


def as_markdown(report: LinkReport) -> str:
    """A summary table and one table per kind of problem, for a PR comment or a step summary."""
    counts = report.counts()
    lines = [
        "## Link check",
        "",
        summary_line(report) + ".",
        "",
        "| verdict | links |",
        "| --- | ---: |",
        *(f"| {v} | {counts[v]} |" for v in ("ok", *PROBLEMS)),
    ]
    for verdict in PROBLEMS:
        rows = [r for r in report.results if r.verdict == verdict]
        if not rows:
            continue
        lines += ["", f"### {verdict.capitalize()} ({len(rows)})", ""]
        lines += ["| id | title | link | why |", "| ---: | --- | --- | --- |"]
        for r in rows:
            why = f"{r.reason} → {r.moved_to}" if r.moved_to else r.reason
            lines.append(f"| {r.id} | {_md(r.title)} | {_md(r.url)} | {_md(why)} |")
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    # GitHub workflow commands: these characters would end or corrupt the message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def item_lines(catalogue: Path) -> dict[int, int]:
    """The line where each item id stands in a catalogue file (its first place)."""
    try:
        text = catalogue.read_text(encoding="utf-8")
    except OSError:
        return {}
    found: dict[int, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        # Only items have an "id" key; written one item a line, or pretty-printed.
        for match in re.finditer(r'"id":\s*(\d+)', line):
            found.setdefault(int(match.group(1)), number)
    return found


def as_github(report: LinkReport) -> str:
    """Workflow-command annotations (error for dead, warning for moved and blocked)."""
    path = Path(report.catalogue)
    lines_of = item_lines(path)
    try:
        shown = path.resolve().relative_to(Path.cwd())
    except ValueError:
        shown = path
    out = []
    for r in report.results:
        level = {"dead": "error", "moved": "warning", "blocked": "warning"}.get(r.verdict)
        if level is None:
            continue
        where = f"file={_escape_property(str(shown))}"
        if r.id in lines_of:
            where += f",line={lines_of[r.id]}"
        title = _escape_property(f"{r.verdict} link: item {r.id}")
        message = f"{r.url} — {r.reason}" + (f" → {r.moved_to}" if r.moved_to else "")
        body = _escape_data(f"{safe(r.title)}: {message}")
        out.append(f"::{level} {where},title={title}::{body}")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def as_table(report: LinkReport) -> list[RenderableType]:
    """Rich renderables: the problems, then the summary."""
    from rich.table import Table

    from dltrack.render import text

    out: list[RenderableType] = []
    problems = [r for r in report.results if r.verdict in PROBLEMS]
    if problems:
        table = Table(box=None, pad_edge=False)
        table.add_column("id", justify="right", style="bold")
        table.add_column("verdict", no_wrap=True)
        table.add_column("title", overflow="fold", ratio=2)
        table.add_column("why", overflow="fold", ratio=2)
        style = {"dead": "red", "moved": "cyan", "blocked": "yellow", "error": "magenta"}
        for r in sorted(problems, key=lambda r: PROBLEMS.index(r.verdict)):
            why = text(r.reason)
            if r.moved_to:
                why.append(" → ")
                why.append(text(r.moved_to, "cyan"))
            table.add_row(str(r.id), text(r.verdict, style[r.verdict]), text(r.title), why)
        out.append(table)
    out.append(text(summary_line(report), "bold"))
    return out


def formatted(report: LinkReport, fmt: str) -> str | list[RenderableType]:
    """The report in one format: text for json/markdown/github, renderables for table."""
    if fmt == "table":
        return as_table(report)
    return {"json": as_json, "markdown": as_markdown, "github": as_github}[fmt](report)
