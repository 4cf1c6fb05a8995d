"""The reports of check-links: one function per format, each returning the report's text.

This module also owns where a report goes: standard output, the file of
``--output``, and the job summary of a GitHub Actions run. The table speaks the
curator's language; the formats for other programs and for shared pages (JSON, a
pull-request comment, CI annotations, JUnit, a badge) are always English.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from dltrack.errors import UsageError
from dltrack.files import FileProblem, write_text_atomically
from dltrack.lang import N_, english, plural, tr, tr_filled
from dltrack.linkcheck.verdicts import PROBLEMS, Verdict
from dltrack.links.results import CheckedLink, LinkReport
from dltrack.render.base import stderr, stdout
from dltrack.render.link_formats import as_junit, as_shields
from dltrack.render.words import verdict_word
from dltrack.text import json_safe, safe

if TYPE_CHECKING:
    from rich.console import RenderableType


class ReportFormat(StrEnum):
    """The formats of a link-check report."""

    TABLE = "table"  # for a terminal
    JSON = "json"
    MARKDOWN = "markdown"  # a pull-request comment, a job summary
    GITHUB = "github"  # workflow annotations on the catalogue's lines
    JUNIT = "junit"  # JUnit XML, for CI systems other than GitHub
    SHIELDS = "shields"  # a Shields.io endpoint badge's JSON


# Why a link got its verdict, as the engine says it (in English, which JSON keeps):
# every reason the link checker writes, translated in the table (a test reads the
# checker's code for them). Status lines and what a server or the OS said stay as
# they came, inside these.
REASONS = (
    N_("moved permanently"),
    N_("host not found"),
    N_("connection refused"),
    N_("connection reset"),
    N_("connect timed out"),
    N_("connect timed out after {seconds}"),
    N_("timed out after {seconds}"),
    N_("host unreachable"),
    N_("network unreachable"),
    N_("server closed the connection without answering"),
    N_("redirect loop"),
    N_("too many redirects (>{max_redirects})"),
    N_("parked domain: {sign}"),
    N_("TLS failure: {detail}"),
    N_("DNS lookup failed: {detail}"),
    N_("invalid host name"),
    N_("{status} not followed"),
    N_("{status} to an unusable URL: {location}"),
    N_("{status}, but the page cannot be read: {why}"),
    N_("unsupported content encoding {coding}"),
    N_("{count} stacked content encodings"),
    N_("connection failed: {detail}"),
    N_("invalid URL"),
    N_("invalid URL: {detail}"),
    N_("redirect into a private address ({address}) not followed"),
    N_("soft 404: {sign}"),
    N_("blocked page: {sign}"),
    N_("protocol error: {detail}"),
    N_("{reason} without a usable Location"),
    N_("{reason} (not requested: same failure repeated on this host)"),
    N_("{reason} (accepted for this host)"),
    N_("dead in {streak} of {confirm} runs so far: {reason}"),
    N_(
        "network unreachable: {down} of {total} hosts could not be resolved or connected to "
        "and none answered (e.g. {url}: {reason}); no link was marked dead"
    ),
)

# Why an archived copy could not be looked up, as linkcheck.archive says it.
ARCHIVE_PROBLEMS = (
    N_("the archive's answer is not JSON"),
    N_("the archive's answer is not a JSON object"),
    N_("the archive named a copy that is not an http(s) URL"),
    N_("the archive gave a copy with a bad timestamp {stamp}"),
    N_("{problem} (not asked again)"),
    N_("the archive could not be asked: {reason}"),
    N_("the archive answered {status}"),
)
# What the libraries refuse with a UsageError or ExtractError, shown where errors are.
LIBRARY_PROBLEMS = (
    N_("${variable} is not an http(s) URL: {url}"),
    N_("the document contains NUL characters: binary data, not text"),
)

# Workflow-command levels of the verdicts that get an annotation.
_ANNOTATION = {Verdict.DEAD: "error", Verdict.MOVED: "warning", Verdict.BLOCKED: "warning"}


def summary(report: LinkReport) -> dict[str, object]:
    """The counts block shared by every format."""
    return {
        **{str(v): n for v, n in report.counts().items()},
        "checked": report.checked,
        "cached": report.cached,
        "elapsed_s": report.elapsed_s,
        "interrupted": report.interrupted,
        "excluded": report.excluded,
        "learned_limits": [
            {"host": host, "per_host": n, "min_interval": gap, "reason": why}
            for host, n, gap, why in report.learned
        ],
        "title_mismatch": len(report.mismatched()),
        "offline": report.offline,
        "archive": report.archive._asdict() if report.archive is not None else None,
    }


def summary_line(report: LinkReport) -> str:
    """One sentence: what was checked and what was found."""
    counts = report.counts()
    found = tr(", ").join(
        tr("{n} {verdict}").format(n=counts[v], verdict=verdict_word(v))
        for v in (Verdict.OK, *PROBLEMS)
    )
    if report.offline is not None:
        head = tr("Stopped after {checked} links ({cached} from cache) in {seconds} s: {found}")
    elif report.interrupted:
        head = tr("Interrupted after {checked} links ({cached} from cache) in {seconds} s: {found}")
    else:
        head = tr("Checked {checked} links ({cached} from cache) in {seconds} s: {found}")
    seconds = f"{report.elapsed_s:.1f}"
    line = head.format(checked=report.checked, cached=report.cached, seconds=seconds, found=found)
    if report.excluded:
        line += tr("; {n} excluded by host rules").format(n=report.excluded)
    for host, n, gap, why in report.learned:
        said = tr("; {host} throttled the run ({why}): next time {n} in flight, {gap} s apart")
        line += said.format(host=host, why=tr_filled(why), n=n, gap=f"{gap:g}")
    if mismatched := len(report.mismatched()):
        line += plural(
            mismatched, "; {n} title no longer matches", "; {n} titles no longer match"
        ).format(n=mismatched)
    if report.archive is not None:
        a = report.archive
        line += tr("; archived copies: {found} found, {none} none").format(
            found=a.found, none=a.none
        )
        if a.failed:
            line += tr(", {failed} not looked up ({problem})").format(
                failed=a.failed, problem=tr_filled(a.problem or "")
            )
    if report.offline is not None:
        return tr("{line}. {offline}").format(line=line, offline=tr_filled(report.offline))
    return line


def _copy(r: CheckedLink) -> str:
    # Only a dead link's copy is news in a report: a live one's is kept for later.
    if r.verdict is not Verdict.DEAD or not r.archive_url:
        return ""
    return tr(" · archived copy: {url}").format(url=r.archive_url)


# A URL in a table cell: the scheme and "www." say nothing, and a long query string
# would push the reason off the screen; its head (host, path) and tail (the id) stay.
SHORT_URL = 48


def short_url(url: str, width: int = SHORT_URL) -> str:
    """The URL without its scheme and www., its middle elided beyond width characters."""
    shown = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE)
    if len(shown) <= width:
        return shown
    tail = width // 3
    return shown[: width - tail - 1] + "…" + shown[-tail:]


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
            "archive_url": r.archive_url,
            "archived_at": r.archived_at,
            "page_title": r.page_title,
            "title_mismatch": r.title_mismatch,
        }
        for r in report.results
    ]
    # One result a line: readable, and json's C encoder does it (indent= would
    # switch to the pure-Python one, 5x slower on 10,000 results).
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in results)
    head = json.dumps(summary(report), ensure_ascii=False)
    return json_safe(f'{{"summary": {head},\n"results": [\n{lines}\n]}}\n')


def _md(text: str) -> str:
    # Table cells: a pipe or a newline would break the row.
    return safe(text).replace("|", "\\|")


def as_markdown(report: LinkReport) -> str:
    """A summary table and one table per kind of problem, for a PR comment or a step summary."""
    with english():
        return _markdown(report)


def _markdown(report: LinkReport) -> str:
    counts = report.counts()
    lines = [
        "## Link check",
        "",
        summary_line(report) + ".",
        "",
        "| verdict | links |",
        "| --- | ---: |",
        *(f"| {v} | {counts[v]} |" for v in (Verdict.OK, *PROBLEMS)),
    ]
    for problem in PROBLEMS:
        rows = [r for r in report.results if r.verdict == problem]
        if not rows:
            continue
        lines += ["", f"### {problem.capitalize()} ({len(rows)})", ""]
        lines += ["| id | title | link | why |", "| ---: | --- | --- | --- |"]
        for r in rows:
            why = (f"{r.reason} → {r.moved_to}" if r.moved_to else r.reason) + _copy(r)
            lines.append(f"| {r.id} | {_md(r.title)} | {_md(r.url)} | {_md(why)} |")
    if mismatched := report.mismatched():
        lines += ["", f"### Title no longer matches ({len(mismatched)})", ""]
        lines += ["| id | title | link | the page's title |", "| ---: | --- | --- | --- |"]
        for r in mismatched:
            page = r.page_title or ""
            lines.append(f"| {r.id} | {_md(r.title)} | {_md(r.url)} | {_md(page)} |")
    return "\n".join(lines) + "\n"


def mismatch_reason(r: CheckedLink) -> str:
    """What a report says of a live link whose page title no longer matches."""
    return tr("title no longer matches: the page says {title!r}").format(title=r.page_title)


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
    with english():
        return _github(report)


def _github(report: LinkReport) -> str:
    path = Path(report.catalogue)
    lines_of = item_lines(path)
    try:
        shown = path.resolve().relative_to(Path.cwd())
    except ValueError:
        shown = path
    out = []
    if report.offline is not None:
        # One annotation for the run, not one per link: no link was judged.
        out.append(f"::error title=network unreachable::{_escape_data(safe(report.offline))}")
    for r in report.results:
        level = _ANNOTATION.get(r.verdict) or ("warning" if r.title_mismatch else None)
        if level is None:
            continue
        where = f"file={_escape_property(str(shown))}"
        if r.id in lines_of:
            where += f",line={lines_of[r.id]}"
        title = _escape_property(f"{r.verdict} link: item {r.id}")
        message = f"{r.url} — {r.reason}" + (f" → {r.moved_to}" if r.moved_to else "") + _copy(r)
        if r.title_mismatch:
            message += f" — {mismatch_reason(r)}"
        body = _escape_data(safe(f"{r.title}: {message}"))
        out.append(f"::{level} {where},title={title}::{body}")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def _table(report: LinkReport) -> list[RenderableType]:
    """Rich renderables: the problems, then the summary."""
    # Only the table format draws with rich: a check whose report is JSON or markdown
    # (CI, a file) never loads it (bench/README.md).
    from rich.table import Table

    from dltrack.render.style import VERDICT_COLOUR, link_piece, text, verdict

    out: list[RenderableType] = []
    problems = [r for r in report.results if r.verdict in PROBLEMS or r.title_mismatch]
    if problems:
        table = Table(box=None, pad_edge=False)
        table.add_column(tr("id"), justify="right", style="bold")
        table.add_column(tr("verdict"), no_wrap=True)
        table.add_column(tr("title"), overflow="fold", ratio=2)
        table.add_column(tr("link"), overflow="fold", ratio=2)
        table.add_column(tr("why"), overflow="fold", ratio=2)
        order = (*PROBLEMS, Verdict.OK)
        for r in sorted(problems, key=lambda r: order.index(r.verdict)):
            why = text(tr_filled(r.reason))
            if r.title_mismatch:
                why.append(" · ")
                why.append(text(mismatch_reason(r), "yellow"))
            if r.moved_to:
                why.append(" → ")
                why.append(text(short_url(r.moved_to), VERDICT_COLOUR[Verdict.MOVED]))
            if _copy(r):
                why.append(tr(" · archived copy: "))
                why.append(text(short_url(r.archive_url or ""), link_piece(r.archive_url)[1]))
            # Clickable where the terminal can: the short text links to the whole URL.
            shown = text(short_url(r.url), link_piece(r.url)[1])
            table.add_row(str(r.id), verdict(r.verdict), text(r.title), shown, why)
        out.append(table)
    out.append(text(summary_line(report), "bold"))
    return out


def as_table(report: LinkReport) -> str:
    """The report as the terminal shows it: colours when it has them, fitted to its width."""
    from rich.text import Text

    console = stdout()
    with console.capture() as captured:
        for renderable in _table(report):
            console.print(renderable, soft_wrap=isinstance(renderable, Text))
    return captured.get()


_FORMATTERS = {
    ReportFormat.TABLE: as_table,
    ReportFormat.JSON: as_json,
    ReportFormat.MARKDOWN: as_markdown,
    ReportFormat.GITHUB: as_github,
    ReportFormat.JUNIT: as_junit,
    ReportFormat.SHIELDS: as_shields,
}


def formatted(report: LinkReport, fmt: ReportFormat) -> str:
    """The report in one format."""
    return _FORMATTERS[fmt](report)


def deliver(report: LinkReport, fmt: ReportFormat, output: Path | None) -> None:
    """Put the report where it was asked for; on GitHub Actions, add it to the job summary.

    A report written to a file is never a terminal table: there it is markdown. When
    the file (or the job summary) cannot be written, the report goes to standard
    output instead, so nothing of the run is lost, and then UsageError says why.
    """
    problem: str | None = None
    if output is not None:
        shown = ReportFormat.MARKDOWN if fmt is ReportFormat.TABLE else fmt
        try:
            write_text_atomically(output, formatted(report, shown))
        except (FileProblem, OSError) as error:
            problem = tr("cannot write the report to {output}: {why}").format(
                output=output, why=_why(error)
            )
            sys.stdout.write(formatted(report, fmt))
        else:
            sys.stdout.write(safe(summary_line(report)) + "\n")
    else:
        sys.stdout.write(formatted(report, fmt))
    if fmt is ReportFormat.GITHUB and (summary_file := os.environ.get("GITHUB_STEP_SUMMARY")):
        try:
            with open(summary_file, "a", encoding="utf-8") as job_summary:
                job_summary.write(as_markdown(report))
        except OSError as error:
            problem = problem or tr(
                "cannot add the report to $GITHUB_STEP_SUMMARY ({file}): {why}"
            ).format(file=summary_file, why=_why(error))
    if problem is not None:
        raise UsageError(problem)


def _why(error: FileProblem | OSError) -> str:
    if isinstance(error, FileProblem):
        return error.message
    return tr_filled(error.strerror or str(error))


@contextmanager
def progress_bar(total: int) -> Iterator[Callable[[], None] | None]:
    """A progress bar on an interactive terminal; nothing on a pipe or in CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = (tr("checking links"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr(), transient=True) as progress:
        task = progress.add_task("links", total=total)
        yield lambda: progress.advance(task)
