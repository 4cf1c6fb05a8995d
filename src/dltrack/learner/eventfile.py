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
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from dltrack.errors import UserError
from dltrack.files import EXPORT_LIMIT, FileProblem, open_regular, write_text_atomically
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


def _text(raw: dict[str, Any], name: str, limit: int) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise KeyError(name)
    return value


def check_event(raw: Any, path: Path, number: int) -> Event:
    """One line's event, every field checked: a hostile file cannot store anything odd."""
    if not isinstance(raw, dict):
        raise BadEventFile(f"{path}: line {number}: not an event")
    try:
        for name in ("id", "device", "command", "command_name"):
            if not isinstance(raw.get(name), str) or not _TOKEN.fullmatch(raw[name]):
                raise KeyError(name)
        lamport, item = raw.get("lamport"), raw.get("item")
        if type(lamport) is not int or not 1 <= lamport <= MAX_ITEM_ID:
            raise KeyError("lamport")
        if type(item) is not int or not 1 <= item <= MAX_ITEM_ID:
            raise KeyError("item")
        if raw.get("action") not in _ACTIONS:
            raise KeyError("action")
        for name in ("at", "recorded_at"):
            if not isinstance(raw.get(name), str) or not _TIME.fullmatch(raw[name]):
                raise KeyError(name)
        if not isinstance(raw.get("day"), str) or not _DAY.fullmatch(raw["day"]):
            raise KeyError("day")
        catalogue = _text(raw, "catalogue", _SHORT)
        if not catalogue:
            raise KeyError("catalogue")
        text = _text(raw, "text", _LINE_LIMIT)
        if text is not None and note_too_long(text):
            raise KeyError("text")
        return Event(
            id=raw["id"],
            lamport=lamport,
            device=raw["device"],
            command=raw["command"],
            command_name=raw["command_name"],
            catalogue=catalogue,
            item_id=item,
            action=Action(raw["action"]),
            at=raw["at"],
            day=raw["day"],
            recorded_at=raw["recorded_at"],
            url=_text(raw, "url", _SHORT),
            title=_text(raw, "title", _SHORT),
            text=text,
            target=_text(raw, "target", 64),
        )
    except KeyError as missing:
        raise _field_error(path, number, str(missing.args[0])) from None


def _decode(line: bytes) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


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
            number = 1
            while True:
                line = file.readline(_LINE_LIMIT + 1)
                number += 1
                if not line.endswith(b"\n"):
                    return  # cut short: no end line
                raw = _decode(line)
                if isinstance(raw, dict) and raw.keys() == {"end"}:
                    reading.complete = raw["end"] == reading.read
                    if file.read(1):
                        raise BadEventFile(f"{path}: line {number + 1}: text after the end line")
                    return
                if raw is None:
                    raise BadEventFile(f"{path}: line {number}: not valid JSON")
                event = check_event(raw, path, number)
                reading.read += 1
                yield event

    reading.events = events()
    return reading
