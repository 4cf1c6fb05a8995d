"""Reading and writing the files dltrack is given (standard library only).

Failures are raised as FileProblem, which is not a DltrackError: whether an
unreadable file is the user's mistake or an unusable catalogue is for the caller
to say. Its message is in the learner's language; its detail stays English, for
lint's JSON.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO, Final

from dltrack.lang import N_, tr

KiB: Final = 1 << 10
MiB: Final = 1 << 20
# How much of each kind of file is read at most. Each is far above any real file
# (the packaged catalogue is under 1 MiB, 100,000 items about 15 MiB, a progress
# export of 1,000,000 items about 180 MiB) and far below what exhausts memory.
DOCUMENT_LIMIT: Final = 64 * MiB
CATALOGUE_LIMIT: Final = 256 * MiB
EXPORT_LIMIT: Final = 256 * MiB

# A lone surrogate can only come from a \uD800-\uDFFF escape, so the raw bytes
# say cheaply whether the decoded data needs looking through at all.
# Both are pattern text that re compiles on first use and caches: the everyday
# commands read no JSON, and should not pay for compiling them.
_SURROGATE_ESCAPE: Final = rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
_SURROGATE: Final = "[\ud800-\udfff]"
_KINDS = (
    (stat.S_ISDIR, N_("a directory")),
    (stat.S_ISFIFO, N_("a named pipe")),
    (stat.S_ISCHR, N_("a character device")),
    (stat.S_ISBLK, N_("a block device")),
    (stat.S_ISSOCK, N_("a socket")),
)
NOT_REGULAR: Final = N_("not a regular file")
# The words of the callers' `what` (the kind of file) and of the system's errors
# that a person meets most; others stay as the system says them.
WHAT: Final = (N_("catalogue"), N_("document"), N_("progress"), N_("event"))
SYSTEM_WORDS: Final = (
    N_("No such file or directory"),
    N_("Permission denied"),
    N_("Is a directory"),
    N_("Not a directory"),
    N_("No space left on device"),
    N_("Read-only file system"),
    N_("Disk quota exceeded"),
    N_("File name too long"),
    N_("Input/output error"),
)


class FileProblem(Exception):
    """A file that cannot be read or written as asked, in one plain sentence.

    where is the JSON path of the problem inside the file, when there is one, and
    detail the sentence without the file name and the path.
    """

    def __init__(self, message: str, *, where: str | None = None, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.detail = detail or message


# Fields that are words of a fixed vocabulary (the kind of file, the system's reason).
_WORD_FIELDS = ("what", "kind", "why")


def _problem(template: str, *, where: str | None = None, **fields: object) -> FileProblem:
    """A FileProblem saying template in the learner's language; its detail in English."""
    english = template.format(**fields)
    shown = {k: tr(v) if k in _WORD_FIELDS and isinstance(v, str) else v for k, v in fields.items()}
    return FileProblem(tr(template).format(**shown), where=where, detail=english)


def why(error: OSError) -> str:
    """What the system said of a failed file operation."""
    return error.strerror or str(error)


def size_text(size: int) -> str:
    """A byte count as people read it: 64 MiB, 64 KiB, 100 bytes."""
    for unit, name in ((MiB, "MiB"), (KiB, "KiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size} bytes"


def file_kind(mode: int) -> str | None:
    """What a file that is not a regular file is (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), NOT_REGULAR)


def _check_readable(info: os.stat_result, path: Path, what: str, limit: int) -> None:
    kind = file_kind(info.st_mode)
    if kind == "a directory":
        raise _problem(N_("{what} path is a directory: {path}"), what=what, path=path)
    if kind is not None:
        raise _problem(
            N_("{what} file {path} is {kind}, not a regular file"), what=what, path=path, kind=kind
        )
    if info.st_size > limit:
        raise _problem(
            N_("{what} file {path} is larger than {limit}"),
            what=what,
            path=path,
            limit=size_text(limit),
        )


def check_regular(path: Path, *, what: str, limit: int) -> os.stat_result:
    """The file's status, when it is a regular file of at most limit bytes; else FileProblem."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _problem(N_("{what} file not found: {path}"), what=what, path=path) from None
    except OSError as error:
        raise _cannot_read(what, path, error) from None
    _check_readable(info, path, what, limit)
    return info


def open_regular(path: Path, *, what: str, limit: int) -> BinaryIO:
    """A regular file of at most limit bytes, open for reading in binary.

    The path is looked at before it is opened: opening a FIFO would wait for a
    writer forever, and a device such as /dev/zero never ends.
    """
    check_regular(path, what=what, limit=limit)
    # O_NONBLOCK: should the path become a FIFO after the check, the open does not wait.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _cannot_read(what, path, error) from None
    try:
        _check_readable(os.fstat(fd), path, what, limit)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, *, what: str, limit: int) -> bytes:
    """The content of a regular file of at most limit bytes; every failure is one FileProblem."""
    with open_regular(path, what=what, limit=limit) as file:
        try:
            # One byte more than allowed tells a file that grew since it was looked at.
            raw = file.read(limit + 1)
        except OSError as error:
            raise _cannot_read(what, path, error) from None
    if len(raw) > limit:
        raise _problem(
            N_("{what} file {path} is larger than {limit}"),
            what=what,
            path=path,
            limit=size_text(limit),
        )
    return raw


def _cannot_read(what: str, path: Path, error: OSError) -> FileProblem:
    return _problem(
        N_("cannot read {what} file {path}: {why}"), what=what, path=path, why=why(error)
    )


def json_value(raw: bytes | str) -> Any:
    """Decode JSON text; every way that can fail is one FileProblem naming the spot.

    Beyond syntax errors, that is: nesting too deep for the decoder (RecursionError),
    a number too long to convert (ValueError), and text that is not valid Unicode
    (a lone surrogate escape such as \\ud800, which nothing downstream can encode).
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _problem(N_("not UTF-8 text (byte {start})"), start=error.start) from None
        escaped = may_hold_surrogates(raw)
    else:
        text = raw
        escaped = may_hold_surrogates(raw.encode("utf-8", "surrogatepass"))
    import json  # only files that are read need it: off `done`'s start-up path

    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _problem(
            N_("not valid JSON (line {line}, column {column}: {json_error})"),
            line=error.lineno,
            column=error.colno,
            json_error=error.msg,
        ) from None
    except RecursionError:
        raise _problem(N_("nested too deeply to read")) from None
    except ValueError as error:
        # int() refuses numbers of thousands of digits (sys.int_info.default_max_str_digits).
        if "digits" in str(error):
            raise _problem(N_("holds a number too long to read (thousands of digits)")) from None
        raise _problem(N_("not valid JSON ({json_error})"), json_error=error) from None
    if escaped:
        where = lone_surrogate_at(data)
        if where is not None:
            detail = N_("not valid Unicode (a lone surrogate: half of a \\uD800-\\uDFFF pair)")
            problem = _problem(detail)
            raise FileProblem(f"{where}: {problem.message}", where=where, detail=detail)
    return data


def may_hold_surrogates(raw: bytes) -> bool:
    """False when JSON bytes surely decode without lone surrogates (they need an escape)."""
    return re.search(_SURROGATE_ESCAPE, raw) is not None


def lone_surrogate_at(data: Any) -> str | None:
    """The JSON path of the first string (or key) holding a lone surrogate, or None.

    Iterative, so that data nested as deep as the decoder allows cannot overflow the stack.
    """
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if re.search(_SURROGATE, value):
                return where or "(top level)"
        elif isinstance(value, dict):
            members = list(value.items())
            for key, _ in members:
                if re.search(_SURROGATE, key):
                    return f"{where or '(top level)'} (a key)"
            # Reversed onto the stack: the first member is looked at first.
            stack.extend((f"{where}.{key}" if where else key, v) for key, v in reversed(members))
        elif isinstance(value, list):
            stack.extend((f"{where}[{n}]", value[n]) for n in range(len(value) - 1, -1, -1))
    return None


def decode_json(raw: bytes, path: Path) -> Any:
    """Decode UTF-8 JSON bytes read from path; a failure names the file and the spot."""
    try:
        return json_value(raw)
    except FileProblem as problem:
        raise FileProblem(
            f"{path}: {problem.message}", where=problem.where, detail=problem.detail
        ) from None


def read_json(path: Path, *, what: str, limit: int) -> Any:
    """Decode a JSON file of at most limit bytes."""
    return decode_json(read_bytes(path, what=what, limit=limit), path)


def write_text_atomically(path: Path, text: str | Iterable[str]) -> None:
    """Write text (a string, or its pieces in order) to path so that it is all there or not at all.

    The text goes to a temporary file beside the target, is synced to disk, and is
    then renamed into place, so a reader never sees half a file and a failure (a
    full disk, Ctrl-C) leaves the old file as it was. Every failure is one
    FileProblem, and the temporary file is removed.

    - A symlink is written through on purpose: the file it points to is replaced
      and the link stays a link (a catalogue kept elsewhere and linked into a
      checkout stays where it is).
    - A target that exists and is not a regular file (a directory, a FIFO, a device
      such as /dev/full) is refused: replacing it with a file is never what was meant.
    - An existing file keeps its permission bits (and, where allowed, its owner); a
      new file gets 0o666 less the umask, as any other program would create it.
    - The directory must exist: a typo in it is refused, not created.
    """
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _cannot_write(path, error) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise _problem(N_("{path} is not a regular file"), path=path)
    directory = target.parent
    if not directory.is_dir():
        raise _problem(
            N_("cannot write {path}: directory {directory} does not exist"),
            path=path,
            directory=directory,
        )
    try:
        fd, temporary = _create_beside(target)
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        if info is not None:
            _keep_owner_and_mode(fd, info)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for piece in [text] if isinstance(text, str) else text:
                out.write(piece)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise
    _sync_directory(directory)


def _cannot_write(path: Path, error: OSError) -> FileProblem:
    return _problem(N_("cannot write {path}: {why}"), path=path, why=why(error))


def _create_beside(target: Path) -> tuple[int, str]:
    """A new, empty temporary file in target's directory: (fd, path)."""
    # Mode 0o666: the kernel takes the umask off, as for any new file.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    stem = target.name[:200]  # room for the suffix within a file name's 255 bytes
    for _ in range(100):
        name = target.parent / f".{stem}.{os.urandom(4).hex()}.tmp"
        try:
            return os.open(name, flags, 0o666), str(name)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def _keep_owner_and_mode(fd: int, info: os.stat_result) -> None:
    if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        # Only root may give a file away; otherwise the new file is the writer's.
        with contextlib.suppress(OSError):
            os.fchown(fd, info.st_uid, info.st_gid)
    os.fchmod(fd, stat.S_IMODE(info.st_mode) & 0o777)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable, where the OS lets a directory be synced."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse to sync a directory; the data itself is synced
    finally:
        os.close(fd)
