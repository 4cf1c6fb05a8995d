"""Notes on items: how long one may be.

A note is a sentence or a paragraph; 64 KiB holds a long essay. The bound keeps
`show`, `export` and `restore` quick, and a note pasted by mistake (a whole file,
a binary blob) out of the database. Older databases may hold longer notes: `show`
gives their first 64 KiB and says how much more there is, `export` keeps them whole.
"""

from __future__ import annotations

from typing import Final

MAX_NOTE_BYTES: Final = 64 * 1024
# Four bytes at most per character in UTF-8: a shorter text needs no encoding to know.
_SURELY_SHORT: Final = MAX_NOTE_BYTES // 4


def note_too_long(text: str) -> bool:
    """True when a note's UTF-8 takes more than MAX_NOTE_BYTES."""
    if len(text) <= _SURELY_SHORT:
        return False
    return len(text.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES


TOO_LONG: Final = "longer than 64 KiB of UTF-8 text"
