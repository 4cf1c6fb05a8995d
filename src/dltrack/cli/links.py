"""The curator's link check: `dltrack check-links`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from dltrack.cli.options import TrackOpt, command, opened, paths
from dltrack.errors import ExitCode, UserError

FORMAT_HELP = "table, json, markdown or github (workflow annotations)."


@command("check-links")
def check_links_cmd(
    track: TrackOpt = None,
    stage: Annotated[
        str | None, typer.Option("--stage", "-s", help="Stage slug or number.")
    ] = None,
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Only these items (repeatable; 3-7 works).")
    ] = None,
    concurrency: Annotated[int, typer.Option(help="Requests in flight overall.")] = 128,
    per_host: Annotated[int, typer.Option(help="Requests in flight per host.")] = 8,
    min_interval: Annotated[
        float, typer.Option(help="Seconds between request starts on one host.")
    ] = 0.0,
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = 10.0,
    retries: Annotated[int, typer.Option(help="Retries for 429, 5xx, timeouts, resets.")] = 2,
    user_agent: Annotated[str | None, typer.Option(help="User-Agent header to send.")] = None,
    head_first: Annotated[
        bool,
        typer.Option(
            "--head-first",
            help="Ask with HEAD, and GET only where HEAD is not enough: less data, more requests.",
        ),
    ] = False,
    max_age: Annotated[
        str | None,
        typer.Option(help="Reuse ok/moved verdicts younger than this (e.g. 24h, 7d)."),
    ] = None,
    confirm: Annotated[
        int, typer.Option(help="Report dead only after this many dead runs in a row.")
    ] = 1,
    strict: Annotated[bool, typer.Option(help="Also fail on blocked and error links.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
) -> None:
    """Check the catalogue's links; each gets ok, moved, dead, blocked or error."""
    from dataclasses import replace

    from dltrack import linkformat, render
    from dltrack.catalog import parse_ids
    from dltrack.linkcheck import CheckOptions
    from dltrack.links import check_catalogue_links, parse_age, select_links
    from dltrack.paths import default_seed_path

    if fmt not in linkformat.FORMATS:
        raise UserError(f"unknown format {fmt!r}; use one of: {', '.join(linkformat.FORMATS)}")
    age = parse_age(max_age) if max_age else None
    try:
        options = CheckOptions(
            concurrency=concurrency,
            per_host=per_host,
            min_interval=min_interval,
            timeout=timeout,
            retries=retries,
            head_first=head_first,
        )
        if user_agent:
            options = replace(options, user_agent=user_agent)
    except ValueError as error:
        raise UserError(str(error)) from None
    catalogue = str(paths["seed"] or default_seed_path())
    with opened() as store:
        links = select_links(
            store, track_name=track, stage=stage, ids=parse_ids(ids) if ids else None
        )
        with _progress(len(links)) as advance:
            report = check_catalogue_links(
                store, links, options=options, catalogue=catalogue, max_age=age,
                confirm=confirm, on_progress=advance,
            )  # fmt: skip

    out = linkformat.formatted(report, fmt)
    if output is not None:
        from dltrack.files import write_text_atomically

        text = out if isinstance(out, str) else linkformat.as_markdown(report)
        write_text_atomically(output, text)
        # One plain line, as render.emit would print it, without importing rich for it.
        sys.stdout.write(render.safe(linkformat.summary_line(report)) + "\n")
    elif isinstance(out, str):
        sys.stdout.write(out)
    else:
        for renderable in out:
            render.stdout().print(renderable)
    if fmt == "github" and (summary_file := os.environ.get("GITHUB_STEP_SUMMARY")):
        with open(summary_file, "a", encoding="utf-8") as summary:
            summary.write(linkformat.as_markdown(report))
    if report.interrupted:
        raise typer.Exit(ExitCode.INTERRUPTED)
    if report.failed(strict=strict):
        raise typer.Exit(ExitCode.DEAD_LINKS)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None] | None]:
    """A progress bar on an interactive terminal; nothing on a pipe or in CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from dltrack.render import stderr

    columns = ("checking links", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr(), transient=True) as progress:
        task = progress.add_task("links", total=total)
        yield lambda: progress.advance(task)
