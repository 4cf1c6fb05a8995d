"""The one error hierarchy: every failure a user can cause or meet, with its exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes, documented in the README; scripts and CI depend on them."""

    OK = 0
    USER = 1  # a mistake in what was asked: unknown id, bad file, ...
    DEAD_LINKS = 1  # check-links found dead links
    USAGE = 2  # the command line itself is wrong
    DATA = 3  # the catalogue or the database cannot be used, or the output cannot be written
    NETWORK = 4  # the network is unreachable
    INTERRUPTED = 130


class DltrackError(Exception):
    """Base class: a message for one plain stderr line and an exit code."""

    exit_code: ExitCode = ExitCode.USER

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(DltrackError):
    """The request names something that does not exist or is malformed."""


class UsageError(DltrackError):
    """The command line is malformed."""

    exit_code = ExitCode.USAGE


class CatalogueError(DltrackError):
    """The catalogue file is missing, unreadable or invalid."""

    exit_code = ExitCode.DATA

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        # Each problem is "json.path: what is wrong"; the CLI prints the first
        # in the one-line message and all of them when asked for detail.
        self.problems = problems or []


class StoreError(DltrackError):
    """The progress database is corrupt, read-only or otherwise unusable."""

    exit_code = ExitCode.DATA


class OutputError(DltrackError):
    """Standard output is closed, or writing to it failed (a full disk, an I/O error)."""

    exit_code = ExitCode.DATA


class NetworkUnreachable(DltrackError):
    """Nearly every host failed to resolve or connect: the machine is offline."""

    exit_code = ExitCode.NETWORK
