"""Text as dltrack compares, searches and shows it (standard library only).

Shared by every layer, the link checker and the importer included, so it imports
nothing of dltrack.
"""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls, DEL and the bidi overrides can rewrite a terminal or hide text:
# a title must never carry them to the screen raw.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Track and stage slugs: what the learner types.
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Characters that take no room at all: a title made only of them is empty.
INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")


def normalise(text: str) -> str:
    """Text as the search index holds it: NFKC (full-width ＣＮＮ is CNN) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def same_title(title: str) -> str:
    """A title as two titles are compared: NFKC, case-folded, whitespace collapsed."""
    return " ".join(normalise(title).split())


def safe(text: str) -> str:
    """Text with control characters shown as visible escapes (\\x1b) instead of acting."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def is_blank(text: str) -> bool:
    """True when text has nothing visible: empty, spaces, or zero-width characters only."""
    return not INVISIBLE.sub("", text)
