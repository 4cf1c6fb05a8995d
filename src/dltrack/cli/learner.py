"""The learner's commands: what to read next, marking items, progress, moving machines."""

from enum import StrEnum
from typing import Annotated

import typer

from dltrack import render
from dltrack.cli.common import (
    DoneIdsArg,
    IdsArg,
    JsonFlag,
    NoteOpt,
    ResetIdsArg,
    StageOpt,
    TrackOpt,
    complete_any_item,
    complete_track,
    first_to_read,
    mark_and_show,
    opened,
)
from dltrack.errors import UserError
from dltrack.lang import tr
from dltrack.learner.ids import json_id, one_id, shown_id
from dltrack.learner.items import list_items, next_items, show_item, url_to_open
from dltrack.learner.items import search as search_titles
from dltrack.learner.status import Status
from dltrack.learner.tracks import list_stages, list_tracks, use_track
from dltrack.linkcheck.verdicts import Verdict

# --status takes a status or "all"; built from Status so the words live in one place.
StatusFilter = StrEnum(  # type: ignore[misc]
    "StatusFilter", {"ALL": "all", **{s.name: s.value for s in Status}}
)
ItemArg = Annotated[
    str, typer.Argument(metavar="ID", help=tr("Item id."), autocompletion=complete_any_item)
]
OpenArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[ID]",
        help=tr("Item id (default: the item `next` shows first)."),
        autocompletion=complete_any_item,
        show_default=False,
    ),
]


def tracks(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the tracks with item counts and progress."""

    with opened(ctx) as store:
        render.emit(list_tracks(store), as_json=as_json)


def use(
    ctx: typer.Context,
    track: Annotated[
        str,
        typer.Argument(
            help=tr("Track slug, number or a slug's start."), autocompletion=complete_track
        ),
    ],
) -> None:
    """Make a track the current one."""

    with opened(ctx) as store:
        ref = use_track(store, track)
    said = tr("Current track: {title} ({slug})").format(title=ref.title, slug=ref.slug)
    render.emit(render.Message(said, {"current": ref.slug}))


def stages(ctx: typer.Context, track: TrackOpt = None, as_json: JsonFlag = False) -> None:
    """Show a track's stages in order, with done/total and a bar."""

    with opened(ctx) as store:
        render.emit(list_stages(store, track), as_json=as_json)


def list_(
    ctx: typer.Context,
    track: TrackOpt = None,
    stage: StageOpt = None,
    status: Annotated[StatusFilter, typer.Option(help=tr("Only items with this status."))] = (
        StatusFilter.ALL  # type: ignore[attr-defined]
    ),
    link: Annotated[
        Verdict | None, typer.Option(help=tr("Only items whose last link check said this."))
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
    n: Annotated[int, typer.Option("-n", min=1, help=tr("How many items to show."))] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Show the next items to read: those in progress first, then unread ones in order."""

    with opened(ctx) as store:
        render.emit(next_items(store, track, n), as_json=as_json)


DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", metavar="DATE", help=tr("Date the change: YYYY-MM-DD, today or yesterday.")
    ),
]


def done(
    ctx: typer.Context,
    ids: DoneIdsArg = None,
    note: NoteOpt = None,
    on: DateOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Mark items as read (none given: the one `next` shows first); answers with the progress."""
    mark_and_show(ctx, ids or [], Status.DONE, note, as_json, on)


def start(
    ctx: typer.Context,
    ids: IdsArg,
    note: NoteOpt = None,
    on: DateOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Mark items as being read (a long paper, a book); `next` shows them first."""
    mark_and_show(ctx, ids, Status.READING, note, as_json, on)


def skip(
    ctx: typer.Context,
    ids: IdsArg,
    note: NoteOpt = None,
    on: DateOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Skip items: they leave `next` without counting as read."""
    mark_and_show(ctx, ids, Status.SKIPPED, note, as_json, on)


def reset(ctx: typer.Context, ids: ResetIdsArg, as_json: JsonFlag = False) -> None:
    """Put items back to unread (their history stays in the log)."""
    mark_and_show(ctx, ids, Status.UNREAD, None, as_json)


def open_(
    ctx: typer.Context,
    item_id: OpenArg = None,
    original: Annotated[
        bool, typer.Option("--original", help=tr("Open the link even when it was found dead."))
    ] = False,
) -> None:
    """Open an item's link in the browser (none given: the one `next` shows first).

    A link found dead opens its archived copy instead, and says so.
    """
    import webbrowser

    with opened(ctx) as store:
        one = one_id(item_id) if item_id is not None else first_to_read(store)
        url, copy_of = url_to_open(store, one, original=original)
    if not webbrowser.open(url):
        raise UserError(tr("could not start a web browser; the link is {url}").format(url=url))
    said = tr("Opened {id}: {url}").format(id=shown_id(one), url=url)
    if copy_of is not None:
        said = (
            tr(
                "The link of {id} was found dead: opened its archived copy from {day}, {url} "
                "(dltrack open --original {id} opens the link itself)"
            )
            if copy_of
            else tr(
                "The link of {id} was found dead: opened its archived copy, {url} "
                "(dltrack open --original {id} opens the link itself)"
            )
        ).format(id=shown_id(one), day=copy_of, url=url)
    data = {"id": json_id(one), "url": url, "archived_copy": copy_of is not None}
    render.emit(render.Message(said, data))


def show(ctx: typer.Context, item_id: ItemArg, as_json: JsonFlag = False) -> None:
    """Show an item: title, link, where it appears, status, dates and notes."""

    one = one_id(item_id)
    with opened(ctx) as store:
        render.emit(show_item(store, one), as_json=as_json)


def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help=tr("Words the title must contain."))],
    track: Annotated[str | None, typer.Option("--track", "-t", help=tr("Only this track."))] = None,
    as_json: JsonFlag = False,
) -> None:
    """Find items whose title contains the words (works for Chinese: dltrack search 卷积)."""

    with opened(ctx) as store:
        render.emit(search_titles(store, " ".join(query), track_name=track), as_json=as_json)


def progress(ctx: typer.Context, track: TrackOpt = None, as_json: JsonFlag = False) -> None:
    """Show progress per track and stage, recent activity and your streak."""

    from dltrack.learner.progress import progress_report
    from dltrack.render import record as _record_screens  # noqa: F401  (registers them)

    with opened(ctx) as store:
        render.emit(progress_report(store, track), as_json=as_json)
