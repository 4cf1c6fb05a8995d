"""The learner's commands: what to read next, marking items, progress, moving machines."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dltrack import render
from dltrack.cli.options import IdsArg, JsonFlag, NoteOpt, TrackOpt, command, opened
from dltrack.errors import DltrackError, UserError


@command("tracks")
def tracks_cmd(as_json: JsonFlag = False) -> None:
    """List the tracks with item counts and progress."""
    from dltrack.catalog import list_tracks

    with opened() as store:
        render.emit(list_tracks(store), as_json=as_json)


@command("use")
def use_cmd(track: Annotated[str, typer.Argument(help="Track slug or number.")]) -> None:
    """Make a track the current one."""
    from dltrack.catalog import use_track

    with opened() as store:
        ref = use_track(store, track)
    render.emit(render.Message(f"Current track: {ref.title} ({ref.slug})", {"current": ref.slug}))


@command("stages")
def stages_cmd(track: TrackOpt = None, as_json: JsonFlag = False) -> None:
    """Show a track's stages in order, with done/total and a bar."""
    from dltrack.catalog import list_stages

    with opened() as store:
        render.emit(list_stages(store, track), as_json=as_json)


@command("list")
def list_cmd(
    track: TrackOpt = None,
    stage: Annotated[
        str | None, typer.Option("--stage", "-s", help="Stage slug or number.")
    ] = None,
    status: Annotated[str, typer.Option(help="unread, reading, done, skipped or all.")] = "all",
    link: Annotated[
        str | None,
        typer.Option(
            help="Only items whose last link check said: ok, moved, dead, blocked, error."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List items with id, title, stage and status."""
    from dltrack.catalog import list_items

    with opened() as store:
        items = list_items(store, track, stage=stage, status=status, link=link)
        render.emit(items, as_json=as_json)


@command("next")
def next_cmd(
    track: TrackOpt = None,
    n: Annotated[int, typer.Option("-n", help="How many items to show.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Show the next items to read: those in progress first, then unread ones in order."""
    from dltrack.catalog import next_items

    with opened() as store:
        render.emit(next_items(store, track, n), as_json=as_json)


def _mark(ids: list[str], status: str, note: str | None, as_json: bool) -> None:
    from dltrack.catalog import mark, parse_ids

    item_ids = parse_ids(ids)
    with opened() as store:
        render.emit(mark(store, item_ids, status, note=note), as_json=as_json)


@command("done")
def done_cmd(ids: IdsArg, note: NoteOpt = None, as_json: JsonFlag = False) -> None:
    """Mark items as read; answers with the stage's new progress."""
    _mark(ids, "done", note, as_json)


@command("start")
def start_cmd(ids: IdsArg, note: NoteOpt = None, as_json: JsonFlag = False) -> None:
    """Mark items as being read (a long paper, a book); `next` shows them first."""
    _mark(ids, "reading", note, as_json)


@command("skip")
def skip_cmd(ids: IdsArg, note: NoteOpt = None, as_json: JsonFlag = False) -> None:
    """Skip items: they leave `next` without counting as read."""
    _mark(ids, "skipped", note, as_json)


@command("undo")
def undo_cmd(ids: IdsArg, as_json: JsonFlag = False) -> None:
    """Put items back to unread."""
    _mark(ids, "unread", None, as_json)


@command("open")
def open_cmd(item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id.")]) -> None:
    """Open an item's link in the web browser."""
    import webbrowser

    from dltrack.catalog import item_url

    (one,) = _one_id(item_id)
    with opened() as store:
        url = item_url(store, one)
    if not webbrowser.open(url):
        raise UserError(f"could not start a web browser; the link is {url}")
    render.emit(render.Message(f"Opened {url}", {"url": url}))


def _one_id(word: str) -> list[int]:
    from dltrack.catalog import parse_ids

    ids = parse_ids([word])
    if len(ids) != 1:
        raise UserError(f"give one item id, not {word!r}")
    return ids


@command("show")
def show_cmd(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id.")],
    as_json: JsonFlag = False,
) -> None:
    """Show an item: title, link, where it appears, status, dates and notes."""
    from dltrack.catalog import show_item

    (one,) = _one_id(item_id)
    with opened() as store:
        render.emit(show_item(store, one), as_json=as_json)


@command("search")
def search_cmd(
    query: Annotated[list[str], typer.Argument(help="Words the title must contain.")],
    track: Annotated[str | None, typer.Option("--track", "-t", help="Only this track.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Find items whose title contains the words (works for Chinese: dltrack search 卷积)."""
    from dltrack.catalog import search

    with opened() as store:
        render.emit(search(store, " ".join(query), track_name=track), as_json=as_json)


@command("progress")
def progress_cmd(track: TrackOpt = None, as_json: JsonFlag = False) -> None:
    """Show progress per track and stage, recent activity and your streak."""
    from dltrack.progress import progress_report

    with opened() as store:
        render.emit(progress_report(store, track), as_json=as_json)


@command("export")
def export_cmd(
    file: Annotated[
        Path | None, typer.Argument(help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Export your progress (status, dates, notes) as JSON, to move machines."""
    from dltrack.files import write_text_atomically
    from dltrack.progress import export_progress

    with opened() as store:
        document = render.dumps(export_progress(store))
    if file is None:
        sys.stdout.write(document)
        return
    try:
        write_text_atomically(file, document)
    except OSError as error:
        raise UserError(f"cannot write {file}: {error.strerror}") from None
    render.emit(render.Message(f"Progress written to {file}", {"file": str(file)}))


@command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="A file written by dltrack export.")],
    as_json: JsonFlag = False,
) -> None:
    """Merge exported progress into this machine's; never deletes anything."""
    from dltrack.progress import restore_progress
    from dltrack.seed import read_json

    try:
        data = read_json(file, what="progress")
    except DltrackError as error:
        raise UserError(error.message) from None
    with opened() as store:
        render.emit(restore_progress(store, data), as_json=as_json)
