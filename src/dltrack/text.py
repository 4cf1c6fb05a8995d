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
# report with them raw. Every one of them is a control (Cc) or format (Cf)
# character, which str.isprintable() rejects: text that passes it needs no regex.
#
# These three are kept as pattern text and compiled by re on first use (re caches
# them): compiling a class beyond Latin-1 builds a table of the whole BMP, several
# milliseconds that `done` and `next` would pay at start-up for titles that are, in
# practice, always printable.
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
# What json.dumps leaves raw of those (it escapes C0 controls itself).
_UNSAFE_IN_JSON = "[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
# Characters that take no room at all: a title made only of them is empty.
_INVISIBLE = r"[\s\u200b-\u200f\u2060\ufeff]+"
# Track and stage slugs: what the learner types.
_SLUG = r"[a-z0-9][a-z0-9-]*"


def is_slug(text: str) -> bool:
    """Whether text can be a track or stage slug: lower-case letters, digits and dashes."""
    return re.fullmatch(_SLUG, text) is not None


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
    if text.isprintable():
        return text
    return re.sub(_UNSAFE, _escape, text)


def json_safe(document: str) -> str:
    """JSON text with those characters written as \\u escapes: the same data, safe to show.

    They can only stand inside strings, where an escape means the same character.
    """
    return re.sub(_UNSAFE_IN_JSON, lambda m: f"\\u{ord(m.group()):04x}", document)


def is_blank(text: str) -> bool:
    """True when text has nothing visible: empty, spaces, or zero-width characters only."""
    stripped = text.strip()
    if stripped.isprintable():  # nothing, or a visible character first
        return not stripped
    return not re.sub(_INVISIBLE, "", text)
