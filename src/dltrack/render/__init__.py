"""Every table, bar and JSON document dltrack shows: one renderer for human and JSON output.

A command hands its result to ``emit``; the result's type decides its JSON shape
and its screen (registered by ``render.learner`` and ``render.lists``, loaded by the
first ``emit``; ``render.record`` and ``render.curator`` register when the commands
that show them import them, so that `next` and `done` do not pay for them).
check-links reports, which have formats of their own, are written by
``render.links.deliver``. Importing this package loads no rich: a run that only
says an error, or writes a report for a program, goes without it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from dltrack.render import pager
from dltrack.render.base import Message, dumps, error, screen, stderr, stdout, to_data

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from dltrack.render.style import Line

__all__ = ["Message", "dumps", "emit", "error", "screen", "stderr", "stdout", "to_data"]


# Lines printed at once: few enough calls to cost nothing, few enough lines that a
# report of a million never sits in memory all at once.
_LINES_PER_PRINT = 2048


def emit(result: object, *, as_json: bool = False) -> None:
    """Show a command's result, as JSON or for a human."""
    from dltrack.render import learner, lists  # noqa: F401  (their screens register)

    if as_json:
        sys.stdout.write(dumps(to_data(result)))
        return
    console = stdout()
    if pager.wanted(console):
        with pager.paged(console):
            _show(console, result, plain=False)
        return
    _show(console, result, plain=True)


def _show(console: Console, result: object, *, plain: bool) -> None:
    from rich.text import Text

    from dltrack.render.style import Line

    lines: list[Text | Line] = []
    for renderable in screen(result):
        if isinstance(renderable, Text | Line):
            lines.append(renderable)
            if len(lines) >= _LINES_PER_PRINT:
                _print_lines(console, lines, plain)
            continue
        _print_lines(console, lines, plain)
        console.print(renderable)  # tables fit themselves to the width
    _print_lines(console, lines, plain)


def _print_lines(console: Console, lines: list[Text | Line], plain: bool = True) -> None:
    """Print lines of text in one call, left to the terminal to wrap.

    A URL folded by rich could no longer be copied. One call, not one per line: each
    print costs more than the line (an import report has one line per item).
    """
    if not lines:
        return
    from rich.text import Text

    from dltrack.render.style import Line

    if plain and console.color_system is None:
        # No terminal (a pipe, a file, NO_COLOR): rich would print exactly the plain
        # text, after styling every span of it for nothing.
        console.file.write("".join(line.plain + "\n" for line in lines))
    else:
        texts = (line.__rich__() if isinstance(line, Line) else line for line in lines)
        console.print(Text("\n").join(texts), soft_wrap=True)
    lines.clear()
