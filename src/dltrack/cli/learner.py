"""The learner's commands: what to read next, marking items, progress, moving machines."""

from __future__ import annotations

import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dltrack import render
from dltrack.cli.common import IdsArg, JsonFlag, NoteOpt, StageOpt, TrackOpt, opened
from dltrack.errors import ExitCode, UserError
from dltrack.files import FileProblem, write_text_atomically
from dltrack.learner.days import parse_since, past_day
from dltrack.learner.ids import one_id, parse_ids
from dltrack.learner.items import item_url, list_items, next_items, show_item
from dltrack.learner.items import search as search_titles
from dltrack.learner.marking import mark
from dltrack.learner.progress import progress_report
from dltrack.learner.status import Status
from dltrack.learner.tracks import list_stages, list_tracks, use_track
from dltrack.linkcheck.verdicts import Verdict

# --status takes a status or "all"; built from Status so the words live in one place.
StatusFilter = StrEnum(  # type: ignore[misc]
    "StatusFilter", {"ALL": "all", **{s.name: s.value for s in Status}}
)
ItemArg = Annotated[str, typer.Argument(metavar="ID", help="Item id.")]


def tracks(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the tracks with item counts and progress."""

    with opened(ctx) as store:
        render.emit(list_tracks(store), as_json=as_json)


def use(
    ctx: typer.Context, track: Annotated[str, typer.Argument(help="Track slug or number.")]
) -> None:
    """Make a track the current one."""

    with opened(ctx) as store:
        ref = use_track(store, track)
    render.emit(render.Message(f"Current track: {ref.title} ({ref.slug})", {"current": ref.slug}))


def stages(ctx: typer.Context, track: TrackOpt = None, as_json: JsonFlag = False) -> None:
    """Show a track's stages in order, with done/total and a bar."""

    with opened(ctx) as store:
        render.emit(list_stages(store, track), as_json=as_json)


def list_(
    ctx: typer.Context,
    track: TrackOpt = None,
    stage: StageOpt = None,
    status: Annotated[StatusFilter, typer.Option(help="Only items with this status.")] = (
        StatusFilter.ALL  # type: ignore[attr-defined]
    ),
    link: Annotated[
        Verdict | None, typer.Option(help="Only items whose last link check said this.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List items with id, title, stage and status."""

    wanted = None if status == "all" else Status(status)
    with opened(ctx) as store:
        items = list_items(store, track, stage=stage, status=wanted, link=link)
        render.emit(items, as_json=as_json)


def next_(
    ctx: typer.Context,
    track: TrackOpt = None,
    n: Annotated[int, typer.Option("-n", min=1, help="How many items to show.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Show the next items to read: those in progress first, then unread ones in order."""

    with opened(ctx) as store:
        render.emit(next_items(store, track, n), as_json=as_json)


DateOpt = Annotated[
    str | None,
    typer.Option("--date", metavar="DATE", help="Date the change: YYYY-MM-DD, today or yesterday."),
]


def _today() -> date:
    return datetime.now().astimezone().date()


def _mark(
    ctx: typer.Context,
    ids: list[str],
    status: Status,
    note: str | None,
    as_json: bool,
    on: str | None = None,
) -> None:

    item_ids = parse_ids(ids)
    day = None if on is None else past_day(on, _today())
    with opened(ctx) as store:
        render.emit(mark(store, item_ids, status, note=note, on=day), as_json=as_json)


def done(
    ctx: typer.Context,
    ids: IdsArg,
    note: NoteOpt = None,
    on: DateOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Mark items as read; answers with the stage's new progress."""
    _mark(ctx, ids, Status.DONE, note, as_json, on)


def start(
    ctx: typer.Context,
    ids: IdsArg,
    note: NoteOpt = None,
    on: DateOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Mark items as being read (a long paper, a book); `next` shows them first."""
    _mark(ctx, ids, Status.READING, note, as_json, on)


def skip(
    ctx: typer.Context,
    ids: IdsArg,
    note: NoteOpt = None,
    on: DateOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Skip items: they leave `next` without counting as read."""
    _mark(ctx, ids, Status.SKIPPED, note, as_json, on)


def reset(ctx: typer.Context, ids: IdsArg, as_json: JsonFlag = False) -> None:
    """Put items back to unread (their history stays in the log)."""
    _mark(ctx, ids, Status.UNREAD, None, as_json)


def undo(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(help="Older spelling of `reset ID...`; without ids, undo the last command."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Take back your last command (again: the one before); with ids, the same as reset."""
    if ids:
        _mark(ctx, ids, Status.UNREAD, None, as_json)
        return
    from dltrack.learner.marking import undo_last

    with opened(ctx) as store:
        render.emit(undo_last(store), as_json=as_json)


def log(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(metavar="SPAN", help="Only since a day: 7d, 30d, YYYY-MM-DD, yesterday."),
    ] = None,
    track: TrackOpt = None,
    limit: Annotated[
        int, typer.Option("-n", min=0, help="At most this many entries (0: all).")
    ] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Show what you did, newest first, in local time."""
    from dltrack.learner.log import read_log

    first = None if since is None else parse_since(since, _today())
    with opened(ctx) as store:
        result = read_log(store, since=first, track_name=track, limit=limit or None)
    render.emit(result, as_json=as_json)


def open_(ctx: typer.Context, item_id: ItemArg) -> None:
    """Open an item's link in the web browser."""
    import webbrowser

    one = one_id(item_id)
    with opened(ctx) as store:
        url = item_url(store, one)
    if not webbrowser.open(url):
        raise UserError(f"could not start a web browser; the link is {url}")
    render.emit(render.Message(f"Opened {url}", {"url": url}))


def show(ctx: typer.Context, item_id: ItemArg, as_json: JsonFlag = False) -> None:
    """Show an item: title, link, where it appears, status, dates and notes."""

    one = one_id(item_id)
    with opened(ctx) as store:
        render.emit(show_item(store, one), as_json=as_json)


def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words the title must contain.")],
    track: Annotated[str | None, typer.Option("--track", "-t", help="Only this track.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Find items whose title contains the words (works for Chinese: dltrack search 卷积)."""

    with opened(ctx) as store:
        render.emit(search_titles(store, " ".join(query), track_name=track), as_json=as_json)


def progress(ctx: typer.Context, track: TrackOpt = None, as_json: JsonFlag = False) -> None:
    """Show progress per track and stage, recent activity and your streak."""

    with opened(ctx) as store:
        render.emit(progress_report(store, track), as_json=as_json)


def export(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help="Write here instead of standard output.")
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
    render.emit(render.Message(f"Record written to {file}", {"file": str(file)}))


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file written by dltrack export.")],
    into: Annotated[
        bool,
        typer.Option("--into", help="Restore another catalogue's record, matching items by URL."),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Merge an exported record into this machine's; never deletes anything."""
    from dltrack.learner.eventfile import BadEventFile, is_event_file, open_events
    from dltrack.learner.restoring import check_export_file, restore_progress

    check_export_file(file)
    if not is_event_file(file):  # an export of an earlier dltrack (version 1)
        with opened(ctx) as store:
            result: object = restore_progress(store, file)
        render.emit(result, as_json=as_json)
        return
    from dltrack.learner.syncing import restore_events

    try:
        reading = open_events(file)
    except BadEventFile as bad:
        raise UserError(bad.message) from None
    with opened(ctx) as store:
        result = restore_events(store, reading, into=into)
    render.emit(result, as_json=as_json)


def sync(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(help="A folder shared by your machines (Dropbox, 坚果云, git, USB).")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Sync your record with your other machines through a shared folder."""
    from dltrack.learner.syncing import sync_folder

    with opened(ctx) as store:
        result = sync_folder(store, folder)
    render.emit(result, as_json=as_json)
    for notice in result.notices:
        render.error(notice)
    if result.refused:
        raise typer.Exit(ExitCode.DATA)
