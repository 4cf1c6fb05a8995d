"""Item ids as the learner types them: 17, 3,4,5 and ranges 3-7."""

from __future__ import annotations

import re
from typing import Final

from dltrack.errors import UserError

# An item id is a positive integer below 2^53: exact as a JSON number in every
# reader (JavaScript's included), and well inside SQLite's 64-bit INTEGER. The
# catalogue's schema and restore hold ids to the same bound.
MAX_ITEM_ID: Final = 2**53 - 1
_MAX_DIGITS: Final = len(str(MAX_ITEM_ID))
MAX_IDS: Final = 10_000  # a range like 1-999999999 is a typo, not a request
_ID_PART = re.compile(r"#?([0-9]+)(?:-([0-9]+))?")


def _shown(text: str) -> str:
    """User input as an error message quotes it: a long one shortened."""
    return repr(text if len(text) <= 40 else f"{text[:20]}…{text[-10:]} ({len(text)} characters)")


def _number(digits: str, part: str) -> int:
    # Bounded before int(): a 5,000-digit number is refused, not converted.
    if len(digits.lstrip("0")) > _MAX_DIGITS or int(digits) > MAX_ITEM_ID:
        raise UserError(f"no item with id {_shown(part)}: ids are below 2^53")
    return int(digits)


def parse_ids(words: list[str]) -> list[int]:
    """Item ids from the command line: `3`, `3,4,5` and ranges `3-7`, in order, without repeats.

    At most MAX_IDS ids in all: more are a slip (a pasted file), and would not fit
    the database's limit on one query's parameters.
    """
    ids: dict[int, None] = {}
    for word in words:
        for part in filter(None, (p.strip() for p in word.split(","))):
            match = _ID_PART.fullmatch(part)
            if not match:
                raise UserError(f"not an item id: {_shown(part)} (ids are numbers, like 17 or 3-7)")
            first = _number(match.group(1), part)
            last = _number(match.group(2), part) if match.group(2) else first
            if first < 1 or last < first:
                raise UserError(f"not an item id range: {_shown(part)}")
            if last - first >= MAX_IDS:
                raise UserError(f"range {_shown(part)} is too long (at most {MAX_IDS} ids at once)")
            ids.update(dict.fromkeys(range(first, last + 1)))
            if len(ids) > MAX_IDS:
                raise UserError(f"too many ids: at most {MAX_IDS} at once")
    if not ids:
        raise UserError("give at least one item id")
    return list(ids)


def one_id(word: str) -> int:
    """Exactly one item id."""
    ids = parse_ids([word])
    if len(ids) != 1:
        raise UserError(f"give one item id, not {_shown(word)}")
    return ids[0]
