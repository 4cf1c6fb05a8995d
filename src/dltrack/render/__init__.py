"""Every table, bar and JSON document dltrack shows: one renderer for human and JSON output.

A command hands its result to ``emit``; the result's type decides its JSON shape
and its screen (registered by ``render.learner``, ``render.curator`` and
``render.links``). check-links reports, which have formats of their own, are
written by ``render.links.deliver``.
"""

from __future__ import annotations

import sys

from rich.text import Text

from dltrack.render import curator, learner  # noqa: F401  (they register their screens)
from dltrack.render.base import Message, dumps, error, screen, stderr, stdout, to_data

__all__ = ["Message", "dumps", "emit", "error", "screen", "stderr", "stdout", "to_data"]


def emit(result: object, *, as_json: bool = False) -> None:
    """Show a command's result, as JSON or for a human."""
    if as_json:
        sys.stdout.write(dumps(to_data(result)))
        return
    console = stdout()
    for renderable in screen(result):
        # Lines of text are left to the terminal to wrap: a URL folded by rich
        # could no longer be copied. Tables still fit themselves to the width.
        console.print(renderable, soft_wrap=isinstance(renderable, Text))
