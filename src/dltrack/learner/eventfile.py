"""The event file: the learner's record on disk, for export, restore and sync between machines.

One JSON document a line, so a file can be read (and written) a line at a time:

    {"format": "dltrack-events", "version": 1, "device": ..., "catalogue": ..., ...}
    {"id": ..., "lamport": ..., "device": ..., "catalogue": ..., "item": 17, "action": ...}
    ...
    {"end": 2}

The last line counts the events, so a file cut short (a copy still in progress, an
interrupted write) is known as such: its complete lines are still good, since
events are independent and applying one twice changes nothing.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

from dltrack.errors import UserError
from dltrack.files import (
    EXPORT_LIMIT,
    FileProblem,
    lone_surrogate_at,
    may_hold_surrogates,
    open_regular,
    write_text_atomically,
)
from dltrack.learner.history import Action, Event
from dltrack.learner.ids import MAX_ITEM_ID
from dltrack.learner.notes import note_too_long
from dltrack.text import json_safe

FORMAT: Final = "dltrack-events"
VERSION: Final = 1
_ACTIONS: Final = frozenset(Action)
_TIME: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
_DAY: Final = re.compile(r"\d{4}-\d\d-\d\d")
_TOKEN: Final = re.compile(r"[0-9a-z_-]{1,64}")
_LINE_LIMIT: Final = 256 * 1024  # a note is at most 64 KiB of UTF-8; JSON escapes at most 6×
_SHORT: Final = 2048  # urls, titles, catalogue names
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False)


class BadEventFile(Exception):
    """An event file that cannot be used as a whole (not one, a newer version, a corrupt line)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def event_line(e: Event) -> str:
    """One event as its line of the file (without the newline)."""
    data = e._asdict()
    data["item"] = data.pop("item_id")
    return _ENCODER.encode(data)


def lines(header: dict[str, Any], events: Iterable[Event]) -> Iterator[str]:
    """The whole file in pieces: header, events, end line."""
    yield json_safe(_ENCODER.encode({"format": FORMAT, "version": VERSION, **header})) + "\n"
    count = 0
    batch: list[str] = []
    for e in events:
        batch.append(event_line(e))
        count += 1
        if len(batch) == 1000:
            yield json_safe("\n".join(batch)) + "\n"
            batch = []
    if batch:
        yield json_safe("\n".join(batch)) + "\n"
    yield _ENCODER.encode({"end": count}) + "\n"


def write(path: Path, header: dict[str, Any], events: Iterable[Event]) -> None:
    """Write an event file all at once: it appears complete or not at all."""
    try:
        write_text_atomically(path, lines(header, events))
    except FileProblem as problem:
        raise UserError(problem.message) from None


@dataclass
class Reading:
    """An event file being read: its header, then its events, then what was wrong."""

    path: Path
    header: dict[str, Any]
    events: Iterator[Event] = field(default_factory=lambda: iter(()))
    read: int = 0
    complete: bool = False  # the end line was there and its count matched


def _field_error(path: Path, number: int, name: str) -> BadEventFile:
    return BadEventFile(f"{path}: line {number}: {name} is missing or malformed")


# The keys of an event line, in Event's order ("item" is item_id there).
_KEYS: Final = tuple("item" if name == "item_id" else name for name in Event._fields)
_FIELDS: Final = operator.itemgetter(*_KEYS)


def check_event(raw: Any, path: Path, number: int) -> Event:
    """One line's event, every field checked: a hostile file cannot store anything odd.

    On the path of every event of a sync, so written for speed: one lookup a field.
    """
    if type(raw) is not dict:
        raise BadEventFile(f"{path}: line {number}: not an event")
    try:
        event = _FIELDS(raw)  # every key there, as dltrack writes them: one C call
    except KeyError:
        get = raw.get
        event = tuple(get(name) for name in _KEYS)
    # One short-circuiting test for the common case; the slow one only names the field.
    ident, lamport, device, command, name, catalogue, item, action, at, day, recorded = event[:11]
    url, title, text, target = event[11:]
    token = _TOKEN.fullmatch
    good = (
        type(ident) is str
        and token(ident)
        and type(lamport) is int
        and 1 <= lamport <= MAX_ITEM_ID
        and type(device) is str
        and (device in _SEEN or _remember(token(device), device))
        and type(command) is str
        and (command in _SEEN or _remember(token(command), command))
        and type(name) is str
        and (name in _SEEN or _remember(token(name), name))
        and type(catalogue) is str
        and 0 < len(catalogue) <= _SHORT
        and type(item) is int
        and 1 <= item <= MAX_ITEM_ID
        and action in _ACTIONS
        and type(at) is str
        and _TIME.fullmatch(at)
        and type(day) is str
        and (day in _SEEN_DAYS or _remember(_DAY.fullmatch(day), day, _SEEN_DAYS))
        and type(recorded) is str
        and (recorded == at or _TIME.fullmatch(recorded))
        and (url is None or (type(url) is str and len(url) <= _SHORT))
        and (title is None or (type(title) is str and len(title) <= _SHORT))
        and (target is None or (type(target) is str and len(target) <= _SHORT))
        and (text is None or (type(text) is str and not note_too_long(text)))
    )
    if not good:
        raise _field_error(path, number, _first_bad(event) or "?")
    return Event._make(event)


# Devices, commands, command names and days repeat from line to line: each is
# matched once (days apart: a token is no day).
_SEEN: set[str] = set()
_SEEN_DAYS: set[str] = set()


def _remember(match: object, value: str, seen: set[str] = _SEEN) -> bool:
    if match is None:
        return False
    if len(seen) < 65_536:  # bounded: a hostile file of distinct names only fills it once
        seen.add(value)
    return True


def _token(value: object) -> bool:
    return type(value) is str and _TOKEN.fullmatch(value) is not None


def _short(value: object) -> bool:
    return value is None or (type(value) is str and len(value) <= _SHORT)


def _first_bad(e: tuple[Any, ...]) -> str | None:
    """The name of the first field of an event (in Event's order) that is not right."""
    ident, lamport, device, command, name, catalogue, item, action, at, day, recorded = e[:11]
    url, title, text, target = e[11:]
    checks = (
        ("id", _token(ident)),
        ("lamport", type(lamport) is int and 1 <= lamport <= MAX_ITEM_ID),
        ("device", _token(device)),
        ("command", _token(command)),
        ("command_name", _token(name)),
        ("catalogue", type(catalogue) is str and 0 < len(catalogue) <= _SHORT),
        ("item", type(item) is int and 1 <= item <= MAX_ITEM_ID),
        ("action", action in _ACTIONS),
        ("at", type(at) is str and _TIME.fullmatch(at) is not None),
        ("day", type(day) is str and _DAY.fullmatch(day) is not None),
        ("recorded_at", type(recorded) is str and _TIME.fullmatch(recorded) is not None),
        ("url", _short(url)),
        ("title", _short(title)),
        ("text", text is None or (type(text) is str and not note_too_long(text))),
        ("target", _short(target)),
    )
    for field_name, ok in checks:
        if not ok:
            return field_name
    return None


_raw_decode: Final = json.JSONDecoder().raw_decode


def _decode(line: bytes) -> Any:
    """A line's JSON value, or None when it is not one JSON value (bad UTF-8 included)."""
    try:
        text = line.decode("utf-8").strip()
        value, end = _raw_decode(text)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if end != len(text):
        return None
    # A lone surrogate (half a UTF-16 pair) decodes, but no database can store it.
    if may_hold_surrogates(line) and lone_surrogate_at(value) is not None:
        return None
    return value


_BATCH_LINES: Final = 1000


def _next_lines(file: BinaryIO, path: Path, number: int) -> tuple[list[bytes], bool]:
    """Up to _BATCH_LINES whole lines, and whether the file ended (or was cut) after them."""
    lines: list[bytes] = []
    while len(lines) < _BATCH_LINES:
        line = file.readline(_LINE_LIMIT + 1)
        if len(line) > _LINE_LIMIT:
            at = number + len(lines) + 1
            raise BadEventFile(f"{path}: line {at} is longer than {_LINE_LIMIT // 1024} KiB")
        if not line.endswith(b"\n"):
            return lines, True  # the end of the file, or a last line cut short
        lines.append(line)
    return lines, False


def _decode_many(lines: list[bytes]) -> list[Any]:
    """The lines' JSON values decoded in one go; None for each when that cannot be trusted.

    One decoder call for a thousand lines instead of a thousand calls: a quarter of a
    big sync's reading (bench/record.py). Anything unusual (a line that is not one
    value, a surrogate escape) falls back to the line-by-line decoder, which names it.
    """
    if not lines:
        return []
    joined = b"[" + b",".join(lines) + b"]"
    if may_hold_surrogates(joined):
        return [None] * len(lines)
    try:
        values = json.loads(joined)
    except (ValueError, RecursionError):
        return [None] * len(lines)
    if not isinstance(values, list) or len(values) != len(lines):
        return [None] * len(lines)
    return values


def is_event_file(path: Path) -> bool:
    """True when a file starts as an event file does (else it may be an older export)."""
    try:
        with open_regular(path, what="event", limit=EXPORT_LIMIT) as file:
            first = file.readline(_LINE_LIMIT + 1)
    except FileProblem:
        return False
    header = _decode(first)
    return isinstance(header, dict) and header.get("format") == FORMAT


def open_events(path: Path) -> Reading:
    """Open an event file and check its header; its events are read as they are asked for."""
    try:
        file = open_regular(path, what="event", limit=EXPORT_LIMIT)
    except FileProblem as problem:
        raise BadEventFile(problem.message) from None
    first = file.readline(_LINE_LIMIT + 1)
    header = _decode(first) if first.endswith(b"\n") else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        file.close()
        raise BadEventFile(f"{path} is not a dltrack event file")
    version = header.get("version")
    if type(version) is not int or version != VERSION:
        file.close()
        newer = type(version) is int and version > VERSION
        raise BadEventFile(
            f"{path} is in event format {version!r}"
            + (", written by a newer dltrack; upgrade dltrack to read it" if newer else "")
        )
    reading = Reading(path=path, header=header)

    def events() -> Iterator[Event]:
        with file:
            number = 1  # the header's
            while True:
                lines, ended = _next_lines(file, path, number)
                values = _decode_many(lines)
                for offset, (line, raw) in enumerate(zip(lines, values, strict=True)):
                    at = number + 1 + offset
                    if raw is None:
                        raw = _decode(line)
                    if isinstance(raw, dict) and raw.keys() == {"end"}:
                        reading.complete = raw["end"] == reading.read
                        if offset + 1 < len(lines) or file.read(1):
                            raise BadEventFile(f"{path}: line {at + 1}: text after the end line")
                        return
                    if raw is None:
                        raise BadEventFile(f"{path}: line {at}: not valid JSON")
                    event = check_event(raw, path, at)
                    reading.read += 1
                    yield event
                number += len(lines)
                if ended:
                    return  # cut short: no end line

    reading.events = events()
    return reading
