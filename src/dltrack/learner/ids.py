"""Item ids as the learner types them: 17, 3,4,5 and ranges 3-7."""

from __future__ import annotations

import re
from typing import Final

from dltrack.errors import UserError
from dltrack.lang import tr

# An item id is a positive integer below 2^53: exact as a JSON number in every
# reader (JavaScript's included), and well inside SQLite's 64-bit INTEGER. The
# catalogue's schema and restore hold ids to the same bound.
MAX_ITEM_ID: Final = 2**53 - 1
_MAX_DIGITS: Final = len(str(MAX_ITEM_ID))
MAX_IDS: Final = 10_000  # a range like 1-999999999 is a typo, not a request
# Pattern text, compiled by re when ids are first parsed: `next` and `list` never do.
_ID_PART = r"#?([0-9]+)(?:-([0-9]+))?"
# The learner's own items: m3, and ranges m3-7 or m3-m7. They are -3 and so on in
# the database (the mirror keeps them below zero, apart from the catalogue's ids).
_OWN_PART = r"[mM]([0-9]+)(?:-[mM]?([0-9]+))?"


def _shown(text: str) -> str:
    """User input as an error message quotes it: a long one shortened."""
    return repr(text if len(text) <= 40 else f"{text[:20]}…{text[-10:]} ({len(text)} characters)")


def _number(digits: str, part: str) -> int:
    # Bounded before int(): a 5,000-digit number is refused, not converted.
    if len(digits.lstrip("0")) > _MAX_DIGITS or int(digits) > MAX_ITEM_ID:
        raise UserError(tr("no item with id {part}: ids are below 2^53").format(part=_shown(part)))
    return int(digits)


def parse_ids(words: list[str]) -> list[int]:
    """Item ids from the command line: `3`, `3,4,5`, ranges `3-7`, `m3`, in order, no repeats.

    At most MAX_IDS ids in all: more are a slip (a pasted file), and would not fit
    the database's limit on one query's parameters.
    """
    ids: dict[int, None] = {}
    for word in words:
        for part in filter(None, (p.strip() for p in word.split(","))):
            own = re.fullmatch(_OWN_PART, part)
            match = own or re.fullmatch(_ID_PART, part)
            if not match:
                raise UserError(
                    tr(
                        "not an item id: {part} (ids are numbers, like 17 or 3-7, "
                        "or m3 for your own items)"
                    ).format(part=_shown(part))
                )
            first = _number(match.group(1), part)
            last = _number(match.group(2), part) if match.group(2) else first
            if first < 1 or last < first:
                raise UserError(tr("not an item id range: {part}").format(part=_shown(part)))
            if last - first >= MAX_IDS:
                raise UserError(
                    tr("range {part} is too long (at most {max_ids} ids at once)").format(
                        part=_shown(part), max_ids=MAX_IDS
                    )
                )
            span = range(first, last + 1)
            ids.update(dict.fromkeys((-n for n in span) if own else span))
            if len(ids) > MAX_IDS:
                raise UserError(
                    tr("too many ids: at most {max_ids} at once").format(max_ids=MAX_IDS)
                )
    if not ids:
        raise UserError(tr("give at least one item id"))
    return list(ids)


def one_id(word: str) -> int:
    """Exactly one item id."""
    ids = parse_ids([word])
    if len(ids) != 1:
        raise UserError(tr("give one item id, not {word}").format(word=_shown(word)))
    return ids[0]


def shown_id(item_id: int) -> str:
    """An item id as the learner types it: 17, or m3 for their own item number 3."""
    return f"m{-item_id}" if item_id < 0 else str(item_id)


def json_id(item_id: int) -> int | str:
    """An item id in JSON: the catalogue's as a number, one's own as "m3"."""
    return item_id if item_id > 0 else shown_id(item_id)
