"""Reading and writing the files dltrack is given (standard library only).

Failures are raised as FileProblem, which is not a DltrackError: whether an
unreadable file is the user's mistake or an unusable catalogue is for the caller
to say.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class FileProblem(Exception):
    """A file that cannot be read as asked, in one plain sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_bytes(path: Path, *, what: str) -> bytes:
    """The whole content of a file; every way that can fail is one FileProblem."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileProblem(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise FileProblem(f"{what} path is a directory: {path}") from None
    except OSError as error:
        raise FileProblem(f"cannot read {what} file {path}: {error.strerror or error}") from None


def decode_json(raw: bytes, path: Path) -> Any:
    """Decode UTF-8 JSON bytes read from path; a failure names the file and the spot."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise FileProblem(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise FileProblem(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None


def read_json(path: Path, *, what: str) -> Any:
    """Decode a JSON file."""
    return decode_json(read_bytes(path, what=what), path)


def write_text_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file beside path, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
