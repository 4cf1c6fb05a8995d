"""`group sync --auto`: a sync in the background after each marking command.

The marking command only starts a detached process and returns: it does not wait
for it, and it loads nothing for it (no subprocess module, no driver). The
background sync writes nothing anywhere; when it fails (the server is down), the
events wait for the next sync, as they would without --auto.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Final

AUTO_KEY: Final = "group_auto"


def start_sync(db: Path, seed: Path | None) -> None:
    """Start `dltrack group sync` for this database in a process of its own, and return."""
    env = dict(os.environ)
    env["DLTRACK_DB"] = str(db)
    if seed is not None:
        env["DLTRACK_SEED"] = str(seed)
    argv = [sys.executable, "-m", "dltrack", "group", "sync"]
    null = os.devnull
    # No posix_spawn (Windows), or it failed: the events go with the next sync.
    with contextlib.suppress(AttributeError, OSError):
        os.posix_spawn(
            sys.executable,
            argv,
            env,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, null, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, null, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, null, os.O_WRONLY, 0),
            ],
            setsid=True,  # detached from the terminal: a Ctrl-C there does not reach it
        )
