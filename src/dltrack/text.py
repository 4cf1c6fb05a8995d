"""Text as dltrack compares, searches and shows it (standard library only).

Shared by every layer, the link checker and the importer included, so it imports
nothing of dltrack.
"""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls and DEL can rewrite a terminal; bidi controls (U+061C, U+200E/F,
# U+202A-E, U+2066-9) reorder what is shown and zero-width characters (U+200B-D,
# U+2060, U+FEFF) hide what is there: a title or URL never reaches a screen or a
# report with them raw.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
# What json.dumps leaves raw of those (it escapes C0 controls itself).
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
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


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str) -> str:
    """Text with control, bidi and invisible characters shown as escapes (\\x1b, \\u202e)."""
    return _UNSAFE.sub(_escape, text)


def json_safe(document: str) -> str:
    """JSON text with those characters written as \\u escapes: the same data, safe to show.

    They can only stand inside strings, where an escape means the same character.
    """
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def is_blank(text: str) -> bool:
    """True when text has nothing visible: empty, spaces, or zero-width characters only."""
    return not INVISIBLE.sub("", text)
