"""What every command shares: the command registry, common options, and the open store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from dltrack.store.db import Store

# Filled by the command modules as they are imported; see dltrack.cli.MODULES.
COMMANDS: dict[str, Callable[..., None]] = {}


def command(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a function as the subcommand `name`."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        COMMANDS[name] = function
        return function

    return register


# Set by the root callback from --db/--seed (or their environment variables).
paths: dict[str, Path | None] = {"db": None, "seed": None}


@contextmanager
def opened() -> Iterator[Store]:
    """The store for this invocation, closed afterwards."""
    from dltrack.paths import default_db_path, default_seed_path
    from dltrack.session import session

    with session(paths["db"] or default_db_path(), paths["seed"] or default_seed_path()) as store:
        yield store


JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (shape: see the README).")]
TrackOpt = Annotated[
    str | None, typer.Option("--track", "-t", help="Track slug or number (default: current).")
]
IdsArg = Annotated[list[str], typer.Argument(help="Item ids: 17, 3,4,5 or a range 3-7.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Attach a note to the items.")]
