"""Simplified Chinese for the words typer and click print: usage errors, help headings.

Their English is click's own, filled in by click; ``lang.tr_filled`` finds the
template of each sentence. tests/test_language.py provokes each of them and fails
when click's wording no longer matches one here.
"""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {}
