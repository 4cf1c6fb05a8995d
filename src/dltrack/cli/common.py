"""What the commands share: the global options, the open store, option types and checks."""

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from dltrack import render
from dltrack.errors import UsageError, UserError
from dltrack.lang import tr
from dltrack.learner.days import past_day
from dltrack.learner.ids import parse_ids
from dltrack.learner.notes import TOO_LONG, note_too_long
from dltrack.learner.status import Status
from dltrack.paths import default_db_path, default_seed_path
from dltrack.records import Record
from dltrack.session import session
from dltrack.store.db import Store


class Globals(Record):
    """The options given before the command (or their environment variables)."""

    db: Path | None = None
    seed: Path | None = None

    def db_path(self) -> Path:
        """The progress database to use.

        One the learner named (--db, DLTRACK_DB) must be in a directory that exists: a
        mistyped path would otherwise become a new, empty database, and the progress
        seem lost. Only the default place is created.
        """
        if self.db is None:
            return default_db_path()
        path = self.db.expanduser()
        if not path.parent.is_dir():
            said = tr(
                "no directory {folder} for the database {path}; "
                "create it first, or check --db / DLTRACK_DB"
            )
            raise UsageError(said.format(folder=path.parent, path=path))
        return path

    def seed_path(self) -> Path:
        """The catalogue file to use."""
        return self.seed or default_seed_path()


def globals_of(ctx: typer.Context) -> Globals:
    """The global options of this invocation."""
    found = ctx.find_root().obj
    return found if isinstance(found, Globals) else Globals()


@contextmanager
def opened(ctx: typer.Context) -> Iterator[Store]:
    """The store for this invocation, closed afterwards.

    Its notices (a stale catalogue shown from a read-only database) are shown once the
    command has done its work: a command that fails says only why it failed.
    """
    given = globals_of(ctx)
    new = None
    with session(given.db_path(), given.seed_path()) as store:
        yield store
        # For a person at a terminal; a script's first run reads as every other.
        if store.created and sys.stderr.isatty():
            from dltrack.learner.tracks import list_tracks

            new = list_tracks(store)
    for notice in store.notices:
        render.error(notice)
    if new is not None:
        from dltrack.render.welcome import welcome as say_welcome

        say_welcome(store.path, new)


def local_today() -> date:
    """The learner's local date, which --date and --since count from."""
    return datetime.now().astimezone().date()


def finite(value: float) -> float:
    """A number of seconds that is a number: not nan, not infinite."""
    if not math.isfinite(value):
        raise typer.BadParameter(tr("{value} is not a number of seconds").format(value=value))
    return value


def positive_seconds(value: float) -> float:
    """More than zero seconds, and finite."""
    if finite(value) <= 0:
        raise typer.BadParameter(tr("{value} is not more than 0 seconds").format(value=value))
    return value


def not_negative_seconds(value: float) -> float:
    """Zero seconds or more, and finite."""
    if finite(value) < 0:
        raise typer.BadParameter(tr("{value} is less than 0 seconds").format(value=value))
    return value


def not_blank(value: str | None) -> str | None:
    """Text with something in it, when given at all."""
    if value is not None and not value.strip():
        raise typer.BadParameter(tr("must not be empty"))
    return value


# ---------------------------------------------------------------- completion
# Called by the shell on Tab (typer's autocompletion); the modules behind them are
# imported only then, so that a normal run does not pay for them.

Choices = list[tuple[str, str]]


@contextmanager
def _peeked(ctx: typer.Context) -> Iterator[Store | None]:
    from dltrack.store.db import peek

    db = ctx.find_root().params.get("db")
    try:
        path = Globals(db=Path(db) if db else None).db_path()
        store = peek(path)
    except (UsageError, OSError):
        store = None
    try:
        yield store
    finally:
        if store is not None:
            store.close()


def complete_track(ctx: typer.Context, incomplete: str) -> Choices:
    """Track slugs, with their titles."""
    from dltrack.learner.choices import track_choices

    with _peeked(ctx) as store:
        return [] if store is None else track_choices(store, incomplete)


def complete_stage(ctx: typer.Context, incomplete: str) -> Choices:
    """Stage slugs of the track on the command line (or the current one)."""
    from dltrack.learner.choices import stage_choices

    with _peeked(ctx) as store:
        track = ctx.params.get("track")
        return [] if store is None else stage_choices(store, track, incomplete)


def _complete_items(ctx: typer.Context, incomplete: str, *wanted: Status) -> Choices:
    from dltrack.learner.choices import item_choices

    with _peeked(ctx) as store:
        return [] if store is None else item_choices(store, wanted, incomplete)


def complete_to_read(ctx: typer.Context, incomplete: str) -> Choices:
    """Ids of items not read yet: what done, start and skip are for."""
    return _complete_items(ctx, incomplete, Status.READING, Status.UNREAD)


def complete_touched(ctx: typer.Context, incomplete: str) -> Choices:
    """Ids of items with a status to take back: what reset is for."""
    return _complete_items(ctx, incomplete, Status.READING, Status.DONE, Status.SKIPPED)


def complete_any_item(ctx: typer.Context, incomplete: str) -> Choices:
    """Ids of every item, those to read first (show, open, note)."""
    return _complete_items(ctx, incomplete, *Status)


JsonFlag = Annotated[bool, typer.Option("--json", help=tr("Print JSON (shape: see the README)."))]
TrackOpt = Annotated[
    str | None,
    typer.Option(
        "--track",
        "-t",
        help=tr("Track slug or number (default: current)."),
        autocompletion=complete_track,
    ),
]
StageOpt = Annotated[
    str | None,
    typer.Option("--stage", "-s", help=tr("Stage slug or number."), autocompletion=complete_stage),
]
_IDS_HELP = tr("Item ids: 17, 3,4,5 or a range 3-7.")
IdsArg = Annotated[list[str], typer.Argument(help=_IDS_HELP, autocompletion=complete_to_read)]
# done without ids: the item `next` shows first.
DoneIdsArg = Annotated[
    list[str] | None,
    typer.Argument(
        help=tr("Item ids: 17, 3,4,5 or a range 3-7. Without ids: the item `next` shows first."),
        autocompletion=complete_to_read,
        show_default=False,
    ),
]
ResetIdsArg = Annotated[list[str], typer.Argument(help=_IDS_HELP, autocompletion=complete_touched)]


def a_note(value: str | None) -> str | None:
    """A note with something in it, and not too long to keep."""
    if value is not None and not_blank(value) and note_too_long(value):
        raise typer.BadParameter(tr("the note is {too_long}").format(too_long=tr(TOO_LONG)))
    return value


NoteOpt = Annotated[
    str | None, typer.Option("--note", help=tr("Attach a note to the items."), callback=a_note)
]


@contextmanager
def recording(ctx: typer.Context, *, records: bool = True) -> Iterator[Store]:
    """opened(), for a command that records events: after it, `group sync --auto` runs.

    The sync is started in the background once the command has succeeded and its
    database is closed, and never waited for (dltrack.group.auto). records=False (a
    dry run) starts none.
    """
    with opened(ctx) as store:
        yield store
        auto = records and store.meta("group_auto") == "1"  # `group sync --auto`
    if auto:
        from dltrack.group.auto import start_sync

        start_sync(store.path, globals_of(ctx).seed)


def mark_and_show(
    ctx: typer.Context,
    ids: list[str],
    status: Status,
    note: str | None,
    as_json: bool,
    on: str | None = None,
) -> None:
    """Parse the ids and the date, mark the items, show the answer (every marking command)."""
    from dltrack.learner.marking import mark  # here: `next` and `list` start without it

    item_ids = parse_ids(ids) if ids else []
    day = None if on is None else past_day(on, local_today())
    with recording(ctx) as store:
        if not item_ids:  # `dltrack done`: the item `next` shows first
            item_ids = [first_to_read(store)]
        render.emit(mark(store, item_ids, status, note=note, on=day), as_json=as_json)


def first_to_read(store: Store) -> int:
    """The id of the item `next` shows first in the current track."""
    from dltrack.learner.items import next_items

    shown = next_items(store, None, 1, on_topic=False)
    if not shown.items:
        raise UserError(
            tr("nothing left to read in {slug}; name an item id").format(slug=shown.track.slug)
        )
    return shown.items[0].id
