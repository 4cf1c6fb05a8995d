"""Output longer than the screen goes through a pager, on a terminal only.

The pager is DLTRACK_PAGER, else PAGER, else `less -R` (colours kept); an empty one,
`--no-pager`, a pipe or a file mean none. Output shorter than the screen is written
as it is, so a short answer never waits on a key.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

_wanted = True


def allow(wanted: bool) -> None:
    """Whether this run may page at all (`--no-pager` says no)."""
    global _wanted
    _wanted = wanted


def _command() -> list[str]:
    import shlex  # only a run on a terminal gets here

    chosen = os.environ.get("DLTRACK_PAGER")
    if chosen is None:
        chosen = os.environ.get("PAGER", "less -R")
    try:
        return shlex.split(chosen)
    except ValueError:
        return []


def wanted(console: Console) -> bool:
    """True when this output may go through a pager: a terminal, and one is configured."""
    return _wanted and console.is_terminal and sys.stdin.isatty() and bool(_command())


@contextmanager
def paged(console: Console) -> Iterator[None]:
    """Collect what is printed to console inside, then page it if it is taller than the screen."""
    with console.capture() as captured:
        yield
    shown = captured.get()
    if shown.count("\n") < console.height:
        sys.stdout.write(shown)
        return
    try:
        pager = subprocess.Popen(_command(), stdin=subprocess.PIPE)
    except OSError:  # no such pager: the output is not lost for that
        sys.stdout.write(shown)
        return
    assert pager.stdin is not None
    # The reader may quit the pager before the end: what is left is not wanted.
    with suppress(BrokenPipeError, OSError):
        pager.stdin.write(shown.encode(sys.stdout.encoding or "utf-8", "replace"))
    with suppress(BrokenPipeError, OSError):
        pager.stdin.close()
    pager.wait()
