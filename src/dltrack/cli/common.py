"""What the commands share: the global options, the open store, option types and checks."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from dltrack import render
from dltrack.learner.days import past_day
from dltrack.learner.ids import parse_ids
from dltrack.learner.notes import TOO_LONG, note_too_long
from dltrack.learner.status import Status
from dltrack.paths import default_db_path, default_seed_path
from dltrack.session import session
from dltrack.store.db import Store


@dataclass(frozen=True)
class Globals:
    """The options given before the command (or their environment variables)."""

    db: Path | None = None
    seed: Path | None = None

    def db_path(self) -> Path:
        """The progress database to use."""
        return self.db or default_db_path()

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
    with session(given.db_path(), given.seed_path()) as store:
        yield store
    for notice in store.notices:
        render.error(notice)


def local_today() -> date:
    """The learner's local date, which --date and --since count from."""
    return datetime.now().astimezone().date()


def finite(value: float) -> float:
    """A number of seconds that is a number: not nan, not infinite."""
    if not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds")
    return value


def positive_seconds(value: float) -> float:
    """More than zero seconds, and finite."""
    if finite(value) <= 0:
        raise typer.BadParameter(f"{value} is not more than 0 seconds")
    return value


def not_negative_seconds(value: float) -> float:
    """Zero seconds or more, and finite."""
    if finite(value) < 0:
        raise typer.BadParameter(f"{value} is less than 0 seconds")
    return value


def not_blank(value: str | None) -> str | None:
    """Text with something in it, when given at all."""
    if value is not None and not value.strip():
        raise typer.BadParameter("must not be empty")
    return value


JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (shape: see the README).")]
TrackOpt = Annotated[
    str | None, typer.Option("--track", "-t", help="Track slug or number (default: current).")
]
StageOpt = Annotated[str | None, typer.Option("--stage", "-s", help="Stage slug or number.")]
IdsArg = Annotated[list[str], typer.Argument(help="Item ids: 17, 3,4,5 or a range 3-7.")]


def a_note(value: str | None) -> str | None:
    """A note with something in it, and not too long to keep."""
    if value is not None and not_blank(value) and note_too_long(value):
        raise typer.BadParameter(f"the note is {TOO_LONG}")
    return value


NoteOpt = Annotated[
    str | None, typer.Option("--note", help="Attach a note to the items.", callback=a_note)
]


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

    item_ids = parse_ids(ids)
    day = None if on is None else past_day(on, local_today())
    with opened(ctx) as store:
        render.emit(mark(store, item_ids, status, note=note, on=day), as_json=as_json)
        auto = store.meta("group_auto") == "1"  # `group sync --auto`
    if auto:
        from dltrack.group.auto import start_sync

        start_sync(store.path, globals_of(ctx).seed)
