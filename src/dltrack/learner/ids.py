"""Item ids as the learner types them: 17, 3,4,5 and ranges 3-7."""

from __future__ import annotations

import re
from typing import Final

from dltrack.errors import UserError

MAX_IDS: Final = 10_000  # a range like 1-999999999 is a typo, not a request
_ID_PART = re.compile(r"^#?(\d+)(?:-(\d+))?$")


def parse_ids(words: list[str]) -> list[int]:
    """Item ids from the command line: `3`, `3,4,5` and ranges `3-7`, in order, without repeats."""
    ids: list[int] = []
    for word in words:
        for part in filter(None, (p.strip() for p in word.split(","))):
            match = _ID_PART.match(part)
            if not match:
                raise UserError(f"not an item id: {part!r} (ids are numbers, like 17 or 3-7)")
            first = int(match.group(1))
            last = int(match.group(2) or first)
            if first < 1 or last < first:
                raise UserError(f"not an item id range: {part!r}")
            if last - first >= MAX_IDS:
                raise UserError(f"range {part!r} is too long (at most {MAX_IDS} ids at once)")
            ids.extend(range(first, last + 1))
    if not ids:
        raise UserError("give at least one item id")
    return list(dict.fromkeys(ids))


def one_id(word: str) -> int:
    """Exactly one item id."""
    ids = parse_ids([word])
    if len(ids) != 1:
        raise UserError(f"give one item id, not {word!r}")
    return ids[0]
