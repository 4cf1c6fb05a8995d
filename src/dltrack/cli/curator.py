"""The curator's commands: import reading lists into the catalogue, lint it for CI."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from dltrack import render
from dltrack.catalogue.importing import import_files
from dltrack.catalogue.lint import lint_file
from dltrack.cli.common import JsonFlag, not_blank
from dltrack.errors import CatalogueError, ExitCode
from dltrack.lang import tr
from dltrack.render import curator as _curator_screens  # noqa: F401  (registers them)
from dltrack.text import is_slug


def _slug(value: str) -> str:
    # Checked here, before any file is read or pydantic is loaded.
    if not is_slug(value):
        raise typer.BadParameter(
            tr("not a track slug (lower-case letters, digits and '-'): {value!r}").format(
                value=value
            )
        )
    if value.isdigit():
        raise typer.BadParameter(
            tr("a track slug cannot be only digits (a number names a position): {value!r}").format(
                value=value
            )
        )
    return value


CatalogueOpt = Annotated[
    Path,
    typer.Option(
        "--catalogue",
        "--catalog",
        help=tr("The catalogue file to edit."),
        show_default="data/seed.json",
    ),
]


DEFAULT_CATALOGUE_OPTION = Path("data/seed.json")


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Hold off the cycle collector for one import and its report.

    A large document makes millions of small, acyclic objects that live to the end of
    the command; every collection walks them all again (a quarter of the time of a
    4 MB import). The process ends soon after, and the collector is back on for
    anything that runs later in it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _absolute_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.lower().startswith(("http://", "https://")) or value.strip()[-3:] == "://":
        raise typer.BadParameter(tr("{value!r} is not an http(s) address").format(value=value))
    return value.strip()


def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help=tr("Markdown or HTML documents (or both mixed)."))
    ],
    track: Annotated[
        str,
        typer.Option(
            "--track", "-t", help=tr("Slug of the track to create or add to."), callback=_slug
        ),
    ],
    title: Annotated[
        str | None,
        typer.Option(
            help=tr(
                "Track title (a new track's default: the document's title or first "
                "heading); renames an existing track."
            ),
            callback=not_blank,
        ),
    ] = None,
    catalogue: CatalogueOpt = DEFAULT_CATALOGUE_OPTION,
    topics: Annotated[
        bool,
        typer.Option(
            "--topics",
            help=tr("Keep short list items without a link as topics (for outlines)."),
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=tr("Show what would change; write nothing."))
    ] = False,
    personal: Annotated[
        bool,
        typer.Option(
            "--personal",
            help=tr("Into your own items (m1, m2, ...) instead of a catalogue file."),
        ),
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help=tr(
                "The documents' own address: relative links are resolved against it "
                "(without it they are skipped)."
            ),
            callback=_absolute_url,
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import the reading items of documents into a track of the catalogue.

    Headings and bold lines become stages, links and 《book titles》 become items, in
    document order. An article already in the catalogue (same canonical URL) keeps its
    id; new items get new ids above last_id. Images, profile links, anchors, mailto: and
    javascript: links and comment threads are skipped (--dry-run lists them and why).

    Into an existing track, the import appends: a section whose heading matches a
    stage's title adds its new items to the end of that stage, other sections become new
    stages after the existing ones. Nothing is removed, reordered or renumbered, so
    importing the same document again changes nothing.
    """
    if personal:
        if base_url is not None:
            raise typer.BadParameter(tr("--base-url is for imports into a catalogue file"))
        from dltrack.cli.common import recording
        from dltrack.learner.own_import import import_personal

        with _no_cycle_collection(), recording(ctx, records=not dry_run) as store:
            report = import_personal(
                store, files, track, title=title, topics=topics, dry_run=dry_run
            )
            render.emit(report, as_json=as_json)
        return
    if catalogue == DEFAULT_CATALOGUE_OPTION and not catalogue.exists():
        # Only the default: a path given is where a new catalogue may start.
        raise CatalogueError(
            tr(
                "no catalogue at {catalogue}: run this in a dltrack checkout "
                "or pass --catalogue PATH"
            ).format(catalogue=catalogue)
        )
    with _no_cycle_collection():
        report = import_files(
            files,
            track,
            catalogue_path=catalogue,
            title=title,
            topics=topics,
            dry_run=dry_run,
            base_url=base_url,
        )
        render.emit(report, as_json=as_json)


def lint(
    file: Annotated[
        Path, typer.Argument(help=tr("Catalogue file to check."), show_default="data/seed.json")
    ] = Path("data/seed.json"),
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            metavar="OLD_FILE",
            help=tr(
                "An earlier version: ids must still mean the same articles "
                "(git show main:data/seed.json > /tmp/old.json)."
            ),
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check a catalogue for CI: exit 1 on errors, 0 when there are only warnings.

    Errors: schema problems, two ids for one article, URLs still behind a redirector,
    empty titles, and with --against an id that now means another article, a retired
    id used again, or last_id going down. Warnings: tracking parameters left in URLs,
    items without a URL (counted per track).
    """
    report = lint_file(file, against)
    render.emit(report, as_json=as_json)
    if report.errors:
        raise typer.Exit(int(ExitCode.USER))
