"""The commands of the learner's record: undo, the log, your own items, moving machines."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from dltrack import render
from dltrack.cli.common import JsonFlag, StageOpt, TrackOpt, local_today, opened, recording
from dltrack.cli.learner import mark_and_show
from dltrack.errors import ExitCode, UsageError, UserError
from dltrack.files import FileProblem, write_text_atomically
from dltrack.lang import tr
from dltrack.learner.days import parse_since
from dltrack.learner.status import Status
from dltrack.render import record as _record_screens  # noqa: F401  (registers them)


def undo(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            help=tr("Older spelling of `reset ID...`; without ids, undo the last command.")
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Take back your last command (again: the one before); with ids, the same as reset."""
    if ids:
        mark_and_show(ctx, ids, Status.UNREAD, None, as_json)
        return
    from dltrack.learner.marking import undo_last

    with recording(ctx) as store:
        render.emit(undo_last(store), as_json=as_json)


def log(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(metavar="SPAN", help=tr("Only since a day: 7d, 30d, YYYY-MM-DD, yesterday.")),
    ] = None,
    track: TrackOpt = None,
    limit: Annotated[
        int, typer.Option("-n", min=0, help=tr("At most this many entries (0: all)."))
    ] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Show what you did, newest first, in local time."""
    from dltrack.learner.log import read_log

    first = None if since is None else parse_since(since, local_today())
    with opened(ctx) as store:
        result = read_log(store, since=first, track_name=track, limit=limit or None)
    render.emit(result, as_json=as_json)


def export(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help=tr("Write here instead of standard output."))
    ] = None,
) -> None:
    """Export your record (every event: marks, notes, undos) to move machines or keep a copy."""
    # Here, not at the top: `next`, `done` and `list` start without them.
    from dltrack.learner.syncing import export_events

    with opened(ctx) as store:
        if file is None:
            for piece in export_events(store):
                sys.stdout.write(piece)
            return
        try:
            # All of it or nothing: the file appears only once every event is in it.
            write_text_atomically(file, export_events(store))
        except FileProblem as problem:
            raise UserError(problem.message) from None
    render.emit(
        render.Message(tr("Record written to {file}").format(file=file), {"file": str(file)})
    )


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=tr("A file written by dltrack export."))],
    into: Annotated[
        bool,
        typer.Option(
            "--into", help=tr("Restore another catalogue's record, matching items by URL.")
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Merge an exported record into this machine's; never deletes anything."""
    from dltrack.learner.eventfile import BadEventFile, is_event_file, open_events
    from dltrack.learner.restoring import check_export_file, restore_progress

    check_export_file(file)
    if not is_event_file(file):  # an export of an earlier dltrack (version 1)
        with recording(ctx) as store:
            result: object = restore_progress(store, file)
        render.emit(result, as_json=as_json)
        return
    from dltrack.learner.syncing import restore_events

    try:
        reading = open_events(file)
    except BadEventFile as bad:
        raise UserError(bad.message) from None
    with recording(ctx) as store:
        result = restore_events(store, reading, into=into)
    render.emit(result, as_json=as_json)


def sync(
    ctx: typer.Context,
    folder: Annotated[
        Path,
        typer.Argument(help=tr("A folder shared by your machines (Dropbox, 坚果云, git, USB).")),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Sync your record with your other machines through a shared folder."""
    from dltrack.learner.syncing import sync_folder

    with recording(ctx) as store:  # the other machines' events go to the group too
        result = sync_folder(store, folder)
    render.emit(result, as_json=as_json)
    for notice in result.notices:
        render.error(notice)
    if result.refused:
        raise typer.Exit(ExitCode.DATA)


def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help=tr("The article's link."))],
    title: Annotated[
        str | None, typer.Option(help=tr("Its title (default: the page's own, fetched)."))
    ] = None,
    track: Annotated[
        str | None, typer.Option("--track", "-t", help=tr("Your own track to put it in (mine)."))
    ] = None,
    stage: StageOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Add an article of your own: a personal track beside the catalogue's, ids m1, m2, ..."""
    from dltrack.learner.personal import add_item
    from dltrack.linkcheck.titles import page_title

    with recording(ctx) as store:
        result = add_item(store, url, title=title, track=track, stage=stage, fetch_title=page_title)
    render.emit(result, as_json=as_json)


def note(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help=tr("Item id (17, or m3)."))],
    text: Annotated[str | None, typer.Argument(help=tr("The note's text."))] = None,
    edit: Annotated[
        int | None,
        typer.Option(metavar="N", min=1, help=tr("Replace note N (as show lists them).")),
    ] = None,
    delete: Annotated[
        int | None,
        typer.Option(metavar="N", min=1, help=tr("Delete note N (undo brings it back).")),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Add a note to an item, or edit or delete one of its notes."""
    from dltrack.learner.ids import one_id
    from dltrack.learner.marking import change_note

    if edit is not None and delete is not None:
        raise UsageError(tr("give --edit or --delete, not both"))
    if delete is not None and text is not None:
        raise UsageError(tr("--delete takes no text"))
    if delete is None and text is None:
        raise UsageError(tr("give the note's text (or --delete N)"))
    one = one_id(item_id)
    with recording(ctx) as store:
        result = change_note(store, one, text=text, edit=edit, delete=delete)
    render.emit(result, as_json=as_json)
