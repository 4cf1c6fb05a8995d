"""The renderer's core: one dispatch per output (JSON data, screen), the consoles, errors.

Each screen family (``render.learner``, ``render.curator``, ``render.links``)
registers, for every result type it knows, the JSON shape (``to_data``) and what a
human sees (``screen``). A result type without a registration is a bug, and says so.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import cache, singledispatch
from typing import TYPE_CHECKING, Any

from dltrack.records import Record
from dltrack.text import json_safe, safe

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


class Message(Record):
    """A plain sentence for the learner (e.g. after `use` or `export`)."""

    text: str
    data: dict[str, Any]


@singledispatch
def to_data(result: object) -> Any:
    """The documented JSON shape of a command's result."""
    raise TypeError(f"no JSON shape for {type(result).__name__}")


@singledispatch
def screen(result: object) -> Iterable[RenderableType]:
    """What a human sees for a command's result: rich renderables, in order."""
    raise TypeError(f"no screen for {type(result).__name__}")


def dumps(data: Any) -> str:
    """JSON as dltrack writes it: UTF-8 text, not \\u escapes, indented."""
    import json  # only JSON output needs it: off the start-up path (bench/README.md)

    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


@cache
def stdout() -> Console:
    """The console for results."""
    # rich is loaded by the first output that draws with it: a run whose output is
    # plain text or JSON (an error, a check-links report for CI) goes without it.
    from rich.console import Console

    return Console(highlight=False)


@cache
def stderr() -> Console:
    """The console for progress bars."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def error(message: str) -> None:
    """One plain line on stderr."""
    sys.stderr.write(f"dltrack: {safe(message)}\n")
    sys.stderr.flush()
