"""The `dltrack` program and `python -m dltrack`: the rest is imported under a guard.

Importing typer and rich is a good part of start-up, and a Ctrl-C in that time must
end dltrack as it does later: one line, "dltrack: interrupted", and exit 130, never a
traceback. So this module imports nothing at its top (os and sys are loaded by the
interpreter itself) and puts the guard up first. A SIGTERM (a CI timeout, `kill`)
stops dltrack as Ctrl-C does.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing itself is a few milliseconds of start-up before the guard
if TYPE_CHECKING:
    from types import FrameType
    from typing import NoReturn

_INTERRUPTED = 130  # ExitCode.INTERRUPTED, which is not imported yet when it is needed


def _terminated(signum: int, frame: FrameType | None) -> None:
    """SIGTERM: whatever handles Ctrl-C at this moment handles this too.

    That is a KeyboardInterrupt almost everywhere, and asyncio's cancellation while
    check-links runs, so that it keeps every result it has and rolls back the rest.
    """
    import signal

    if signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, signal.SIG_DFL, None):
        raise KeyboardInterrupt
    signal.raise_signal(signal.SIGINT)


def _say_interrupted() -> NoReturn:
    try:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot cut the line
        sys.stderr.write("dltrack: interrupted\n")
        sys.stderr.flush()
    finally:
        os._exit(_INTERRUPTED)


def main() -> NoReturn:
    """Run dltrack with the command line of this process, and leave with its exit code."""
    try:
        import signal

        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # an ignored one stays ignored
            signal.signal(signal.SIGTERM, _terminated)
        from dltrack.cli import leave, run

        code = run()
        # From here on, nothing is left to stop: the command is done.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except KeyboardInterrupt:
        # Before run() could catch it: while the modules were still being imported.
        _say_interrupted()
    leave(code)


if __name__ == "__main__":
    main()
