"""The curator's link check: `dltrack check-links`."""

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from dltrack.cli.common import (
    StageOpt,
    TrackOpt,
    globals_of,
    not_negative_seconds,
    opened,
    positive_seconds,
)
from dltrack.errors import CatalogueError, ExitCode, NetworkUnreachable, UsageError, UserError
from dltrack.lang import tr
from dltrack.learner.ids import parse_ids
from dltrack.linkcheck.options import CheckOptions
from dltrack.links.archive import ArchiveScope, add_archive_copies
from dltrack.links.history import changed_links, check_catalogue_links, parse_age, select_links
from dltrack.render.fixes import FixFormat
from dltrack.render.links import ReportFormat, deliver, progress_bar

# A request may take at most this long, and a host be paced at most this slowly: a
# larger number is a typo (or 1e308), and would hold the run for ever.
MAX_SECONDS = 3600.0


def _age(value: str | None) -> str | None:
    if value is not None:
        try:
            parse_age(value)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
    return value


def _old_urls(path: Path) -> dict[int, str | None]:
    """Each item's URL in the older catalogue of --changed-against."""
    from dltrack.catalogue.fileio import load_catalogue

    try:
        old = load_catalogue(path)
    except CatalogueError as error:
        raise UsageError(tr("--changed-against: {message}").format(message=error.message)) from None
    return {item_id: item.url for item_id, item in old.items().items()}


def check_links(
    ctx: typer.Context,
    scope: Annotated[
        str | None,
        typer.Argument(
            metavar="[all]",
            help=tr("With --archive: look up copies of live links too."),
            show_default=False,
        ),
    ] = None,
    track: TrackOpt = None,
    stage: StageOpt = None,
    ids: Annotated[
        list[str] | None, typer.Option("--id", help=tr("Only these items (repeatable; 3-7 works)."))
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help=tr("Requests in flight overall."))] = 128,
    per_host: Annotated[int, typer.Option(min=1, help=tr("Requests in flight per host."))] = 8,
    processes: Annotated[
        int,
        typer.Option(
            min=0, help=tr("Processes to check with (0: by the number of links and CPUs).")
        ),
    ] = 0,
    min_interval: Annotated[
        float,
        typer.Option(
            max=MAX_SECONDS,
            help=tr("Seconds between request starts on one host."),
            callback=not_negative_seconds,
        ),
    ] = 0.0,
    timeout: Annotated[
        float,
        typer.Option(max=MAX_SECONDS, help=tr("Seconds per request."), callback=positive_seconds),
    ] = 10.0,
    retries: Annotated[
        int, typer.Option(min=0, help=tr("Retries for 429, 5xx, timeouts, resets."))
    ] = 2,
    user_agent: Annotated[str | None, typer.Option(help=tr("User-Agent header to send."))] = None,
    head_first: Annotated[
        bool,
        typer.Option(
            "--head-first",
            help=tr(
                "Ask with HEAD, and GET only where HEAD is not enough: less data, more requests."
            ),
        ),
    ] = False,
    max_age: Annotated[
        str | None,
        typer.Option(
            help=tr("Reuse ok/moved verdicts younger than this (e.g. 24h, 7d)."), callback=_age
        ),
    ] = None,
    confirm: Annotated[
        int, typer.Option(min=1, help=tr("Report dead only after this many dead runs in a row."))
    ] = 1,
    strict: Annotated[bool, typer.Option(help=tr("Also fail on blocked and error links."))] = False,
    allow_private_redirects: Annotated[
        bool,
        typer.Option(
            "--allow-private-redirects",
            help=tr("Follow redirects from public addresses into private or loopback ones."),
        ),
    ] = False,
    github_token: Annotated[
        str | None,
        typer.Option(
            "--github-token",
            envvar="GITHUB_TOKEN",
            help=tr(
                "Sent as a Bearer token to github.com, api.github.com and "
                "raw.githubusercontent.com over https, nowhere else."
            ),
            show_default=False,
        ),
    ] = None,
    archive: Annotated[
        bool,
        typer.Option(
            "--archive",
            help=tr(
                "Look up an archived copy of each dead link (--archive all: of every link "
                "without one), from the item's own day."
            ),
        ),
    ] = False,
    changed_against: Annotated[
        Path | None,
        typer.Option(
            "--changed-against",
            metavar="OLD_FILE",
            help=tr("Only items that are new, or whose URL changed, since this catalogue file."),
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help=tr("How to write the report."))
    ] = ReportFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=tr("Write the report to this file."))
    ] = None,
) -> None:
    """Check the catalogue's links; each gets ok, moved, dead, blocked or error."""
    if scope is not None and (scope != ArchiveScope.ALL or not archive):
        raise UsageError(
            tr("unexpected argument {scope!r} (only --archive takes 'all')").format(
                scope=scope[:40]
            )
        )
    age = parse_age(max_age) if max_age else None
    options = CheckOptions(
        concurrency=concurrency,
        per_host=per_host,
        processes=processes,
        min_interval=min_interval,
        timeout=timeout,
        retries=retries,
        head_first=head_first,
        allow_private_redirects=allow_private_redirects,
    )
    if user_agent:
        try:
            options = replace(options, user_agent=user_agent)
        except ValueError:
            # The one thing the options refuse in a User-Agent.
            said = tr("must be printable ASCII (it is sent as a header)")
            raise typer.BadParameter(said, param_hint="'--user-agent'") from None
    if github_token:
        try:
            options = replace(options, github_token=github_token.strip())
        except ValueError:
            # Not the value: a secret is never echoed.
            raise typer.BadParameter(
                tr("must be printable ASCII"), param_hint="'--github-token' / $GITHUB_TOKEN"
            ) from None
    catalogue = str(globals_of(ctx).seed_path())
    old_urls = _old_urls(changed_against) if changed_against is not None else None
    with opened(ctx) as store:
        try:
            wanted = parse_ids(ids) if ids else None
            links = select_links(store, track_name=track, stage=stage, ids=wanted)
        except UserError as error:
            # An unknown id or track here is a mistake in the command line: exit 1 is
            # kept for dead links, which CI scripts test for.
            raise UsageError(error.message) from None
        if old_urls is not None:
            links = changed_links(links, old_urls)
        with progress_bar(len(links)) as advance:
            report = check_catalogue_links(
                store, links, options=options, catalogue=catalogue, max_age=age,
                confirm=confirm, on_progress=advance,
            )  # fmt: skip
        if archive and report.offline is None and not report.interrupted:
            which = ArchiveScope(scope or ArchiveScope.DEAD)
            report = add_archive_copies(store, report, which, options)
    deliver(report, fmt, output)
    if report.offline is not None:
        raise NetworkUnreachable(report.offline)
    if report.interrupted:
        raise typer.Exit(ExitCode.INTERRUPTED)
    if report.failed(strict=strict):
        raise typer.Exit(ExitCode.DEAD_LINKS)


def fix_links(
    ctx: typer.Context,
    catalogue: Annotated[
        Path,
        typer.Option(
            "--catalogue",
            "--catalog",
            help=tr("The catalogue file to fix."),
            show_default="data/seed.json",
        ),
    ] = Path("data/seed.json"),
    apply: Annotated[
        bool, typer.Option("--apply", help=tr("Write the changes (else only show them)."))
    ] = False,
    confirm: Annotated[
        int,
        typer.Option(
            min=1,
            help=tr("A link is dead for this once its latest checks this many in a row were."),
        ),
    ] = 2,
    fmt: Annotated[
        FixFormat, typer.Option("--format", "-f", help=tr("How to write what changes."))
    ] = FixFormat.TEXT,
) -> None:
    """Fix the catalogue from the link history: moved links get their new URL, dead ones
    with an archived copy get "archive". Ids and titles are kept; nothing is removed.

    Without --apply it shows what would change. With --apply it writes the file (the
    stable layout, one line per item) and prints a pull-request body.
    """
    from dltrack.links.fixes import fix_links as fix
    from dltrack.render.fixes import formatted

    with opened(ctx) as store:
        report = fix(store, catalogue, apply=apply, confirm=confirm)
    sys.stdout.write(formatted(report, fmt))
